import { describe, expect, it } from 'vitest';
import {
  argmax,
  channelValues,
  classColor,
  classPixels,
  classShares,
  formatValue,
  heatmapPixels,
  imagePixels,
  maskPixels,
  viridis,
} from '../../src/ui/run/render';
import { rendererName } from '../../src/runtime';

describe('viridis', () => {
  it('runs from dark purple to yellow, clamping outside [0, 1]', () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
    expect(viridis(Number.NaN)).toEqual(viridis(0));
  });
  it('gets lighter along the scale (perceptual order)', () => {
    const luma = (t: number) => {
      const [r, g, b] = viridis(t);
      return 0.299 * r + 0.587 * g + 0.114 * b;
    };
    for (let t = 0; t < 1; t += 0.05) expect(luma(t + 0.05)).toBeGreaterThan(luma(t));
  });
});

describe('class rendering', () => {
  // Three pixels, two classes: 0, 1, 1 (ties go to the first class).
  const out = Float32Array.of(0.9, 0.1, 0.2, 0.8, 0.5, 0.5);
  it('argmax and shares', () => {
    expect(Array.from(argmax(out, 2))).toEqual([0, 1, 0]);
    expect(classShares(Uint8Array.of(0, 1, 1, 1), 3)).toEqual([0.25, 0.75, 0]);
  });
  it('paints class colours and leaves hidden classes transparent', () => {
    const px = classPixels(Uint8Array.of(0, 1), 2, 1, new Set([0]));
    expect(Array.from(px.data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(px.data.subarray(4, 8))).toEqual([...classColor(1), 255]);
  });
  it('cycles colours past the palette', () => {
    expect(classColor(10)).toEqual(classColor(0));
    expect(classColor(1)).not.toEqual(classColor(0));
  });
});

describe('channelValues', () => {
  it('keeps probabilities and scales them 0..1', () => {
    const v = channelValues(Float32Array.of(0.1, 0.9, 0.2, 0.3), 2, 1);
    expect(Array.from(v.values)).toEqual([Math.fround(0.9), Math.fround(0.3)]);
    expect(v).toMatchObject({ min: 0, max: 1, sigmoid: false });
  });
  it('turns logits into probabilities', () => {
    const v = channelValues(Float32Array.of(-2, 0, 3), 1, 0);
    expect(v.sigmoid).toBe(true);
    expect(v.values[1]).toBeCloseTo(0.5, 6);
    expect(v.values[0]).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
  });
  it('raw values scale to their own range, a flat channel to a unit range', () => {
    expect(channelValues(Float32Array.of(-2, 5), 1, 0, true)).toMatchObject({ min: -2, max: 5, sigmoid: false });
    expect(channelValues(Float32Array.of(3, 3), 1, 0, true)).toMatchObject({ min: 3, max: 4 });
  });
});

describe('pixels', () => {
  it('heatmap ends take the colour map ends', () => {
    const px = heatmapPixels(Float32Array.of(-1, 1), 2, 1, -1, 1);
    expect(Array.from(px.data)).toEqual([...viridis(0), 255, ...viridis(1), 255]);
  });
  it('image outputs clamp to 0..255', () => {
    const px = imagePixels(Float32Array.of(0, 0.5, 1.2, -1, 1, 0), 3, 2, 1);
    expect(Array.from(px.data)).toEqual([0, 128, 255, 255, 0, 255, 0, 255]);
  });
  it('masks paint only foreground', () => {
    const px = maskPixels(Uint8Array.of(1, 0), 2, 1, [1, 2, 3]);
    expect(Array.from(px.data)).toEqual([1, 2, 3, 255, 0, 0, 0, 0]);
  });
});

describe('formatValue', () => {
  it.each([
    [0, '0'],
    [0.12345, '0.123'],
    [-3.14159, '-3.14'],
    [1234.5, '1230'],
    [123456, '1.2e+5'],
    [0.0000123, '1.2e-5'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('%d → %s', (v, s) => expect(formatValue(v)).toBe(s));
});

describe('rendererName', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', 'SwiftShader (software)'],
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)', 'NVIDIA GeForce RTX 3060'],
    ['ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)', 'ANGLE Metal Renderer: Apple M2'],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', 'llvmpipe (software)'],
    ['Mali-G78', 'Mali-G78'],
  ])('%s → %s', (renderer, name) => expect(rendererName(renderer)).toBe(name));
});
