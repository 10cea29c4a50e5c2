/**
 * Opening models from other tools in the browser: an .onnx picked in the Open chooser becomes the graph, laid out
 * as a U with its shapes on the edges; an .onnx with unsupported ops lists them and leaves the graph untouched.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sharedBrowser, snapshot } from './browser';
import { canvasNodeIds, documentInPage, edgeLabels, openEditor, POLL, toastTexts } from './editor-page';
import { PAPER_LABELS } from './editor-paper';

const browser = sharedBrowser();
const fixture = (name: string) => path.resolve(import.meta.dirname, '../fixtures/onnx', `${name}.onnx`);

async function openThroughChooser(page: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-button').click()]);
  await chooser.setFiles({ name: path.basename(file), mimeType: 'application/octet-stream', buffer: await readFile(file) });
}

describe('editor: open an ONNX model', () => {
  it('an exported milesial U-Net opens as an editable graph with every edge shape, arranged as a U', async () => {
    const { page, context, problems } = await openEditor(browser());
    await openThroughChooser(page, fixture('milesial-transposed-13'));
    await expect.poll(() => page.getByTestId('toolbar-doc-name').textContent(), POLL).toBe('milesial-transposed-13');
    const ids = await canvasNodeIds(page);
    expect(ids).toContain('inc.f.0');
    expect(ids).toContain('outc');
    const labels = await edgeLabels(page);
    const doc = await documentInPage(page);
    const edgeInto = (target: string) => doc.edges.find((e) => e.target === target)!.id;
    // 3×37×37 in (the exported size); the first conv keeps it at base 2 → 2×37×37; the output is 2 classes.
    expect(labels[edgeInto('inc.f.0')]).toBe('3×37×37');
    expect(labels[edgeInto('output')]).toBe('2×37×37');
    // Laid out as a U: the first encoder conv is left of the last decoder conv.
    const at = (id: string) => doc.nodes.find((n) => n.id === id)!.position;
    expect(at('inc.f.0').x).toBeLessThan(at('convs.3.f.0').x);
    expect((await toastTexts(page)).join()).toMatch(/Opened milesial-transposed-13\.onnx from ONNX/);
    await snapshot(page, 'editor-import-onnx');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a model with unsupported ops lists each op type with its nodes and counts, and the graph stays as it was', async () => {
    const { page, context, problems } = await openEditor(browser());
    await openThroughChooser(page, fixture('unsupported'));
    const dialog = page.getByTestId('import-errors');
    await expect.poll(() => dialog.count(), POLL).toBe(1);
    expect(await dialog.getByRole('heading').textContent()).toBe('Could not open “unsupported.onnx”');
    const row = async (op: string) => ((await page.getByTestId(`import-unsupported-${op}`).textContent()) ?? '').replace(/\s+/g, ' ');
    expect(await row('Gemm')).toMatch(/Gemm\s*2\s*\/fc1\/Gemm, \/fc2\/Gemm/);
    expect(await row('GlobalAveragePool')).toMatch(/GlobalAveragePool\s*1/);
    expect(await row('Conv')).toMatch(/group=2/);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), POLL).toBe(0);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
