/**
 * Getting graphs in and out: JSON export (checked with the core's own parser against the document), import of a
 * broken and of a good file (file chooser and drop), the autosave restored on reload, templates, New U-Net.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseGraph, renderFormatError } from '../../src/core/format';
import { opTypes } from '../../src/core/ops';
import type { GraphDoc } from '../../src/core/types';
import paperTemplate from '../../templates/paper-572.json';
import { sharedBrowser, snapshot } from './browser';
import {
  canvasNodeIds,
  documentInPage,
  edgeLabels,
  expectLabels,
  openEditor,
  POLL,
  selectNode,
  statusText,
  toastTexts,
  waitForCanvas,
} from './editor-page';
import { PAPER_LABELS } from './editor-paper';

const browser = sharedBrowser();

/** A three-node graph written by hand, as someone might save one. */
const TINY: GraphDoc = {
  format: 'unet-studio/graph',
  version: 2,
  name: 'Tiny',
  nodes: [
    { id: 'image', op: 'input', params: { channels: 3, height: 64, width: 48 }, position: { x: 0, y: 0 } },
    { id: 'features', op: 'conv2d', params: { filters: 8, kernel: 3, padding: 'valid', activation: 'relu' }, position: { x: 240, y: 0 } },
    { id: 'out', op: 'output', params: {}, position: { x: 480, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'image', target: 'features', targetPort: 0 },
    { id: 'e2', source: 'features', target: 'out', targetPort: 0 },
  ],
};

/** The paper U-Net with three mistakes a hand edit could make. */
function brokenPaperText(): string {
  const doc = structuredClone(paperTemplate) as unknown as GraphDoc;
  doc.nodes[1]!.params.kernel = -2;
  doc.nodes[2]!.op = 'conv3d';
  doc.edges[0]!.target = 'nowhere';
  return JSON.stringify(doc, null, 2);
}

/** Drops a file on the canvas the way the browser delivers a dragged file. */
async function dropFile(page: Page, name: string, text: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, text }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/json' }));
      return dt;
    },
    { name, text },
  );
  await page.dispatchEvent('[data-testid="canvas"]', 'dragenter', { dataTransfer });
  await page.dispatchEvent('[data-testid="canvas"]', 'dragover', { dataTransfer });
  await expect.poll(() => page.getByTestId('drop-hint').count(), POLL).toBe(1);
  await page.dispatchEvent('[data-testid="canvas"]', 'drop', { dataTransfer });
}

/** Picks a file in the "Open" button's file chooser. */
async function openThroughChooser(page: Page, name: string, text: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-button').click()]);
  await chooser.setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

const importErrorLines = (page: Page) =>
  page.locator('[data-testid="import-error-list"] li').evaluateAll((items) => items.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim()));

describe('editor: files, autosave, templates', () => {
  it('exports the document as JSON that parses back to exactly the document, shapes as on the canvas', async () => {
    const { page, context, problems } = await openEditor(browser());
    // An edited document, so the file cannot simply be the bundled template.
    await selectNode(page, 'enc0_conv1');
    await page.getByTestId('param-padding').selectOption('same');
    await expectLabels(page, { e_enc0_conv1_enc0_conv2: '64×572×572' });

    await page.getByTestId('menu-export').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    expect(download.suggestedFilename()).toBe('u-net-paper-572x572.json');
    const text = await readFile((await download.path())!, 'utf8');
    const parsed = parseGraph(text);
    if (!parsed.ok) throw new Error(`the exported file does not parse: ${parsed.errors.map(renderFormatError).join('; ')}`);
    expect(parsed.warnings).toEqual([]);
    const inPage = await documentInPage(page);
    expect(parsed.doc).toEqual(inPage);
    expect(parsed.doc.nodes.find((n) => n.id === 'enc0_conv1')!.params.padding).toBe('same');
    // The file's shape annotations are the labels the canvas shows.
    const json = JSON.parse(text) as { edges: { id: string; info: { shape: [number, number, number] } }[] };
    const annotated = Object.fromEntries(json.edges.map((e) => [e.id, e.info.shape.join('×')]));
    expect(annotated).toEqual(await edgeLabels(page));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a broken file shows every problem as "path: message" and keeps the graph; a good file replaces it', async () => {
    const { page, context, problems } = await openEditor(browser());
    await openThroughChooser(page, 'broken.json', brokenPaperText());
    const dialog = page.getByTestId('import-errors');
    await expect.poll(() => dialog.count(), POLL).toBe(1);
    expect(await dialog.getByRole('heading').textContent()).toBe('Could not open “broken.json”');
    const lines = await importErrorLines(page);
    expect(lines).toEqual([
      'nodes[1].params.kernel: expected an integer ≥ 1 and ≤ 31, got -2',
      `nodes[2].op: node "enc0_conv2" has unknown op "conv3d" (did you mean "conv2d"?); known ops: ${opTypes().join(', ')}`,
      'edges[0].target: edge "e_input_enc0_conv1": its target "nowhere" is not a node',
    ]);
    await snapshot(page, 'editor-import-errors');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => dialog.count(), POLL).toBe(0);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);

    // Not JSON at all, dropped on the canvas: one line, no path.
    await dropFile(page, 'cut-short.json', '{"format": "unet-studio/graph", "version": 1, "name": ');
    await expect.poll(() => dialog.count(), POLL).toBe(1);
    expect(await importErrorLines(page)).toEqual(['invalid JSON: the text ends too early (expected a value) at line 1, column 55']);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), POLL).toBe(0);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);

    // A good file, dropped: it replaces the graph (and that is one undo step).
    await dropFile(page, 'tiny.json', JSON.stringify(TINY));
    await expectLabels(page, { e1: '3×64×48', e2: '8×62×46' });
    expect(await edgeLabels(page)).toEqual({ e1: '3×64×48', e2: '8×62×46' });
    expect((await canvasNodeIds(page)).sort()).toEqual(['features', 'image', 'out']);
    expect(await page.getByTestId('toolbar-doc-name').textContent()).toBe('Tiny');
    expect(await toastTexts(page)).toContain('Opened tiny.json');
    // What the editor holds is what the core's parser makes of the file (defaults filled in).
    const tinyParsed = parseGraph(JSON.stringify(TINY));
    expect(tinyParsed.ok && tinyParsed.doc).toEqual(await documentInPage(page));
    await page.getByTestId('undo').click();
    await expectLabels(page, PAPER_LABELS);

    // And through the file chooser too.
    await openThroughChooser(page, 'tiny.json', JSON.stringify(TINY));
    await expectLabels(page, { e1: '3×64×48', e2: '8×62×46' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reload restores the autosaved graph with a notice whose button goes back to the template', async () => {
    const { page, context, problems } = await openEditor(browser());
    expect(await page.getByTestId('restore-notice').count()).toBe(0);
    await selectNode(page, 'input');
    await page.getByTestId('param-height').fill('556');
    await page.getByTestId('param-width').fill('556');
    await page.getByTestId('param-width').press('Enter');
    const edited = { e_input_enc0_conv1: '1×556×556', e_down3_enc4_conv1: '512×31×31', e_head_output: '2×372×372' };
    await expectLabels(page, edited);
    const before = await edgeLabels(page);

    await page.reload();
    await waitForCanvas(page);
    const notice = page.getByTestId('restore-notice');
    await expect.poll(() => notice.count(), POLL).toBe(1);
    expect(await notice.textContent()).toMatch(/^Restored your last graph \(.+\) — Load the template instead$/);
    expect(await edgeLabels(page)).toEqual(before);
    await snapshot(page, 'editor-restored');

    await page.getByTestId('restore-load-template').click();
    await expectLabels(page, PAPER_LABELS);
    expect(await notice.count()).toBe(0);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);

    // A new context has no autosave: no notice.
    const fresh = await openEditor(browser());
    expect(await fresh.page.getByTestId('restore-notice').count()).toBe(0);
    expect(await edgeLabels(fresh.page)).toEqual(PAPER_LABELS);
    await fresh.context.close();
    expect([...problems, ...fresh.problems]).toEqual([]);
    await context.close();
  });

  it('the templates menu loads another template, and New U-Net builds a small one', async () => {
    const { page, context, problems } = await openEditor(browser());
    await page.getByTestId('menu-templates').click();
    await page.getByTestId('template-keras-get_unet').click();
    await expectLabels(page, { e_input_enc0_conv1: '1×96×96', e_enc4_conv2_up3: '512×6×6', e_head_output: '1×96×96' });
    expect(await page.getByTestId('toolbar-doc-name').textContent()).toBe('U-Net (Keras get_unet)');
    expect(await statusText(page)).toBe('All shapes check out');
    await snapshot(page, 'editor-template-keras');

    await page.getByTestId('new-unet').click();
    const dialog = page.getByTestId('new-unet-dialog');
    await expect.poll(() => dialog.count(), POLL).toBe(1);
    await page.getByTestId('unet-name').fill('Small');
    await page.getByTestId('unet-depth').fill('2');
    await page.getByTestId('unet-base').fill('16');
    await page.getByTestId('unet-inChannels').fill('3');
    await page.getByTestId('unet-inputSize.h').fill('64');
    await page.getByTestId('unet-inputSize.w').fill('64');
    await page.getByTestId('unet-inputSize.w').press('Enter');
    await page.getByTestId('unet-padding').selectOption('same');
    await expect.poll(() => page.getByTestId('unet-preview').textContent(), POLL).toBe('117,058 params100.47 M mult-adds3×64×64 → 2×64×64');
    await snapshot(page, 'editor-new-unet-dialog');
    await page.getByTestId('unet-create').click();
    await expect.poll(() => dialog.count(), POLL).toBe(0);
    await expectLabels(page, {
      e_input_enc0_conv1: '3×64×64',
      e_enc1_conv2_down1: '32×32×32',
      e_down1_enc2_conv1: '32×16×16',
      e_up1_cat1: '32×32×32',
      e_cat0_dec0_conv1: '32×64×64',
      e_head_output: '2×64×64',
    });
    expect(await canvasNodeIds(page)).toHaveLength(21);
    expect(await page.getByTestId('toolbar-doc-name').textContent()).toBe('Small');
    expect(await page.getByTestId('total-params').textContent()).toBe('117,058');
    expect(problems).toEqual([]);
    await context.close();
  });
});
