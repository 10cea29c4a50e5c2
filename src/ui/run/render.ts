/**
 * Network outputs and feature maps as RGBA pixels for canvases: class colours, a perceptual colour map, image
 * outputs. Pure functions (no DOM), so they are tested in Node.
 */

export type Rgb = readonly [number, number, number];

/** Tableau-10-like class colours: distinct, colour-blind-friendlier than pure hues. Class 0 first. */
export const CLASS_COLORS: readonly Rgb[] = [
  [78, 121, 167], [242, 142, 43], [225, 87, 89], [118, 183, 178], [89, 161, 79],
  [237, 201, 72], [176, 122, 161], [255, 157, 167], [156, 117, 95], [186, 176, 172],
];

export const classColor = (k: number): Rgb => CLASS_COLORS[k % CLASS_COLORS.length]!;

/** Viridis (matplotlib), 9 stops; perceptually uniform and readable in gray. */
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** The colour map at t ∈ [0, 1] (clamped), linearly interpolated between stops. */
export function viridis(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** A CSS gradient of the colour map, for colour-scale bars. */
export const VIRIDIS_CSS = `linear-gradient(to right, ${VIRIDIS.map((c, i) => `rgb(${c.join(',')}) ${(i / (VIRIDIS.length - 1)) * 100}%`).join(', ')})`;

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Index of the largest value per pixel (first wins ties). */
export function argmax(values: Float32Array, channels: number): Uint8Array {
  const n = values.length / channels;
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const base = p * channels;
    let best = 0;
    for (let k = 1; k < channels; k++) if (values[base + k]! > values[base + best]!) best = k;
    out[p] = best;
  }
  return out;
}

/** Fraction of pixels per class. */
export function classShares(classes: Uint8Array, count: number): number[] {
  const counts = new Array<number>(count).fill(0);
  for (const k of classes) counts[k] = (counts[k] ?? 0) + 1;
  return counts.map((n) => (classes.length ? n / classes.length : 0));
}

/** Class colours per pixel; `alpha` 0..255 (the overlay's opacity is applied by the canvas, not here). */
export function classPixels(classes: Uint8Array, width: number, height: number, hidden: ReadonlySet<number> = new Set()): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < classes.length; p++) {
    const k = classes[p]!;
    if (hidden.has(k)) continue;
    const [r, g, b] = classColor(k);
    data[p * 4] = r;
    data[p * 4 + 1] = g;
    data[p * 4 + 2] = b;
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export interface ChannelValues {
  values: Float32Array;
  /** The colour scale's ends. */
  min: number;
  max: number;
  /** Whether a sigmoid turned logits into probabilities. */
  sigmoid: boolean;
}

/**
 * One channel of an HWC output as probabilities: values already in [0, 1] as they are (scale 0..1), logits
 * through a sigmoid (scale 0..1); `raw` keeps values and scales to their own range.
 */
export function channelValues(output: Float32Array, channels: number, k: number, raw = false): ChannelValues {
  const n = output.length / channels;
  const values = new Float32Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < n; p++) {
    const v = output[p * channels + k]!;
    values[p] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (raw) return { values, min: lo, max: hi === lo ? lo + 1 : hi, sigmoid: false };
  if (lo >= 0 && hi <= 1) return { values, min: 0, max: 1, sigmoid: false };
  for (let p = 0; p < n; p++) values[p] = sigmoid(values[p]!);
  return { values, min: 0, max: 1, sigmoid: true };
}

/** Values through the colour map between `min` and `max`. */
export function heatmapPixels(values: Float32Array, width: number, height: number, min: number, max: number): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  const span = max - min || 1;
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = viridis((values[p]! - min) / span);
    data.set([r, g, b, 255], p * 4);
  }
  return { width, height, data };
}

/** A 3-channel (or more: the first three) output in [0, 1] as RGB, clamped. */
export function imagePixels(output: Float32Array, channels: number, width: number, height: number): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const base = p * channels;
    data[p * 4] = output[base]! * 255;
    data[p * 4 + 1] = output[base + 1]! * 255;
    data[p * 4 + 2] = output[base + 2]! * 255;
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** A 0/1 mask as white-on-transparent, or in a colour. */
export function maskPixels(mask: Uint8Array, width: number, height: number, color: Rgb = [255, 255, 255]): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < mask.length; p++) if (mask[p]) data.set([color[0], color[1], color[2], 255], p * 4);
  return { width, height, data };
}

/** Compact number for scales and stats: 3 significant digits, exponent for very small or large values. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e4 || abs < 1e-3) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}
