import { describe, expect, it } from 'vitest';
import { describePlan, extractTile, mirrorIndex, planTiles, stitchTile, TilingError, type TileGeometry, type TilePlan } from '../../src/runtime/tiling';

/** An image whose every value says where it came from: (y·W + x)·C + c. */
const ramp = (h: number, w: number, c: number) => Float32Array.from({ length: h * w * c }, (_, i) => i);

/**
 * A stand-in network with the given geometry: its output pixel (y, x) is the input pixel at
 * (border + ⌊y/scale⌋, border + ⌊x/scale⌋) — a valid-conv U-Net (scale 1) or a depth-to-space up-scaler.
 */
function fakeNetwork(tile: Float32Array, plan: TilePlan, c: number): Float32Array {
  const { input, output, scale } = plan.geometry;
  const out = new Float32Array(output.h * output.w * c);
  for (let y = 0; y < output.h; y++)
    for (let x = 0; x < output.w; x++) {
      const sy = plan.rows.borderBefore + Math.floor(y / scale);
      const sx = plan.cols.borderBefore + Math.floor(x / scale);
      for (let k = 0; k < c; k++) out[(y * output.w + x) * c + k] = tile[(sy * input.w + sx) * c + k]!;
    }
  return out;
}

/** Runs the fake network over every tile and stitches the result. */
function runTiled(image: Float32Array, plan: TilePlan, c: number): Float32Array {
  const result = new Float32Array(plan.output.h * plan.output.w * c).fill(NaN);
  for (const tile of plan.tiles) stitchTile(result, plan, tile, fakeNetwork(extractTile(image, plan, tile, c), plan, c), c);
  return result;
}

/** What the fake network gives over the whole image: the image itself, up-scaled by `scale` (nearest). */
function expected(image: Float32Array, h: number, w: number, c: number, scale: number): Float32Array {
  const oh = Math.ceil(h * scale);
  const ow = Math.ceil(w * scale);
  const out = new Float32Array(oh * ow * c);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++)
      for (let k = 0; k < c; k++) out[(y * ow + x) * c + k] = image[(Math.floor(y / scale) * w + Math.floor(x / scale)) * c + k]!;
  return out;
}

const paper: TileGeometry = { input: { h: 572, w: 572 }, output: { h: 388, w: 388 }, scale: 1 };

describe('planTiles', () => {
  it('plans the paper layout: 572 tiles, border 92, output 388 per tile', () => {
    const plan = planTiles({ h: 700, w: 700 }, paper);
    expect(plan.rows).toMatchObject({ step: 388, count: 2, borderBefore: 92, borderAfter: 92, padBefore: 92, padAfter: 92 + 776 - 700 });
    expect(plan.tiles).toHaveLength(4);
    expect(plan.output).toEqual({ h: 700, w: 700 });
    expect(plan.tiles[3]).toMatchObject({ row: 1, col: 1, inputY: 388, inputX: 388, outputY: 388, outputX: 388, outputH: 312, outputW: 312 });
    expect(describePlan(plan)).toBe('572×572 tiles, mirror border 92 px, 4 tiles (2×2), output 388×388 per tile');
  });

  it('counts columns before rows in the description, like W×H', () => {
    const plan = planTiles({ h: 300, w: 800 }, paper);
    expect([plan.rows.count, plan.cols.count]).toEqual([1, 3]);
    expect(describePlan(plan)).toContain('3 tiles (3×1)');
  });

  it('uses one tile when the image fits and says so in the singular', () => {
    const plan = planTiles({ h: 100, w: 388 }, paper);
    expect(plan.tiles).toHaveLength(1);
    expect(plan.tiles[0]).toMatchObject({ outputH: 100, outputW: 388 });
    expect(describePlan(plan)).toContain('1 tile,');
  });

  it('splits an odd border with the extra pixel after, like a floor-offset centre crop', () => {
    const plan = planTiles({ h: 10, w: 10 }, { input: { h: 9, w: 8 }, output: { h: 4, w: 4 }, scale: 1 });
    expect([plan.rows.borderBefore, plan.rows.borderAfter, plan.cols.borderBefore, plan.cols.borderAfter]).toEqual([2, 3, 2, 2]);
    expect(describePlan(plan)).toContain('mirror border 2/3 px (top/bottom), 2/2 px (left/right)');
  });

  it('says "no border" for a same-size network', () => {
    expect(describePlan(planTiles({ h: 64, w: 64 }, { input: { h: 32, w: 32 }, output: { h: 32, w: 32 }, scale: 1 }))).toContain('no border');
  });

  it.each([
    [{ h: 0, w: 5 }, paper, 0, 'image height must be a whole number ≥ 1, got 0'],
    [{ h: 5, w: 5 }, { input: { h: 8, w: 8 }, output: { h: 10, w: 8 }, scale: 1 }, 0, 'more than the 8-pixel input'],
    [{ h: 5, w: 5 }, { input: { h: 8, w: 8 }, output: { h: 5, w: 8 }, scale: 2 }, 0, 'does not cover a whole number of input pixels'],
    [{ h: 5, w: 5 }, { input: { h: 8, w: 8 }, output: { h: 8, w: 8 }, scale: 0 }, 0, 'scale must be positive'],
    [{ h: 5, w: 5 }, { input: { h: 8, w: 8 }, output: { h: 8, w: 8 }, scale: 1 }, 4, 'leaves no output per tile along the height'],
    [{ h: 5, w: 5 }, { input: { h: 8, w: 8 }, output: { h: 8, w: 8 }, scale: 1 }, -1, 'margin must be a whole number ≥ 0, got -1'],
  ])('rejects %j with %j (margin %d): %s', (image, geometry, margin, message) => {
    expect(() => planTiles(image, geometry, { margin })).toThrow(TilingError);
    expect(() => planTiles(image, geometry, { margin })).toThrow(message);
  });

  it('rounds the step down to the pooling grid and says what is kept', () => {
    const plan = planTiles({ h: 700, w: 700 }, paper, { align: 16 });
    expect(plan.rows).toMatchObject({ covered: 388, step: 384, count: 2, padBefore: 92, padAfter: 384 + 572 - 92 - 700 });
    expect(plan.tiles[1]).toMatchObject({ inputX: 384, outputX: 384, outputW: 316 });
    expect(describePlan(plan)).toBe(
      '572×572 tiles, mirror border 92 px, 4 tiles (2×2), output 388×388 per tile, 384×384 kept to stay on the 16-px pooling grid (seamless)',
    );
    // A step already on the grid is kept whole, and one tile needs no word about it.
    expect(planTiles({ h: 700, w: 700 }, paper, { align: 4 }).rows.step).toBe(388);
    expect(describePlan(planTiles({ h: 300, w: 300 }, paper, { align: 16 }))).not.toContain('kept');
    expect(() => planTiles({ h: 9, w: 9 }, paper, { align: 0 })).toThrow('the tile alignment must be a whole number ≥ 1, got 0');
  });
});

describe('mirrorIndex', () => {
  it('reflects without repeating the edge, folding as often as needed', () => {
    expect([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => mirrorIndex(i, 4))).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1, 0]);
    expect(mirrorIndex(-11, 4)).toBe(1);
    expect(mirrorIndex(17, 1)).toBe(0);
  });
});

describe('extract → network → stitch', () => {
  it.each([
    ['paper-like, image larger than a tile', { h: 45, w: 37 }, { input: { h: 20, w: 20 }, output: { h: 12, w: 12 }, scale: 1 }, 0, 1],
    ['RGB, border larger than the image', { h: 5, w: 7 }, { input: { h: 30, w: 30 }, output: { h: 4, w: 4 }, scale: 1 }, 0, 3],
    ['asymmetric border', { h: 17, w: 23 }, { input: { h: 11, w: 10 }, output: { h: 6, w: 6 }, scale: 1 }, 0, 2],
    ['depth-to-space ×2', { h: 13, w: 9 }, { input: { h: 8, w: 8 }, output: { h: 16, w: 16 }, scale: 2 }, 0, 1],
    ['same-size network with a context margin', { h: 30, w: 31 }, { input: { h: 16, w: 16 }, output: { h: 16, w: 16 }, scale: 1 }, 3, 1],
    ['×3 up-scaler with a margin', { h: 10, w: 11 }, { input: { h: 8, w: 8 }, output: { h: 24, w: 24 }, scale: 3 }, 2, 2],
    ['half-resolution output', { h: 12, w: 20 }, { input: { h: 10, w: 10 }, output: { h: 3, w: 3 }, scale: 0.5 }, 0, 1],
  ])('%s: the stitched output is the whole image, every pixel once', (_, image, geometry, margin, c) => {
    const plan = planTiles(image, geometry, { margin });
    const data = ramp(image.h, image.w, c);
    const got = runTiled(data, plan, c);
    expect(plan.output).toEqual({ h: Math.ceil(image.h * geometry.scale), w: Math.ceil(image.w * geometry.scale) });
    expect(Array.from(got)).toEqual(Array.from(expected(data, image.h, image.w, c, geometry.scale)));
  });

  it('is seamless for a pooling network only when tiles start on its grid', () => {
    // A stand-in for pooling: each output pixel reads the input at the start of its 4-px cell, counted from the
    // tile's own corner — so a tile whose start is off the grid sees different cells than one big pass.
    const cells = (tile: Float32Array, plan: TilePlan) => {
      const { input, output } = plan.geometry;
      const b = plan.rows.borderBefore;
      return Float32Array.from({ length: output.h * output.w }, (_, i) => {
        const y = Math.floor(i / output.w);
        const x = i % output.w;
        return tile[Math.floor((b + y) / 4) * 4 * input.w + Math.floor((b + x) / 4) * 4]!;
      });
    };
    const image = ramp(40, 40, 1);
    const run = (plan: TilePlan) => {
      const out = new Float32Array(plan.output.h * plan.output.w);
      for (const t of plan.tiles) stitchTile(out, plan, t, cells(extractTile(image, plan, t, 1), plan), 1);
      return Array.from(out);
    };
    // One pass over the whole (padded) image is the reference.
    const whole = run(planTiles({ h: 40, w: 40 }, { input: { h: 48, w: 48 }, output: { h: 40, w: 40 }, scale: 1 }));
    const geometry: TileGeometry = { input: { h: 18, w: 18 }, output: { h: 10, w: 10 }, scale: 1 };
    expect(run(planTiles({ h: 40, w: 40 }, geometry, { align: 4 }))).toEqual(whole);
    expect(run(planTiles({ h: 40, w: 40 }, geometry))).not.toEqual(whole);
  });

  it('mirrors the image into the border of an edge tile', () => {
    const plan = planTiles({ h: 4, w: 4 }, { input: { h: 6, w: 6 }, output: { h: 4, w: 4 }, scale: 1 });
    const tile = extractTile(ramp(4, 4, 1), plan, plan.tiles[0]!, 1);
    // Row y of the tile reads image row mirror(y − 1): 1, 0, 1, 2, 3, 2; same for columns.
    expect(Array.from(tile.subarray(0, 6))).toEqual([5, 4, 5, 6, 7, 6]);
    expect(Array.from(tile.subarray(6, 12))).toEqual([1, 0, 1, 2, 3, 2]);
  });

  it('names the sizes when data does not fit the plan', () => {
    const plan = planTiles({ h: 4, w: 4 }, { input: { h: 6, w: 6 }, output: { h: 4, w: 4 }, scale: 1 });
    expect(() => extractTile(new Float32Array(15), plan, plan.tiles[0]!, 1)).toThrow('image data holds 15 values, expected 4×4×1');
    expect(() => stitchTile(new Float32Array(16), plan, plan.tiles[0]!, new Float32Array(3), 1)).toThrow('tile output holds 3 values, expected 4×4×1');
  });
});
