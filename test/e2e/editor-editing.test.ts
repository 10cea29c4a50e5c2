/**
 * Editing the graph by hand: delete, copy/paste and reconnect with keyboard and mouse; a skip wired straight into
 * a concat (no crop) and the one-click fix that inserts the crop.
 */
import { describe, expect, it } from 'vitest';
import { sharedBrowser, snapshot } from './browser';
import {
  canvasNodeIds,
  clickEmptyCanvas,
  dragConnection,
  dragNode,
  edgePoint,
  edgeLabels,
  expectLabels,
  hoverCardText,
  inspectorProblems,
  nodeDiagnostics,
  openEditor,
  POLL,
  selectNode,
  statusText,
  toastTexts,
} from './editor-page';
import { PAPER_LABELS } from './editor-paper';

const browser = sharedBrowser();

const without = (labels: Record<string, string>, ...ids: string[]) => Object.fromEntries(Object.entries(labels).filter(([id]) => !ids.includes(id)));
const sortedValues = (labels: Record<string, string>) => Object.values(labels).sort();

describe('editor: editing by hand', () => {
  it('copy, delete, paste and reconnect a conv from the keyboard and mouse; Escape and Backspace; undo brings it all back', async () => {
    const { page, context, problems } = await openEditor(browser());
    const paperNodes = await canvasNodeIds(page);
    expect(paperNodes).toHaveLength(37);

    await selectNode(page, 'dec0_conv2');
    const summary = await page.getByTestId('node-summary-dec0_conv2').textContent();
    await page.keyboard.press('Control+c');
    await expect.poll(() => toastTexts(page), POLL).toContain('Copied 1 node');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('node-dec0_conv2').count(), POLL).toBe(0);
    // Its two edges go with it; the head has no input, so nothing after it has a size.
    const cut = without(PAPER_LABELS, 'e_dec0_conv1_dec0_conv2', 'e_dec0_conv2_head');
    await expectLabels(page, { e_head_output: '?' });
    expect(await edgeLabels(page)).toEqual({ ...cut, e_head_output: '?' });
    expect(await nodeDiagnostics(page, 'head')).toEqual({ severity: 'error', messages: ['head: input "x" is not connected'] });
    expect(await page.getByTestId('node-shape-head').textContent()).toBe('?');
    expect(await statusText(page)).toBe('1 error 1 warning');
    // Nothing is selected after a delete: the inspector shows the graph.
    await expect.poll(() => page.getByTestId('inspector-doc').count(), POLL).toBe(1);

    await page.keyboard.press('Control+v');
    await expect.poll(() => toastTexts(page), POLL).toContain('Pasted 1 node');
    await expect.poll(async () => (await canvasNodeIds(page)).length, POLL).toBe(37);
    const [pasted] = (await canvasNodeIds(page)).filter((id) => !paperNodes.includes(id));
    expect(pasted).toBeDefined();
    expect(await page.getByTestId(`node-summary-${pasted}`).textContent()).toBe(summary);
    // The pasted node is selected and shown in the inspector.
    expect(await page.getByTestId('inspector-node').getAttribute('data-node')).toBe(pasted);

    // Escape clears the selection.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('inspector-doc').count(), POLL).toBe(1);
    expect(await page.locator('.react-flow__node.selected').count()).toBe(0);

    // Paste lands it just beside where the original was, over its neighbours: move it clear, then wire it back
    // in by dragging from output dot to input dot.
    const pastedAt = await page.getByTestId(`node-${pasted}`).boundingBox();
    await dragNode(page, pasted!, 120, 0);
    await expect.poll(async () => (await page.getByTestId(`node-${pasted}`).boundingBox())!.x, POLL).toBeGreaterThan(pastedAt!.x + 100);
    await dragConnection(page, 'handle-dec0_conv1-out', `handle-${pasted}-in-0`);
    await dragConnection(page, `handle-${pasted}-out`, 'handle-head-in-0');
    const rewired = {
      ...cut,
      [`e_dec0_conv1_${pasted}`]: '64×390×390',
      [`e_${pasted}_head`]: '64×388×388',
      e_head_output: '2×388×388',
    };
    await expectLabels(page, rewired);
    expect(await edgeLabels(page)).toEqual(rewired);
    expect(await statusText(page)).toBe('All shapes check out');
    await snapshot(page, 'editor-pasted-and-rewired');

    // Backspace deletes too.
    await selectNode(page, pasted!);
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.getByTestId(`node-${pasted}`).count(), POLL).toBe(0);
    await expectLabels(page, { e_head_output: '?' });

    // Undo everything (backspace, two connections, move, paste, delete): the paper network, exactly.
    for (let i = 0; i < 6; i++) await page.keyboard.press('Control+z');
    await expectLabels(page, PAPER_LABELS);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);
    expect((await canvasNodeIds(page)).sort()).toEqual([...paperNodes].sort());
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a skip wired straight into the concat says what to crop, and the fix button inserts the crop', async () => {
    const { page, context, problems } = await openEditor(browser());
    await selectNode(page, 'crop0');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('node-crop0').count(), POLL).toBe(0);
    // The concat lost its input 0; the up-conv's edge moves up to port 0 and the free slot is port 1.
    expect(await nodeDiagnostics(page, 'cat0')).toEqual({ severity: 'error', messages: ['cat0: input 1 is not connected'] });

    await dragConnection(page, 'handle-enc0_conv2-out', 'handle-cat0-in-1');
    const mismatch = 'concat: input 0 is 392×392, input 1 is 568×568 — crop input 1 to 392×392';
    await expect.poll(() => nodeDiagnostics(page, 'cat0'), POLL).toEqual({ severity: 'error', messages: [mismatch] });
    expect(await hoverCardText(page, 'cat0')).toBe(mismatch);
    const broken = {
      ...without(PAPER_LABELS, 'e_enc0_conv2_crop0', 'e_up0_crop0', 'e_crop0_cat0'),
      e_enc0_conv2_cat0: '64×568×568',
      e_cat0_dec0_conv1: '?',
      e_dec0_conv1_dec0_conv2: '?',
      e_dec0_conv2_head: '?',
      e_head_output: '?',
    };
    expect(await edgeLabels(page)).toEqual(broken);
    // The edge into the port the core blames is drawn as an error.
    expect(await page.getByTestId('edge-label-e_enc0_conv2_cat0').getAttribute('data-error')).toBe('true');
    expect(await page.getByTestId('edge-label-e_up0_cat0').getAttribute('data-error')).toBe('false');
    expect(await statusText(page)).toContain('1 error');

    await selectNode(page, 'cat0');
    expect(await inspectorProblems(page)).toEqual([mismatch]);
    const fixes = page.locator('[data-testid="inspector-diagnostics"] .fix-btn');
    expect(await fixes.allTextContents()).toEqual(['Insert crop(like=up0) before port 1', 'Insert pad(like=enc0_conv2) before port 0']);
    await snapshot(page, 'editor-concat-mismatch');
    const before = await canvasNodeIds(page);
    await fixes.first().click();
    await expect.poll(() => toastTexts(page), POLL).toContain('Applied: Insert crop(like=up0) before port 1');

    await expect.poll(async () => (await canvasNodeIds(page)).length, POLL).toBe(before.length + 1);
    const [crop] = (await canvasNodeIds(page)).filter((id) => !before.includes(id));
    expect(await page.getByTestId(`node-${crop}`).getAttribute('data-op')).toBe('crop');
    await expectLabels(page, { e_head_output: '2×388×388', e_cat0_dec0_conv1: '128×392×392' });
    // Same network as the paper's, with the concat inputs swapped: the same labels, edge ids aside.
    const fixed = await edgeLabels(page);
    expect(sortedValues(fixed)).toEqual(sortedValues(PAPER_LABELS));
    expect(await page.locator('[data-testid^="edge-label-"][data-error="true"]').count()).toBe(0);
    expect((await nodeDiagnostics(page, 'cat0')).severity).toBe('ok');
    expect(await statusText(page)).toBe('All shapes check out');
    await clickEmptyCanvas(page);
    await snapshot(page, 'editor-concat-fixed');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a palette op dropped onto a connection goes in between, as one undo step', async () => {
    const { page, context } = await openEditor(browser());
    const before = await canvasNodeIds(page);
    const at = await edgePoint(page, 'e_enc0_conv2_down0');
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    await page.getByTestId('palette-item-batchNorm').dragTo(page.getByTestId('canvas'), { targetPosition: { x: at.x - canvas.x, y: at.y - canvas.y } });
    await expect.poll(async () => (await canvasNodeIds(page)).length, POLL).toBe(before.length + 1);
    const [bn] = (await canvasNodeIds(page)).filter((id) => !before.includes(id));
    expect(await page.getByTestId(`node-${bn}`).getAttribute('data-op')).toBe('batchNorm');
    // The connection now runs through it: same shapes on both sides, the old edge gone.
    const labels = await edgeLabels(page);
    expect(labels.e_enc0_conv2_down0).toBeUndefined();
    expect(labels[`e_enc0_conv2_${bn}`]).toBe('64×568×568');
    expect(labels[`e_${bn}_down0`]).toBe('64×568×568');
    expect(await page.getByTestId('inspector-node').getAttribute('data-node')).toBe(bn);
    expect(await page.getByTestId('undo').getAttribute('title')).toContain(`Insert Batch norm on enc0_conv2 → down0`);
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+z');
    await expectLabels(page, PAPER_LABELS);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);
    await context.close();
  });
});
