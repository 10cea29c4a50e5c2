/**
 * Overlap-tile planning (Ronneberger et al. 2015, fig. 2): a network whose valid convolutions make its output
 * smaller than its input is run tile by tile over a mirror-padded image, each tile's input extending by the
 * network's border around the region its output covers, so the stitched output covers the whole image.
 * Pure math on sizes and flat HWC arrays; no tfjs.
 */

export interface Size {
  h: number;
  w: number;
}

/** What one forward pass maps: an input tile of `input` pixels to an output of `output` pixels. */
export interface TileGeometry {
  input: Size;
  output: Size;
  /**
   * Output pixels per input pixel along each axis: 1 for a U-Net, r after a depth-to-space by r, ½ for a net
   * whose output is at half resolution. It is 1 / the output node's cumulative stride (the core's `jump`).
   */
  scale: number;
}

export interface AxisPlan {
  /** Image length along this axis. */
  length: number;
  /** Input pixels a tile's output covers. */
  covered: number;
  /** Input pixels between tiles: what each tile keeps (covered, less margins, rounded down to the alignment). */
  step: number;
  /** How many tiles along the axis. */
  count: number;
  /** The network's own border: input pixels it consumes before and after the region it covers. */
  borderBefore: number;
  borderAfter: number;
  /** Mirror padding added to the image: the border, plus filling the last tile after the image ends. */
  padBefore: number;
  padAfter: number;
  /** Output length of the stitched result (image length × scale). */
  outputLength: number;
}

export interface Tile {
  index: number;
  row: number;
  col: number;
  /** Top-left of the tile's input in padded-image coordinates (padded image = image shifted by padBefore). */
  inputY: number;
  inputX: number;
  /** Where the tile's output goes in the stitched result, and how much of it lies inside the result. */
  outputY: number;
  outputX: number;
  outputH: number;
  outputW: number;
  /** Offset inside the tile's own output where the kept part starts (non-zero with a context margin). */
  keepY: number;
  keepX: number;
}

export interface TilePlan {
  image: Size;
  geometry: TileGeometry;
  /** Extra context per side (input px) cut from each tile's output, e.g. against seams of 'same' networks. */
  margin: number;
  /** Tile steps are multiples of this (see TileOptions.align). */
  align: number;
  rows: AxisPlan;
  cols: AxisPlan;
  tiles: Tile[];
  /** The stitched output: the whole image at the network's scale. */
  output: Size;
}

export class TilingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TilingError';
  }
}

const isWhole = (v: number) => Math.abs(v - Math.round(v)) < 1e-9;

function planAxis(axis: 'height' | 'width', length: number, input: number, output: number, scale: number, margin: number, align: number): AxisPlan {
  if (!(Number.isInteger(length) && length >= 1)) throw new TilingError(`image ${axis} must be a whole number ≥ 1, got ${length}`);
  const covered = output / scale;
  if (!isWhole(covered) || covered < 1)
    throw new TilingError(`the output ${axis} ${output} at scale ${scale} does not cover a whole number of input pixels`);
  const border = input - Math.round(covered);
  if (border < 0)
    throw new TilingError(`the output covers ${Math.round(covered)} input pixels of ${axis}, more than the ${input}-pixel input: it cannot be tiled`);
  const kept = Math.round(covered) - 2 * margin;
  if (kept < 1) throw new TilingError(`a context margin of ${margin} px leaves no output per tile along the ${axis}`);
  // Tiles that start on the network's pooling grid see the image exactly as one big pass would (seamless).
  const step = kept >= align ? kept - (kept % align) : kept;
  const borderBefore = Math.floor(border / 2);
  const borderAfter = border - borderBefore;
  const count = Math.ceil(length / step);
  const padBefore = borderBefore + margin;
  return {
    length,
    covered: Math.round(covered),
    step,
    count,
    borderBefore,
    borderAfter,
    padBefore,
    // The last tile's input reaches (count − 1)·step + input into the padded image.
    padAfter: (count - 1) * step + input - padBefore - length,
    outputLength: Math.ceil(length * scale - 1e-9),
  };
}

export interface TileOptions {
  /** Extra context per side (input px) cut from each tile's output, e.g. against seams of 'same' networks. */
  margin?: number;
  /**
   * Tile steps are multiples of this (the network's largest cumulative stride, e.g. 16 for four 2×2 pools),
   * so every tile meets the pooling grid as a single pass over the whole image would: no seams.
   */
  align?: number;
}

/**
 * Tiles covering an image: a regular grid of `step`-pixel regions, each read with the network's border (and
 * margin) around it from the mirror-padded image. Throws TilingError when the geometry cannot tile.
 */
export function planTiles(image: Size, geometry: TileGeometry, options: TileOptions = {}): TilePlan {
  const { input, output, scale } = geometry;
  const { margin = 0, align = 1 } = options;
  if (!(scale > 0)) throw new TilingError(`the output scale must be positive, got ${scale}`);
  if (!(Number.isInteger(margin) && margin >= 0)) throw new TilingError(`the context margin must be a whole number ≥ 0, got ${margin}`);
  if (!(Number.isInteger(align) && align >= 1)) throw new TilingError(`the tile alignment must be a whole number ≥ 1, got ${align}`);
  const rows = planAxis('height', image.h, input.h, output.h, scale, margin, align);
  const cols = planAxis('width', image.w, input.w, output.w, scale, margin, align);
  const keep = Math.round(margin * scale);
  const keptH = Math.round(rows.step * scale);
  const keptW = Math.round(cols.step * scale);
  const tiles: Tile[] = [];
  for (let row = 0; row < rows.count; row++)
    for (let col = 0; col < cols.count; col++) {
      const outputY = row * keptH;
      const outputX = col * keptW;
      tiles.push({
        index: tiles.length,
        row,
        col,
        inputY: row * rows.step,
        inputX: col * cols.step,
        outputY,
        outputX,
        outputH: Math.min(keptH, rows.outputLength - outputY),
        outputW: Math.min(keptW, cols.outputLength - outputX),
        keepY: keep,
        keepX: keep,
      });
    }
  return { image, geometry, margin, align, rows, cols, tiles, output: { h: rows.outputLength, w: cols.outputLength } };
}

/**
 * The source index for position `i` of a mirror-padded axis of length `n`: reflection without repeating the edge
 * pixel (NumPy 'reflect', tf.mirrorPad 'reflect'), folded again as often as needed for borders longer than n.
 */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/** A tile's input cut from an image (HWC floats, `channels` per pixel), mirroring wherever it reaches outside. */
export function extractTile(image: Float32Array, plan: TilePlan, tile: Tile, channels: number): Float32Array {
  const { h: H, w: W } = plan.image;
  if (image.length !== H * W * channels) throw new TilingError(`image data holds ${image.length} values, expected ${H}×${W}×${channels}`);
  const { h, w } = plan.geometry.input;
  const out = new Float32Array(h * w * channels);
  const xs = Int32Array.from({ length: w }, (_, x) => mirrorIndex(tile.inputX + x - plan.cols.padBefore, W));
  for (let y = 0; y < h; y++) {
    const sy = mirrorIndex(tile.inputY + y - plan.rows.padBefore, H);
    const rowBase = sy * W;
    for (let x = 0; x < w; x++) {
      const src = (rowBase + xs[x]!) * channels;
      const dst = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) out[dst + c] = image[src + c]!;
    }
  }
  return out;
}

/**
 * Copies the kept part of a tile's output (HWC, `channels` per pixel, the network's output size) into the
 * stitched result (HWC at `plan.output` size).
 */
export function stitchTile(result: Float32Array, plan: TilePlan, tile: Tile, tileOutput: Float32Array, channels: number): void {
  const { h: outH, w: outW } = plan.output;
  const { h: tileH, w: tileW } = plan.geometry.output;
  if (result.length !== outH * outW * channels) throw new TilingError(`result holds ${result.length} values, expected ${outH}×${outW}×${channels}`);
  if (tileOutput.length !== tileH * tileW * channels)
    throw new TilingError(`tile output holds ${tileOutput.length} values, expected ${tileH}×${tileW}×${channels}`);
  const rowLength = tile.outputW * channels;
  for (let y = 0; y < tile.outputH; y++) {
    const src = ((tile.keepY + y) * tileW + tile.keepX) * channels;
    const dst = ((tile.outputY + y) * outW + tile.outputX) * channels;
    result.set(tileOutput.subarray(src, src + rowLength), dst);
  }
}

const px = (s: Size) => `${s.w}×${s.h}`;

function borderText(plan: TilePlan): string {
  const { rows, cols } = plan;
  const sides = [rows.borderBefore, rows.borderAfter, cols.borderBefore, cols.borderAfter];
  if (sides.every((b) => b === 0)) return 'no border';
  if (sides.every((b) => b === sides[0])) return `mirror border ${sides[0]} px`;
  return `mirror border ${rows.borderBefore}/${rows.borderAfter} px (top/bottom), ${cols.borderBefore}/${cols.borderAfter} px (left/right)`;
}

/** "572×572 tiles, mirror border 92 px, 4 tiles (2×2), output 388×388 per tile, 384×384 kept (…)" */
export function describePlan(plan: TilePlan): string {
  const n = plan.tiles.length;
  const { rows, cols, geometry } = plan;
  const parts = [
    `${px(geometry.input)} tiles`,
    borderText(plan),
    `${n} tile${n === 1 ? '' : 's'}${n > 1 ? ` (${cols.count}×${rows.count})` : ''}`,
    `output ${px(geometry.output)} per tile`,
  ];
  if (plan.margin > 0) parts.push(`${plan.margin} px context margin cut from each side`);
  const aligned = rows.step < rows.covered - 2 * plan.margin || cols.step < cols.covered - 2 * plan.margin;
  if (aligned && n > 1) {
    const kept = { h: Math.round(rows.step * geometry.scale), w: Math.round(cols.step * geometry.scale) };
    parts.push(`${px(kept)} kept to stay on the ${plan.align}-px pooling grid (seamless)`);
  }
  return parts.join(', ');
}
