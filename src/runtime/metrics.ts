/**
 * Overlap metrics between a predicted foreground mask and a ground-truth mask, and the steps that make both
 * masks from what the run panel holds (network outputs, 8-bit mask images). Pure functions; no tfjs.
 */

export interface Confusion {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
}

/** Pixel counts of a binary prediction against a binary truth (non-zero = foreground). */
export function confusion(predicted: ArrayLike<number>, truth: ArrayLike<number>): Confusion {
  if (predicted.length !== truth.length)
    throw new Error(`the prediction has ${predicted.length} pixels, the ground truth ${truth.length}: compare masks of one size`);
  const counts: Confusion = { truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 0 };
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i] !== 0;
    const t = truth[i] !== 0;
    if (p && t) counts.truePositive++;
    else if (p) counts.falsePositive++;
    else if (t) counts.falseNegative++;
    else counts.trueNegative++;
  }
  return counts;
}

/** Dice = 2|P∩T| / (|P| + |T|); 1 when both masks are empty (nothing to find, nothing found). */
export function dice(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  const { truePositive: tp, falsePositive: fp, falseNegative: fn } = confusion(predicted, truth);
  return tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
}

/** IoU (Jaccard) = |P∩T| / |P∪T|; 1 when both masks are empty. */
export function iou(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  const { truePositive: tp, falsePositive: fp, falseNegative: fn } = confusion(predicted, truth);
  return tp + fp + fn === 0 ? 1 : tp / (tp + fp + fn);
}

/** An 8-bit RGBA mask image as 0/1 per pixel: foreground where the red channel is at least `threshold`. */
export function maskFromRgba(data: ArrayLike<number>, threshold = 128): Uint8Array {
  if (data.length % 4 !== 0) throw new Error(`RGBA data must hold 4 values per pixel, got ${data.length} values`);
  const out = new Uint8Array(data.length / 4);
  for (let p = 0; p < out.length; p++) out[p] = data[p * 4]! >= threshold ? 1 : 0;
  return out;
}

/**
 * The foreground a network output predicts (HWC values, `channels` per pixel): for one channel, probability
 * above ½ (logits, i.e. values outside [0, 1], above 0); for several, pixels whose argmax is `foregroundClass`.
 */
export function foregroundMask(values: Float32Array, channels: number, foregroundClass = 1): Uint8Array {
  if (!(Number.isInteger(channels) && channels >= 1) || values.length % channels !== 0)
    throw new Error(`cannot read ${values.length} values as pixels of ${channels} channels`);
  const pixels = values.length / channels;
  const out = new Uint8Array(pixels);
  if (channels === 1) {
    const logits = values.some((v) => v < 0 || v > 1);
    const cut = logits ? 0 : 0.5;
    for (let p = 0; p < pixels; p++) out[p] = values[p]! > cut ? 1 : 0;
    return out;
  }
  if (foregroundClass < 0 || foregroundClass >= channels) throw new Error(`class ${foregroundClass} does not exist in a ${channels}-channel output`);
  for (let p = 0; p < pixels; p++) {
    const base = p * channels;
    let best = 0;
    for (let k = 1; k < channels; k++) if (values[base + k]! > values[base + best]!) best = k;
    out[p] = best === foregroundClass ? 1 : 0;
  }
  return out;
}

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Nearest-neighbour resampling of a one-value-per-pixel mask: the `region` of the source (in source pixels,
 * fractions allowed) onto a `width`×`height` grid, sampling each target pixel's centre. Brings a ground truth
 * to the output's grid, e.g. the central region a valid-conv network's output covers.
 */
export function resampleMask(
  mask: Uint8Array,
  source: { width: number; height: number },
  region: Region,
  width: number,
  height: number,
): Uint8Array {
  if (mask.length !== source.width * source.height)
    throw new Error(`mask holds ${mask.length} pixels, expected ${source.width}×${source.height}`);
  const out = new Uint8Array(width * height);
  const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, Math.floor(v)));
  for (let y = 0; y < height; y++) {
    const sy = clamp(region.y + ((y + 0.5) * region.h) / height, source.height);
    for (let x = 0; x < width; x++) {
      const sx = clamp(region.x + ((x + 0.5) * region.w) / width, source.width);
      out[y * width + x] = mask[sy * source.width + sx]!;
    }
  }
  return out;
}
