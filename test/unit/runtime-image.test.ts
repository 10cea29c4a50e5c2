import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageToInput, inputSpecFromParams, renderOutput, resolveView, type RgbaImage } from '../../src/runtime/image';
import { decodeImage, encodePng } from '../../src/runtime/imageFiles';
import { decodeNpy, encodeNpy } from '../../src/runtime/npy';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { membranes, nuclei, type SampleEntry } from '../../scripts/make-samples';
import { ROOT } from './compile-helpers';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

const rgba = (width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): RgbaImage => {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
};

describe('image → model input', () => {
  const params = { channels: 3, height: 2, width: 2, normalization: 'zeroOne', mean: 0.5, std: 0.5 };

  it('keeps RGB, scales to 0..1, and leaves the size alone when it already fits', () => {
    const input = imageToInput(rgba(2, 2, () => [255, 51, 0, 255]), inputSpecFromParams(params));
    expect(input.shape).toEqual([1, 2, 2, 3]);
    expect(Array.from(input.data.subarray(0, 3))).toEqual([1, 0.2, 0].map(Math.fround));
  });

  it('grayscale uses BT.601 luma; meanStd normalises after scaling', () => {
    const spec = inputSpecFromParams({ ...params, channels: 1, normalization: 'meanStd', mean: 0.5, std: 0.25 });
    const input = imageToInput(rgba(2, 2, () => [255, 0, 0, 255]), spec);
    expect(input.shape).toEqual([1, 2, 2, 1]);
    expect(input.data[0]).toBeCloseTo((0.299 - 0.5) / 0.25, 5);
  });

  it('resizes bilinearly to the input node’s size', () => {
    const input = imageToInput(rgba(4, 1, (x) => [x * 85, x * 85, x * 85, 255]), inputSpecFromParams({ ...params, channels: 1, height: 1, width: 2 }));
    // Half-pixel centres: output pixel 0 samples x = 0.5 (between 0 and 85), pixel 1 x = 2.5.
    expect(input.data[0]! * 255).toBeCloseTo(42.5, 3);
    expect(input.data[1]! * 255).toBeCloseTo(212.5, 3);
  });

  it('explains channel counts an image cannot give', () => {
    expect(() => imageToInput(rgba(1, 1, () => [0, 0, 0, 255]), inputSpecFromParams({ ...params, channels: 2 }))).toThrow(
      'the input node takes 2 channels; an image gives 1 (grayscale), 3 (RGB) or 4 (RGBA)',
    );
  });
});

describe('model output → picture', () => {
  it('auto view: one channel is a probability map, several are classes, 3 in [0, 1] an image', () => {
    expect(resolveView('auto', { data: new Float32Array(4), shape: [1, 2, 2, 1] })).toBe('probability');
    expect(resolveView('auto', { data: new Float32Array(8), shape: [1, 2, 2, 2] })).toBe('classes');
    expect(resolveView('auto', { data: new Float32Array(12).fill(0.5), shape: [1, 2, 2, 3] })).toBe('image');
    expect(resolveView('auto', { data: new Float32Array(12).fill(2), shape: [1, 2, 2, 3] })).toBe('classes');
    expect(resolveView('probability', { data: new Float32Array(8), shape: [1, 2, 2, 2] })).toBe('probability');
  });

  it('classes: argmax in palette colours (class 0 black, class 1 white)', () => {
    const img = renderOutput({ data: new Float32Array([0.9, 0.1, 0.2, 0.8]), shape: [1, 1, 2, 2] }, 'classes');
    expect(Array.from(img.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('probability: logits go through a sigmoid', () => {
    const img = renderOutput({ data: new Float32Array([0, -100, 100]), shape: [1, 1, 3, 1] }, 'probability');
    expect([img.data[0], img.data[4], img.data[8]]).toEqual([128, 0, 255]);
  });

  it('PNG round trip (gray pictures stored as grayscale)', () => {
    const img = rgba(3, 2, (x, y) => [x * 40 + y, x * 40 + y, x * 40 + y, 255]);
    const png = encodePng(img);
    expect(png[25]).toBe(0); // IHDR colour type 0 = grayscale
    expect(Array.from(decodeImage(new Uint8Array(png)).data)).toEqual(Array.from(img.data));
  });
});

describe('.npy', () => {
  it('writes NumPy 1.0 float32 with a 64-byte aligned header, and reads it back', () => {
    const data = Float32Array.from([1.5, -2, 3.25, 0, 7, 8]);
    const bytes = encodeNpy(data, [1, 2, 3]);
    const headerLength = bytes[8]! + 256 * bytes[9]!;
    expect((10 + headerLength) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(0, 10 + headerLength))).toContain("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }");
    expect(decodeNpy(bytes)).toEqual({ data, shape: [1, 2, 3] });
    expect(decodeNpy(encodeNpy(Float32Array.from([4]), [1])).shape).toEqual([1]);
    expect(() => encodeNpy(data, [4])).toThrow('shape [4] holds 4 values, data has 6');
  });
});

describe('sample images (scripts/make-samples.ts)', () => {
  it('are deterministic and their masks mark what they say', () => {
    const a = membranes(64, 3);
    expect(membranes(64, 3).image.data).toEqual(a.image.data);
    let insideSum = 0, inside = 0, borderSum = 0, border = 0;
    for (let i = 0; i < a.mask.data.length; i += 4)
      if (a.mask.data[i] === 255) (insideSum += a.image.data[i]!), inside++;
      else (borderSum += a.image.data[i]!), border++;
    // Mostly cell interior, and membranes are clearly darker than cells.
    expect(inside / (inside + border)).toBeGreaterThan(0.5);
    expect(borderSum / border).toBeLessThan(insideSum / inside - 40);

    const n = nuclei(64, 4);
    let nucleusBlue = 0, nucleusRed = 0, count = 0;
    for (let i = 0; i < n.mask.data.length; i += 4)
      if (n.mask.data[i] === 255) (nucleusRed += n.image.data[i]!), (nucleusBlue += n.image.data[i + 2]!), count++;
    expect(count).toBeGreaterThan(0);
    expect(nucleusBlue / count).toBeGreaterThan(nucleusRed / count); // purple nuclei
  });

  it('public/samples/index.json lists files that exist, with their sizes', () => {
    const dir = path.join(ROOT, 'public/samples');
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as SampleEntry[];
    expect(index.length).toBeGreaterThanOrEqual(4);
    expect(new Set(index.map((e) => e.channels))).toEqual(new Set([1, 3]));
    for (const e of index) {
      for (const f of [e.image, e.mask ?? e.image]) expect(existsSync(path.join(dir, f)), f).toBe(true);
      const img = decodeImage(new Uint8Array(readFileSync(path.join(dir, e.image))));
      expect([img.width, img.height]).toEqual([e.width, e.height]);
    }
  });
});
