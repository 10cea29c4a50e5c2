/**
 * Opening models from other tools in the browser: an .onnx picked in the Open chooser becomes the graph, laid out
 * as a U with its shapes on the edges; an .onnx with unsupported ops lists them and leaves the graph untouched.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readOnnx } from '../../src/compile/import';
import { sharedBrowser, snapshot } from './browser';
import { canvasNodeIds, documentInPage, edgeLabels, openEditor, POLL, toastTexts } from './editor-page';
import { PAPER_LABELS } from './editor-paper';

const browser = sharedBrowser();
const fixture = (name: string) => path.resolve(import.meta.dirname, '../fixtures/onnx', `${name}.onnx`);

async function openThroughChooser(page: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-button').click()]);
  await chooser.setFiles({ name: path.basename(file), mimeType: 'application/octet-stream', buffer: await readFile(file) });
}

/** A .safetensors file (8-byte header length, JSON header, float32 data) of the given tensors, in order. */
function safetensors(tensors: [string, { shape: number[]; data: Float32Array }][]): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [key, t] of tensors) {
    header[key] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([size, json, ...tensors.map(([, t]) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))]);
}

describe('editor: open an ONNX model', () => {
  it('an exported milesial U-Net opens as an editable graph with every edge shape, arranged as a U', async () => {
    const { page, context, problems } = await openEditor(browser());
    await openThroughChooser(page, fixture('milesial-transposed-13'));
    await expect.poll(() => page.getByTestId('toolbar-doc-name').textContent(), POLL).toBe('milesial-transposed-13');
    const ids = await canvasNodeIds(page);
    expect(ids).toContain('inc.f.0');
    expect(ids).toContain('outc');
    const doc = await documentInPage(page);
    const edgeInto = (target: string) => doc.edges.find((e) => e.target === target)!.id;
    // 3×37×37 in (the exported size); the output is 2 classes at 37×37. Labels appear once React Flow measured.
    await expect.poll(async () => (await edgeLabels(page))[edgeInto('inc.f.0')], POLL).toBe('3×37×37');
    await expect.poll(async () => (await edgeLabels(page))[edgeInto('output')], POLL).toBe('2×37×37');
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

  it('Run › Load weights takes PyTorch weights with other names, shows the mapping, and applies it', async () => {
    const { page, context, problems } = await openEditor(browser());
    await openThroughChooser(page, fixture('milesial-transposed-13'));
    await expect.poll(() => page.getByTestId('toolbar-doc-name').textContent(), POLL).toBe('milesial-transposed-13');
    // The same weights under names of another code base (net.0.weight, …), in forward order.
    const { weights, doc } = readOnnx(await readFile(fixture('milesial-transposed-13')), { inputSize: { h: 37, w: 37 } });
    const order = doc.nodes.map((n) => n.id).filter((id) => weights[id]);
    const renamed = order.flatMap((id, i) => Object.entries(weights[id]!).map(([p, t]) => [`net.${i}.${p}`, t] as [string, { shape: number[]; data: Float32Array }]));
    await page.click('[data-testid="tab-run"]');
    // Headless Chromium has no GPU adapter: probing WebGPU would log a warning (as in run.test.ts).
    await page.selectOption('[data-testid="run-backend"]', 'wasm');
    await page.setInputFiles('[data-testid="run-weights-input"]', { name: 'renamed.safetensors', mimeType: 'application/octet-stream', buffer: safetensors(renamed) });
    const dialog = page.getByTestId('weight-mapping');
    await expect.poll(() => dialog.count(), POLL).toBe(1);
    const firstRow = ((await page.locator('[data-testid="weight-mapping-table"] tbody tr').first().textContent()) ?? '').replace(/\s+/g, ' ');
    expect(firstRow).toMatch(/net\.0\.weight\s*inc\.f\.0\.weight\s*2×3×3×3\s*by order \+ shape/);
    await page.getByTestId('weight-mapping-apply').click();
    await expect.poll(() => dialog.count(), POLL).toBe(0);
    await expect.poll(() => page.getByTestId('run-weights-label').textContent(), POLL).toContain('renamed.safetensors');
    expect(problems).toEqual([]);
    await context.close();
  });
});
