/**
 * The bugs a new user hit in a full walk-through (issue 10), each reproduced the way they hit it. Every test here
 * failed before its fix; the shared helper also fails any test whose page logs a console warning or error.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sharedBrowser, snapshot } from './browser';
import {
  canvasNodeIds,
  clickEdge,
  clickEmptyCanvas,
  documentInPage,
  dragConnection,
  dragNode,
  edgeLabels,
  expectLabels,
  openEditor,
  POLL,
  selectNode,
  statusText,
  toastTexts,
} from './editor-page';
import { PAPER_LABELS } from './editor-paper';

const browser = sharedBrowser();

/** Screen rectangles of nodes on the canvas (not the frames drawn behind expanded blocks: they hold nodes and edges). */
function nodeRects(page: Page, ids?: string[]): Promise<Record<string, { x: number; y: number; w: number; h: number }>> {
  return page.$$eval(
    '.react-flow__node:not(.react-flow__node-blockFrame)',
    (els, only) =>
      Object.fromEntries(
        els
          .map((el) => [el.getAttribute('data-id')!, el.getBoundingClientRect()] as const)
          .filter(([id]) => !only || only.includes(id))
          .map(([id, r]) => [id, { x: r.x, y: r.y, w: r.width, h: r.height }]),
      ),
    ids,
  );
}

/**
 * For every edge path on the canvas, the nodes (other than its own two ends) that the drawn path runs through,
 * sampled every few pixels along the path in screen coordinates.
 */
function edgesThroughNodes(page: Page, onlyNodes?: string[]): Promise<string[]> {
  return page.evaluate((only) => {
    const nodes = [...document.querySelectorAll<HTMLElement>('.react-flow__node:not(.react-flow__node-blockFrame)')]
      .map((el) => ({ id: el.dataset.id!, r: el.getBoundingClientRect() }))
      .filter((n) => !only || only.includes(n.id));
    const hits: string[] = [];
    for (const g of document.querySelectorAll<SVGGElement>('.react-flow__edge')) {
      const path = g.querySelector<SVGPathElement>('path.react-flow__edge-path');
      const id = g.dataset.id ?? g.getAttribute('data-testid') ?? '';
      if (!path) continue;
      const edgeId = id.replace(/^rf__edge-/, '');
      const ctm = path.getScreenCTM();
      if (!ctm) continue;
      const length = path.getTotalLength();
      const inside = new Set<string>();
      for (let d = 0; d <= length; d += 4) {
        const p = path.getPointAtLength(d).matrixTransform(ctm);
        for (const n of nodes) {
          // A few pixels of slack at the border: the ends of an edge touch their own node's border.
          if (p.x > n.r.left + 3 && p.x < n.r.right - 3 && p.y > n.r.top + 3 && p.y < n.r.bottom - 3) inside.add(n.id);
        }
      }
      for (const nodeId of inside) hits.push(`${edgeId} runs through ${nodeId}`);
    }
    return hits;
  }, onlyNodes);
}

/** Edges whose ends are the node itself are allowed to touch it; drop those hits. */
async function edgesThroughOtherNodes(page: Page, onlyNodes?: string[]): Promise<string[]> {
  const doc = await documentInPage(page);
  const ends = new Map(doc.edges.map((e) => [e.id, [e.source, e.target]]));
  return (await edgesThroughNodes(page, onlyNodes)).filter((hit) => {
    const [edgeId, nodeId] = hit.split(' runs through ');
    return !ends.get(edgeId!)?.includes(nodeId!);
  });
}

/** The side React Flow draws a handle on ('top', 'right', …). */
const handleSide = (page: Page, testId: string) => page.getByTestId(testId).getAttribute('data-handlepos');

describe('editor: bugs from the walk-through (issue 10)', () => {
  it('1. a number field commits on Enter or leaving it, not on every keystroke: no transient error, one undo step', async () => {
    const { page, context } = await openEditor(browser());
    await selectNode(page, 'input');
    const height = page.getByTestId('param-height');
    await height.selectText();
    await page.keyboard.type('5');
    // "5" alone would not fit a 2×2 window downstream: nothing of it may reach the document.
    await page.waitForTimeout(300);
    expect(await statusText(page)).toBe('All shapes check out');
    expect((await documentInPage(page)).nodes.find((n) => n.id === 'input')!.params.height).toBe(572);
    await page.keyboard.type('70');
    expect((await documentInPage(page)).nodes.find((n) => n.id === 'input')!.params.height).toBe(572);
    await page.keyboard.press('Enter');
    await expectLabels(page, { e_input_enc0_conv1: '1×570×572' });
    expect(await page.getByTestId('undo').getAttribute('title')).toContain('Undo Set input.height');
    // One undo step takes it back to 572.
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+z');
    await expectLabels(page, PAPER_LABELS);
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);

    // A refused value never reaches the document: 70000 filters (max 65536) and 3.5 filters leave 64.
    await selectNode(page, 'enc0_conv1');
    const filters = page.getByTestId('param-filters');
    for (const typed of ['70000', '3.5']) {
      await filters.selectText();
      await page.keyboard.type(typed);
      await expect.poll(() => page.getByTestId('param-filters-error').count(), POLL).toBe(1);
      await page.keyboard.press('Enter');
      await expect.poll(() => filters.inputValue(), POLL).toBe('64');
      expect((await documentInPage(page)).nodes.find((n) => n.id === 'enc0_conv1')!.params.filters).toBe(64);
    }
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);
    // Arrow keys commit each step at once (one step each).
    await filters.focus();
    await page.keyboard.press('ArrowUp');
    await expectLabels(page, { e_enc0_conv1_enc0_conv2: '65×570×570' });
    await page.keyboard.press('Escape');
    expect(await edgeLabels(page)).toMatchObject({ e_enc0_conv1_enc0_conv2: '65×570×570' });
    await context.close();
  });

  it('2. New U-Net names the net after its options and shows its output and validity live, offering the nearest valid size', async () => {
    const { page, context } = await openEditor(browser());
    await page.getByTestId('new-unet').click();
    const dialog = page.getByTestId('new-unet-dialog');
    await expect.poll(() => dialog.count(), POLL).toBe(1);
    await page.getByTestId('unet-depth').fill('3');
    await page.getByTestId('unet-base').fill('16');
    await page.getByTestId('unet-base').press('Enter');
    await page.getByTestId('unet-padding').selectOption('same');
    // 572 is not a multiple of 8: the dialog says so before Create and offers the nearest valid sizes.
    const preview = page.getByTestId('unet-preview');
    await expect.poll(() => preview.textContent(), POLL).toContain('1×572×572 → 2×568×568');
    expect(await page.getByTestId('unet-validity').textContent()).toBe('572×572 is not valid for this net (1 warning) — nearest: 576×576568×568');
    expect(await page.getByTestId('unet-name').inputValue()).toBe('U-Net (depth 3, base 16, same, 572×572)');
    await page.getByTestId('unet-use-568x568').click();
    await expect.poll(() => page.getByTestId('unet-validity').textContent(), POLL).toBe('568×568 is valid: every layer gets a size it can handle');
    expect(await page.getByTestId('unet-name').inputValue()).toBe('U-Net (depth 3, base 16, same, 568×568)');
    await page.getByTestId('unet-create').click();
    await expect.poll(() => dialog.count(), POLL).toBe(0);
    await expect.poll(async () => (await canvasNodeIds(page)).length, POLL).toBe(29);
    expect(await page.getByTestId('toolbar-doc-name').textContent()).toBe('U-Net (depth 3, base 16, same, 568×568)');
    const doc = await documentInPage(page);
    expect(doc.description ?? '').not.toContain('Ronneberger');
    expect(doc.description).toContain('depth 3');
    expect(await statusText(page)).toBe('All shapes check out');
    await context.close();
  });

  it('3. clicks land in the New U-Net dialog while a field with help text has focus', async () => {
    const { page, context } = await openEditor(browser());
    await page.getByTestId('new-unet').click();
    const dialog = page.getByTestId('new-unet-dialog');
    await page.getByTestId('unet-inputSize.h').click();
    // With the field focused, its help is on screen; the click on "More options" must still land.
    await page.getByTestId('unet-more').click();
    await expect.poll(() => page.getByTestId('unet-more').getAttribute('aria-expanded'), POLL).toBe('true');
    await page.getByTestId('unet-depth').click();
    const create = await page.getByTestId('unet-create').boundingBox();
    await page.getByTestId('unet-create').click();
    await expect.poll(() => dialog.count(), POLL).toBe(0);
    expect(create).not.toBeNull();
    await expectLabels(page, PAPER_LABELS);
    await context.close();
  });

  it('4. paste lands in free space, clear of nodes and edges', async () => {
    const { page, context } = await openEditor(browser(), '?template=keras-get_unet');
    const before = await canvasNodeIds(page);
    await selectNode(page, 'enc0_conv1');
    await page.getByTestId('node-enc0_conv2').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+c');
    await expect.poll(() => toastTexts(page), POLL).toContain('Copied 2 nodes');
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await canvasNodeIds(page)).length, POLL).toBe(before.length + 2);
    const pasted = (await canvasNodeIds(page)).filter((id) => !before.includes(id));
    await page.waitForTimeout(300);
    expect(await edgesThroughOtherNodes(page, pasted)).toEqual([]);
    // …and clear of every other node.
    const rects = await nodeRects(page);
    for (const id of pasted)
      for (const [other, r] of Object.entries(rects)) {
        if (pasted.includes(other)) continue;
        const p = rects[id]!;
        const overlap = p.x < r.x + r.w && r.x < p.x + p.w && p.y < r.y + r.h && r.y < p.y + p.h;
        expect(overlap, `${id} lands on ${other}`).toBe(false);
      }
    await snapshot(page, 'bug4-paste-free-space');
    await context.close();
  });

  it('5. Arrange › Left to right lays the paper U-Net out in layers, left to right, skips routed around the nodes', async () => {
    const { page, context } = await openEditor(browser());
    await page.getByTestId('auto-layout').click();
    await page.getByTestId('layout-ltr').click();
    await expect.poll(() => page.getByTestId('undo').getAttribute('title'), POLL).toContain('Arrange left to right');
    await page.waitForTimeout(800);
    const doc = await documentInPage(page);
    const at = new Map(doc.nodes.map((n) => [n.id, n.position]));
    // Every connection points right: one layer per step, no snake.
    for (const e of doc.edges) expect(at.get(e.target)!.x, e.id).toBeGreaterThan(at.get(e.source)!.x);
    await page.getByTestId('fit-view').click();
    await page.waitForTimeout(600);
    expect(await edgesThroughOtherNodes(page)).toEqual([]);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);
    await snapshot(page, 'bug5-left-to-right');
    await context.close();
  });

  it('8. edges show their direction, and inputs stay across from the output wherever the neighbours sit', async () => {
    const { page, context } = await openEditor(browser());
    // Insert a batch norm between enc0_conv2 and down0, placed to the right of down0 as the reporter did.
    await clickEdge(page, 'e_enc0_conv2_down0');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('edge-label-e_enc0_conv2_down0').count(), POLL).toBe(0);
    await page.getByTestId('palette-item-batchNorm').click();
    const bn = (await canvasNodeIds(page)).find((id) => id.startsWith('batchNorm'))!;
    expect(bn).toBeDefined();
    const down0 = (await nodeRects(page, ['down0'])).down0!;
    const placed = (await nodeRects(page, [bn]))[bn]!;
    await dragNode(page, bn, down0.x + down0.w * 1.6 - placed.x, down0.y - placed.y);
    await clickEmptyCanvas(page);
    await dragConnection(page, 'handle-enc0_conv2-out', `handle-${bn}-in-0`);
    await dragConnection(page, `handle-${bn}-out`, 'handle-down0-in-0');
    await expectLabels(page, { [`e_${bn}_down0`]: '64×568×568', e_down0_enc1_conv1: '64×284×284' });
    await page.waitForTimeout(300);
    const opposite: Record<string, string> = { left: 'right', right: 'left', top: 'bottom', bottom: 'top' };
    for (const id of ['down0', bn, 'enc0_conv2', 'enc1_conv1']) {
      const out = await handleSide(page, `handle-${id}-out`);
      expect(await handleSide(page, `handle-${id}-in-0`), `${id}: input across from its output (${out})`).toBe(opposite[out!]);
    }
    // Every edge ends in an arrowhead.
    const markers = await page.$$eval('path.react-flow__edge-path', (paths) => paths.map((p) => p.getAttribute('marker-end') ?? ''));
    expect(markers.length).toBe((await documentInPage(page)).edges.length);
    for (const m of markers) expect(m).toMatch(/^url\(/);
    await snapshot(page, 'bug8-direction');
    await context.close();
  });

  it('9. wiring, deleting edges, dragging and resizing log no React Flow warnings', async () => {
    const { page, context } = await openEditor(browser());
    // Rewire a skip: delete it, connect it again by dragging.
    await clickEdge(page, 'e_crop0_cat0');
    await page.keyboard.press('Delete');
    await dragConnection(page, 'handle-crop0-out', 'handle-cat0-in-1');
    await expect.poll(async () => Object.keys(await edgeLabels(page)).length, POLL).toBe(44);
    // Drag nodes past their neighbours, so the sides their dots sit on change.
    await dragNode(page, 'down0', 300, 0);
    await dragNode(page, 'crop1', -300, 120);
    await dragNode(page, 'enc0_conv2', 0, 250);
    // Resize the window and fold the bottom panel.
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.getByTestId('summary-toggle').click();
    await page.setViewportSize({ width: 1440, height: 900 });
    // Undo the lot.
    for (let i = 0; i < 5; i++) await page.keyboard.press('Control+z');
    await expectLabels(page, PAPER_LABELS);
    await page.waitForTimeout(500);
    await context.close();
  });

  it('10. counts read right, totals say when they are incomplete, duplicate labels are flagged, template texts are plain', async () => {
    const { page, context } = await openEditor(browser());
    // "2 nodes, 1 connection"
    await clickEdge(page, 'e_enc0_conv1_enc0_conv2');
    await page.getByTestId('node-enc0_conv1').click({ modifiers: ['Shift'] });
    await page.getByTestId('node-enc0_conv2').click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('inspector-multi').textContent(), POLL).toContain('2 nodes, 1 connection');
    expect(await page.getByTestId('inspector-multi').textContent()).not.toContain('connections');

    // Deleting a skip leaves the decoder's shapes unknown: the totals say they are incomplete.
    await clickEmptyCanvas(page);
    await clickEdge(page, 'e_crop0_cat0');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('total-params').textContent(), POLL).toMatch(/^≥ /);
    expect(await page.getByTestId('totals-incomplete').textContent()).toBe('4 nodes unknown');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('total-params').textContent(), POLL).toBe('31,030,658');
    expect(await page.getByTestId('totals-incomplete').count()).toBe(0);

    // A label another node already has is accepted but flagged.
    await selectNode(page, 'enc0_conv1');
    await page.getByTestId('inspector-label').fill('enc0_conv2');
    await expect.poll(() => page.getByTestId('inspector-label-warning').textContent(), POLL).toBe(
      'Another node is already called “enc0_conv2” — the layer table and exports will show two.',
    );
    await page.getByTestId('inspector-label').fill('first conv');
    await expect.poll(() => page.getByTestId('inspector-label-warning').count(), POLL).toBe(0);

    // Template descriptions a new user reads carry no in-house jargon.
    await page.getByTestId('menu-templates').click();
    const titles = await page.locator('[data-testid="menu-templates-list"] [role="menuitem"]').evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? ''));
    expect(titles.length).toBeGreaterThanOrEqual(8);
    for (const t of titles) {
      expect(t.length).toBeGreaterThan(20);
      expect(t).not.toMatch(/seed/i);
    }
    await context.close();
  });
});
