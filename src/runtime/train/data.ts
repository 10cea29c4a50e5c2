/**
 * Training data: image + label pairs normalised as the input node says, a train/validation split, and seeded
 * random patches sized for the network — the input patch and, for valid-conv networks, the smaller
 * output-sized label crop at its centre (as the paper trains), with mirrored context at the image borders and
 * random flips / 90° rotations. Pure TypeScript; tensors are made by the trainer.
 */
import { imageToInput, type InputSpec, type RgbaImage } from '../image';
import { rng } from '../synthetic';
import { mirrorIndex, type Size } from '../tiling';

/** One image with a label per pixel (0 = background, 1.. = classes). */
export interface LabelledImage {
  name: string;
  width: number;
  height: number;
  channels: number;
  /** H×W×C, normalised as the network's input. */
  pixels: Float32Array;
  /** H×W class indices. */
  labels: Uint8Array;
  /** H×W per-pixel loss weights (the paper's border weight map), when the loss uses them. */
  weights?: Float32Array;
}

/** Where output crops may be taken from: rows [top, bottom) of one image. */
export interface Region {
  image: number;
  top: number;
  bottom: number;
}

export interface Split {
  train: Region[];
  val: Region[];
  /** How the split was made, for the panel and the CLI ("2 of 10 images", "bottom 25 % of the image"). */
  description: string;
}

/** The network's training geometry: the input patch and the output it predicts (centred in the patch). */
export interface PatchGeometry {
  input: Size;
  output: Size;
  /** Context on each side: (input − output) / 2. */
  border: Size;
}

export interface Batch {
  /** [B, inH, inW, C] */
  x: Float32Array;
  /** [B, outH, outW] class indices */
  y: Uint8Array;
  /** [B, outH, outW] loss weights, when the images carry them */
  w?: Float32Array;
  size: number;
}

export interface Augment {
  flips: boolean;
  /** 90° rotations (square patches only). */
  rotations: boolean;
}

/**
 * Class labels from a mask image: a binary mask (only black and white, or two levels) gives 0/1 at half
 * intensity; an indexed label image (pixel value = class, all below `classes`) is taken as it is.
 */
export function labelsFromMask(mask: RgbaImage, classes: number, name = 'mask'): Uint8Array {
  const n = mask.width * mask.height;
  const red = new Uint8Array(n);
  const levels = new Set<number>();
  for (let p = 0; p < n; p++) {
    red[p] = mask.data[p * 4]!;
    if (levels.size <= 256) levels.add(red[p]!);
  }
  const max = Math.max(...levels);
  if (max < Math.max(2, classes)) return red; // indexed: 0, 1, 2 … already class numbers
  if (levels.size <= 2 || [...levels].every((v) => v === 0 || v === 255)) {
    const out = new Uint8Array(n);
    for (let p = 0; p < n; p++) out[p] = red[p]! >= 128 ? 1 : 0;
    return out;
  }
  throw new Error(
    `${name}: ${levels.size} grey levels up to ${max}; expected a binary mask (black/white) or an indexed label image with values 0…${Math.max(1, classes - 1)}`,
  );
}

/** An image + mask pair as training data (the image normalised by the input node's spec, at its own size). */
export function labelledImage(name: string, image: RgbaImage, mask: RgbaImage, spec: InputSpec, classes: number): LabelledImage {
  if (mask.width !== image.width || mask.height !== image.height)
    throw new Error(`${name}: the mask is ${mask.width}×${mask.height}, the image ${image.width}×${image.height}`);
  const { data } = imageToInput(image, { ...spec, height: image.height, width: image.width });
  const labels = labelsFromMask(mask, classes, `${name} (mask)`);
  const top = labels.reduce((m, v) => Math.max(m, v), 0);
  if (classes > 1 && top >= classes) throw new Error(`${name}: the mask has class ${top}, the network predicts ${classes} classes (0…${classes - 1})`);
  return { name, width: image.width, height: image.height, channels: spec.channels, pixels: data, labels };
}

/**
 * Validation data: with several images, `fraction` of them (at least one); with one image, its bottom rows
 * (at least one output crop tall), so the two never share a labelled pixel.
 */
export function splitData(images: LabelledImage[], output: Size, fraction = 0.2): Split {
  if (images.length === 0) throw new Error('no training images');
  for (const im of images)
    if (im.height < output.h || im.width < output.w)
      throw new Error(`${im.name}: ${im.width}×${im.height} is smaller than the network's ${output.w}×${output.h} output patch`);
  if (images.length >= 2) {
    const nVal = Math.max(1, Math.round(images.length * fraction));
    const cut = images.length - nVal;
    const whole = (image: number): Region => ({ image, top: 0, bottom: images[image]!.height });
    return {
      train: images.slice(0, cut).map((_, i) => whole(i)),
      val: images.slice(cut).map((_, i) => whole(cut + i)),
      description: `${cut} training, ${nVal} validation image${nVal === 1 ? '' : 's'}`,
    };
  }
  const im = images[0]!;
  const valRows = Math.max(output.h, Math.ceil(im.height * fraction));
  if (im.height - valRows < output.h)
    throw new Error(`${im.name}: ${im.height} rows are too few to keep ${valRows} for validation and train on ${output.h}-row patches; add a second image`);
  return {
    train: [{ image: 0, top: 0, bottom: im.height - valRows }],
    val: [{ image: 0, top: im.height - valRows, bottom: im.height }],
    description: `one image: top ${im.height - valRows} rows for training, bottom ${valRows} for validation`,
  };
}

/** A 90° rotation / flip of a square or rectangular patch: where output pixel (y, x) reads from. */
type Transform = (y: number, x: number, h: number, w: number) => [number, number];
const TRANSFORMS: Transform[] = [
  (y, x) => [y, x],
  (y, x, _h, w) => [y, w - 1 - x],
  (y, x, h) => [h - 1 - y, x],
  (y, x, h, w) => [h - 1 - y, w - 1 - x],
  // The last four swap axes: square patches only.
  (y, x) => [x, y],
  (y, x, h) => [x, h - 1 - y],
  (y, x, _h, w) => [w - 1 - x, y],
  (y, x, h, w) => [w - 1 - x, h - 1 - y],
];

/** Copies a patch whose top-left is (top, left) in image coordinates, mirroring outside the image. */
function cut(
  source: ArrayLike<number>,
  im: LabelledImage,
  channels: number,
  top: number,
  left: number,
  size: Size,
  transform: Transform,
  into: Float32Array | Uint8Array,
  offset: number,
) {
  for (let y = 0; y < size.h; y++)
    for (let x = 0; x < size.w; x++) {
      const [sy, sx] = transform(y, x, size.h, size.w);
      const iy = mirrorIndex(top + sy, im.height);
      const ix = mirrorIndex(left + sx, im.width);
      const from = (iy * im.width + ix) * channels;
      const to = offset + (y * size.w + x) * channels;
      for (let c = 0; c < channels; c++) into[to + c] = source[from + c]!;
    }
}

/** Draws seeded random batches from the training regions. */
export class PatchSampler {
  private readonly random: () => number;

  constructor(
    private readonly images: LabelledImage[],
    private readonly regions: Region[],
    private readonly geometry: PatchGeometry,
    private readonly augment: Augment,
    seed: number,
  ) {
    if (regions.length === 0) throw new Error('no training region');
    this.random = rng(seed);
  }

  private int(n: number) {
    return Math.min(n - 1, Math.floor(this.random() * n));
  }

  batch(size: number): Batch {
    const { input, output, border } = this.geometry;
    const c = this.images[0]!.channels;
    const x = new Float32Array(size * input.h * input.w * c);
    const y = new Uint8Array(size * output.h * output.w);
    const weighted = this.images.every((im) => im.weights);
    const w = weighted ? new Float32Array(y.length) : undefined;
    const square = input.h === input.w && output.h === output.w;
    const choices = !this.augment.flips ? 1 : this.augment.rotations && square ? 8 : 4;
    for (let b = 0; b < size; b++) {
      const region = this.regions[this.int(this.regions.length)]!;
      const im = this.images[region.image]!;
      const top = region.top + this.int(region.bottom - region.top - output.h + 1);
      const left = this.int(im.width - output.w + 1);
      const transform = TRANSFORMS[this.int(choices)]!;
      cut(im.pixels, im, c, top - border.h, left - border.w, input, transform, x, b * input.h * input.w * c);
      cut(im.labels, im, 1, top, left, output, transform, y, b * output.h * output.w);
      if (w) cut(im.weights!, im, 1, top, left, output, transform, w, b * output.h * output.w);
    }
    return { x, y, w, size };
  }
}

/**
 * Fixed validation patches: output-sized crops tiling each validation region (the last one flush with its
 * end), at most `limit` of them, spread evenly. The same every evaluation.
 */
export function validationPatches(images: LabelledImage[], regions: Region[], geometry: PatchGeometry, limit = 16): Batch {
  const { input, output, border } = geometry;
  const spots: { im: LabelledImage; top: number; left: number }[] = [];
  const starts = (from: number, to: number, step: number) => {
    const out: number[] = [];
    for (let s = from; s + step <= to; s += step) out.push(s);
    if (out.length === 0 || out[out.length - 1]! + step < to) out.push(Math.max(from, to - step));
    return out;
  };
  for (const r of regions) {
    const im = images[r.image]!;
    for (const top of starts(r.top, r.bottom, output.h)) for (const left of starts(0, im.width, output.w)) spots.push({ im, top, left });
  }
  const picked = spots.length <= limit ? spots : Array.from({ length: limit }, (_, i) => spots[Math.floor((i * spots.length) / limit)]!);
  const c = images[0]!.channels;
  const x = new Float32Array(picked.length * input.h * input.w * c);
  const y = new Uint8Array(picked.length * output.h * output.w);
  const weighted = images.every((im) => im.weights);
  const w = weighted ? new Float32Array(y.length) : undefined;
  picked.forEach(({ im, top, left }, b) => {
    cut(im.pixels, im, c, top - border.h, left - border.w, input, TRANSFORMS[0]!, x, b * input.h * input.w * c);
    cut(im.labels, im, 1, top, left, output, TRANSFORMS[0]!, y, b * output.h * output.w);
    if (w) cut(im.weights!, im, 1, top, left, output, TRANSFORMS[0]!, w, b * output.h * output.w);
  });
  return { x, y, w, size: picked.length };
}
