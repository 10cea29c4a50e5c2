/**
 * Export › PyTorch / ONNX in the editor: the .zip (fflate) and the folder (File System Access API, stubbed here
 * since a headless browser has no picker to click) carry model.py, weights, train.py; the .onnx decodes.
 */
import { readFile } from 'node:fs/promises';
import { fromBinary } from '@bufbuild/protobuf';
import { strFromU8, unzipSync } from 'fflate';
import { ModelProtoSchema } from 'onnx-buf';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../src/core/types';
import { sharedBrowser } from './browser';
import { openEditor, POLL, toastTexts, waitForCanvas } from './editor-page';

const browser = sharedBrowser();

const TINY: GraphDoc = {
  format: 'unet-studio/graph',
  version: 2,
  name: 'Tiny net',
  nodes: [
    { id: 'image', op: 'input', params: { channels: 3, height: 32, width: 32 }, position: { x: 0, y: 0 } },
    { id: 'features', op: 'conv2d', params: { filters: 8, kernel: 3, padding: 'same', activation: 'relu' }, position: { x: 240, y: 0 } },
    { id: 'out', op: 'output', params: {}, position: { x: 480, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'image', target: 'features', targetPort: 0 },
    { id: 'e2', source: 'features', target: 'out', targetPort: 0 },
  ],
};

async function openTiny(page: Page) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-button').click()]);
  await chooser.setFiles({ name: 'tiny.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(TINY)) });
  await waitForCanvas(page);
  await expect.poll(() => page.getByTestId('toolbar-doc-name').textContent(), POLL).toBe('Tiny net');
}

async function downloadFrom(page: Page, item: string): Promise<{ name: string; bytes: Uint8Array }> {
  await page.getByTestId('menu-export').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(item).click()]);
  return { name: download.suggestedFilename(), bytes: new Uint8Array(await readFile((await download.path())!)) };
}

describe('editor: Export › PyTorch / ONNX', () => {
  it('downloads a .zip with model.py, weights.safetensors, train.py, README.md, graph.json, and an .onnx', async () => {
    const { page, problems } = await openEditor(browser());
    await openTiny(page);
    const zip = await downloadFrom(page, 'export-pytorch');
    expect(zip.name).toBe('tiny-net-pytorch.zip');
    const files = unzipSync(zip.bytes);
    expect(Object.keys(files).sort()).toEqual(['graph.json', 'model.py', 'README.md', 'train.py', 'weights.safetensors'].sort().map((f) => `tiny-net/${f}`));
    const code = strFromU8(files['tiny-net/model.py']!);
    expect(code).toContain('self.features = nn.Conv2d(3, 8, kernel_size=3, padding=1)');
    // 8·3·3·3 weights + 8 biases as float32, after the safetensors header.
    const header = Number(new DataView(files['tiny-net/weights.safetensors']!.buffer).getBigUint64(0, true));
    expect(files['tiny-net/weights.safetensors']!.byteLength).toBe(8 + header + (8 * 27 + 8) * 4);
    await expect.poll(() => toastTexts(page), POLL).toContainEqual(expect.stringContaining('Exported PyTorch: tiny-net-pytorch.zip with freshly initialised weights'));

    const onnx = await downloadFrom(page, 'export-onnx');
    expect(onnx.name).toBe('tiny-net.onnx');
    const model = fromBinary(ModelProtoSchema, onnx.bytes);
    expect(model.graph!.input.map((v) => v.name)).toEqual(['image']);
    expect(model.graph!.node.map((n) => n.opType)).toEqual(['Conv', 'Relu']);
    expect(problems).toEqual([]);
  });

  it('writes the files into a folder where the browser offers one (File System Access API)', async () => {
    const { page, problems } = await openEditor(browser());
    // A stand-in picker that keeps what is written, by path.
    await page.addInitScript(() => {
      const written: Record<string, number> = {};
      const dir = (prefix: string): object => ({
        getDirectoryHandle: async (name: string) => dir(`${prefix}${name}/`),
        getFileHandle: async (name: string) => ({
          createWritable: async () => ({ write: async (b: Blob) => void (written[prefix + name] = b.size), close: async () => undefined }),
        }),
      });
      Object.assign(window, { showDirectoryPicker: async () => dir(''), __written: written });
    });
    await page.reload();
    await waitForCanvas(page);
    await openTiny(page);
    await page.getByTestId('menu-export').click();
    await page.getByTestId('export-pytorch-folder').click();
    await expect.poll(() => toastTexts(page), POLL).toContainEqual(expect.stringContaining('Exported PyTorch: the folder tiny-net/'));
    const written = await page.evaluate(() => (window as unknown as { __written: Record<string, number> }).__written);
    expect(Object.keys(written).sort()).toEqual(['graph.json', 'model.py', 'README.md', 'train.py', 'weights.safetensors'].sort().map((f) => `tiny-net/${f}`));
    expect(written['tiny-net/weights.safetensors']).toBeGreaterThan((8 * 27 + 8) * 4);
    expect(problems).toEqual([]);
  });
});
