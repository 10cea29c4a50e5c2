import * as tf from '@tensorflow/tfjs';
import type { Params } from '../core/types';
import type { TensorData } from './predict';

/** 8-bit RGBA pixels, row-major: what a canvas ImageData or a decoded PNG/JPEG gives. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** What the input node expects (its params): channels, size and how 0..255 pixels become numbers. */
export interface InputSpec {
  channels: number;
  height: number;
  width: number;
  normalization: 'zeroOne' | 'meanStd';
  mean: number;
  std: number;
}

export function inputSpecFromParams(p: Params): InputSpec {
  return {
    channels: Number(p.channels),
    height: Number(p.height),
    width: Number(p.width),
    normalization: p.normalization === 'meanStd' ? 'meanStd' : 'zeroOne',
    mean: Number(p.mean ?? 0.5),
    std: Number(p.std ?? 0.5),
  };
}

/** ITU-R BT.601 luma, as PIL's convert('L') and most "to grayscale" steps compute it. */
const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/**
 * An image as the model's input: [1, H, W, C] at the input node's size (bilinear resize, half-pixel centres),
 * grayscale for 1 channel, RGB for 3, RGBA for 4, normalised as the node says.
 */
export function imageToInput(image: RgbaImage, spec: InputSpec): TensorData {
  const { channels: c, height, width } = spec;
  if (c !== 1 && c !== 3 && c !== 4)
    throw new Error(`the input node takes ${c} channels; an image gives 1 (grayscale), 3 (RGB) or 4 (RGBA)`);
  if (image.data.length !== image.width * image.height * 4)
    throw new Error(`image data holds ${image.data.length} bytes, expected ${image.width}×${image.height}×4 (RGBA)`);
  const pixels = new Float32Array(image.width * image.height * c);
  for (let i = 0, o = 0; i < image.data.length; i += 4) {
    const [r, g, b, a] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!, image.data[i + 3]!];
    if (c === 1) pixels[o++] = luma(r, g, b);
    else {
      pixels[o++] = r;
      pixels[o++] = g;
      pixels[o++] = b;
      if (c === 4) pixels[o++] = a;
    }
  }
  const data = tf.tidy(() => {
    let x: tf.Tensor = tf.tensor4d(pixels, [1, image.height, image.width, c]);
    if (image.height !== height || image.width !== width) x = tf.image.resizeBilinear(x as tf.Tensor4D, [height, width], false, true);
    x = x.div(255);
    if (spec.normalization === 'meanStd') x = x.sub(spec.mean).div(spec.std);
    return x.dataSync() as Float32Array;
  });
  return { data: new Float32Array(data), shape: [1, height, width, c] };
}

export type OutputView = 'classes' | 'probability' | 'image';

/**
 * How to show an output, as the output node's `view` says; 'auto' = image for 3 channels in [0, 1], a
 * probability map for one channel, the argmax class for several.
 */
export function resolveView(view: string, out: TensorData): OutputView {
  if (view === 'classes' || view === 'probability' || view === 'image') return view;
  const c = out.shape[3]!;
  if (c === 3 && out.data.every((v) => v >= 0 && v <= 1)) return 'image';
  return c === 1 ? 'probability' : 'classes';
}

/** Class colours: background black, then well-separated hues (2 classes read as a black/white mask). */
const PALETTE: [number, number, number][] = [
  [0, 0, 0], [255, 255, 255], [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
  [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212], [0, 128, 128], [220, 190, 255],
];

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * The first sample of an output as an RGBA picture: classes → palette colours of the argmax; probability →
 * gray levels (logits outside [0, 1] go through a sigmoid first); image → RGB clamped to [0, 1].
 */
export function renderOutput(out: TensorData, view: OutputView): RgbaImage {
  const [, h, w, c] = out.shape as [number, number, number, number];
  const rgba = new Uint8ClampedArray(h * w * 4);
  const d = out.data;
  if (view === 'image' && c < 3) throw new Error(`an image view needs 3 channels, the output has ${c}`);
  const logits = view === 'probability' && d.subarray(0, h * w * c).some((v) => v < 0 || v > 1);
  for (let p = 0; p < h * w; p++) {
    const base = p * c;
    let rgb: [number, number, number];
    if (view === 'classes') {
      let best = 0;
      for (let k = 1; k < c; k++) if (d[base + k]! > d[base + best]!) best = k;
      rgb = PALETTE[best % PALETTE.length]!;
    } else if (view === 'probability') {
      const v = logits ? sigmoid(d[base]!) : d[base]!;
      rgb = [v * 255, v * 255, v * 255];
    } else rgb = [d[base]! * 255, d[base + 1]! * 255, d[base + 2]! * 255];
    rgba.set([Math.round(rgb[0]), Math.round(rgb[1]), Math.round(rgb[2]), 255], p * 4);
  }
  return { width: w, height: h, data: rgba };
}
