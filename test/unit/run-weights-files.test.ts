import { describe, expect, it } from 'vitest';
import { encodeFloat32 } from '../../src/compile/stateDict';
import { preferredSample, isGrayscale, type SampleEntry } from '../../src/ui/run/images';
import { readWeightFiles, type NamedBlob } from '../../src/ui/run/weightFiles';

const file = (name: string, content: string | Uint8Array, webkitRelativePath?: string): NamedBlob => ({
  name,
  webkitRelativePath,
  text: async () => (typeof content === 'string' ? content : new TextDecoder().decode(content)),
  arrayBuffer: async () => {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    return bytes.slice().buffer;
  },
});

const modelJson = (paths: string[]) =>
  JSON.stringify({ modelTopology: { class_name: 'Model' }, weightsManifest: [{ paths, weights: [{ name: 'head/bias', shape: [2], dtype: 'float32' }] }] });

describe('readWeightFiles', () => {
  it('reads model.json with the weights file its manifest names', async () => {
    const w = await readWeightFiles([file('model.json', modelJson(['./weights.bin'])), file('weights.bin', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))]);
    expect(w.kind).toBe('tfjs');
    if (w.kind !== 'tfjs') return;
    expect(w.label).toBe('model.json');
    expect(Array.from(w.files.weights)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('joins sharded weights in manifest order and ignores graph.json in a folder', async () => {
    const w = await readWeightFiles([
      file('graph.json', '{"format":"unet-studio/graph"}', 'exported/graph.json'),
      file('group1-shard2of2.bin', Uint8Array.of(3, 4), 'exported/group1-shard2of2.bin'),
      file('model.json', modelJson(['group1-shard1of2.bin', 'group1-shard2of2.bin']), 'exported/model.json'),
      file('group1-shard1of2.bin', Uint8Array.of(1, 2), 'exported/group1-shard1of2.bin'),
    ]);
    expect(w.kind === 'tfjs' && Array.from(w.files.weights)).toEqual([1, 2, 3, 4]);
    expect(w.kind === 'tfjs' && w.label).toBe('exported/model.json');
  });

  it("accepts tfjs' browser download name for a lone .bin", async () => {
    const w = await readWeightFiles([file('model.json', modelJson(['./model.weights.bin'])), file('my-weights.bin', Uint8Array.of(9))]);
    expect(w.kind === 'tfjs' && Array.from(w.files.weights)).toEqual([9]);
  });

  it('reads a PyTorch-layout state dict', async () => {
    const json = JSON.stringify({ head: { bias: { shape: [2], data: encodeFloat32(Float32Array.of(1, -1)) } } });
    const w = await readWeightFiles([file('weights.json', json)]);
    expect(w.kind).toBe('state-dict');
    if (w.kind === 'state-dict') expect(Array.from(w.dict.head!.bias!.data)).toEqual([1, -1]);
  });

  it.each([
    [[], 'no files were picked'],
    [[file('model.json', modelJson(['./weights.bin']))], 'model.json needs its weights file "weights.bin": pick it together with model.json'],
    [[file('weights.bin', Uint8Array.of(1))], 'a .bin weights file needs its model.json: pick both together'],
    [[file('model.json', '{oops')], 'model.json: not valid JSON'],
    [[file('weights.json', '{"head": {"bias": {"shape": [3], "data": [1, 2]}}}')], 'weights.json: head.bias: shape [3] holds 3 values, data has 2'],
    [[file('notes.txt', 'hi')], 'found no weights in notes.txt'],
  ])('explains bad picks (%#)', async (files, message) => {
    await expect(readWeightFiles(files)).rejects.toThrow(message);
  });
});

describe('samples', () => {
  const entry = (id: string, size: number, channels: 1 | 3): SampleEntry => ({ id, title: id, image: `${id}.png`, width: size, height: size, channels });
  const list = [entry('gray-96', 96, 1), entry('gray-256', 256, 1), entry('gray-572', 572, 1), entry('rgb-128', 128, 3), entry('rgb-256', 256, 3)];

  it('prefers the channel kind, then the smallest image at least as large as the input', () => {
    expect(preferredSample(list, 1, { h: 188, w: 188 })?.id).toBe('gray-256');
    expect(preferredSample(list, 3, { h: 100, w: 100 })?.id).toBe('rgb-128');
    expect(preferredSample(list, 1, { h: 1000, w: 1000 })?.id).toBe('gray-572');
    expect(preferredSample(list.filter((s) => s.channels === 1), 3, { h: 64, w: 64 })?.id).toBe('gray-96');
    expect(preferredSample([], 1, { h: 1, w: 1 })).toBeUndefined();
  });

  it('detects grayscale pixels', () => {
    expect(isGrayscale([5, 5, 5, 255, 9, 9, 9, 0])).toBe(true);
    expect(isGrayscale([5, 5, 5, 255, 9, 9, 8, 255])).toBe(false);
  });
});
