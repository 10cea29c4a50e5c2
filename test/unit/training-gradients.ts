/**
 * The PyTorch gradient fixture (scripts/torch/make_gradient_fixtures.py) and, for each of its ops, the same op in
 * tfjs on NHWC tensors, shared by the gradient tests.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { DepthToSpace, DilatedConv2D, LeakyConv2D, PatchConv2DTranspose, ReflectionPadding2D, UpsampleBilinear } from '../../src/compile/layers';

interface Encoded {
  shape: number[];
  data: string;
}
export interface GradientCase {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: Record<string, Encoded>;
  output: Encoded;
  upstream: Encoded;
  grads: Record<string, Encoded>;
}

export const GRADIENT_CASES: GradientCase[] = JSON.parse(
  readFileSync(new URL('../fixtures/gradients/gradients.json', import.meta.url), 'utf8'),
).cases;

/** How each PyTorch tensor maps to tfjs: activations NCHW→NHWC, conv weights OIHW→HWIO, transposed IOHW→HWOI. */
const LAYOUT: Record<number, number[]> = { 1: [0], 4: [0, 2, 3, 1] };
const toTfPerm = (name: string, rank: number) => (rank === 4 && name === 'w' ? [2, 3, 1, 0] : LAYOUT[rank]!);
const inverse = (perm: number[]) => perm.map((_, i) => perm.indexOf(i));

export function decode({ shape, data }: Encoded): tf.Tensor {
  const bytes = Buffer.from(data, 'base64');
  return tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice(), shape);
}

/** A fixture tensor in tfjs layout. */
export const toTf = (name: string, e: Encoded): tf.Tensor => tf.transpose(decode(e), toTfPerm(name, e.shape.length));
/** A tfjs tensor back in PyTorch layout. */
export const toTorch = (name: string, t: tf.Tensor): tf.Tensor => tf.transpose(t, inverse(toTfPerm(name, t.rank)));

type Pads = [number, number, number, number]; // top, bottom, left, right
const explicit = ([t, b, l, r]: Pads): tf.backend_util.ExplicitPadding => [[0, 0], [t, b], [l, r], [0, 0]];
const padsOf = (p: Record<string, unknown>): Pads => (p.pads as Pads | undefined) ?? [0, 0, 0, 0].map(() => p.padding as number) as Pads;
const size = (x: tf.Tensor, scale: number): [number, number] => [x.shape[1]! * scale, x.shape[2]! * scale];

/** The op of a case as a tfjs function of its inputs (in the fixture's order, tfjs layouts). */
export function tfOp(c: GradientCase): (...inputs: tf.Tensor[]) => tf.Tensor {
  const p = c.params;
  const x4 = (t: tf.Tensor) => t as tf.Tensor4D;
  switch (c.op) {
    case 'conv2d':
    case 'leakyConv2d': {
      const pad = explicit(padsOf(p));
      const dilation = (p.dilation as number | undefined) ?? 1;
      const stride = (p.stride as number | undefined) ?? 1;
      // The path tf.layers' Conv2D takes (fused conv + bias), or conv + add where fusing cannot take a dilation.
      const conv = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
        dilation === 1
          ? tf.fused.conv2d({ x: x4(x), filter: x4(w), bias: b, strides: stride, pad })
          : tf.add(tf.conv2d(x4(x), x4(w), stride, pad, 'NHWC', dilation), b);
      return c.op === 'conv2d' ? conv : (x, w, b) => tf.leakyRelu(conv(x, w, b), p.alpha as number);
    }
    case 'conv2dTranspose': {
      const [k, s, pad, outPad] = [p.kernel, p.stride, p.padding, p.outputPadding] as number[];
      return (x, w, b) => {
        const [n, h, wd] = x.shape as number[];
        const out = [n!, (h! - 1) * s! - 2 * pad! + k! + outPad!, (wd! - 1) * s! - 2 * pad! + k! + outPad!, w.shape[2]!] as [number, number, number, number];
        // PyTorch crops `padding` at the start and padding − output_padding at the end of the full output.
        const crop = explicit([pad!, pad! - outPad!, pad!, pad! - outPad!]);
        return tf.add(tf.conv2dTranspose(x4(x), x4(w), out, s!, crop), b);
      };
    }
    case 'maxPool':
    case 'avgPool': {
      const [k, s, pad] = [p.kernel, p.stride, p.padding] as number[];
      const pool = c.op === 'maxPool' ? tf.maxPool : tf.avgPool;
      return (x) => pool(x4(x), k!, s!, pad === 0 ? 'valid' : 'same');
    }
    case 'bilinear': {
      const ac = p.alignCorners as boolean;
      return (x) => tf.image.resizeBilinear(x4(x), size(x, p.scale as number), ac, !ac);
    }
    case 'nearest':
      return (x) => tf.image.resizeNearestNeighbor(x4(x), size(x, p.scale as number));
    case 'reflectPad': {
      const [t, b, l, r] = p.pads as Pads;
      return (x) => tf.mirrorPad(x4(x), [[0, 0], [t, b], [l, r], [0, 0]], 'reflect');
    }
    case 'zeroPad': {
      const [t, b, l, r] = p.pads as Pads;
      return (x) => tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]]);
    }
    case 'depthToSpace':
      return (x) => tf.depthToSpace(x4(x), p.blockSize as number);
    case 'concatCrop': {
      const [t, b, l, r] = p.crop as Pads;
      return (x, y) => {
        const cat = tf.concat([x, y], 3);
        return tf.slice(cat, [0, t, l, 0], [-1, cat.shape[1]! - t - b, cat.shape[2]! - l - r, -1]);
      };
    }
    case 'batchNorm':
      return (x, gamma, beta) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.batchNorm(x, mean, variance, beta, gamma, p.epsilon as number);
      };
    case 'leakyRelu':
      return (x) => tf.leakyRelu(x, p.alpha as number);
    case 'elu':
      return (x) => tf.elu(x);
    case 'relu':
      return (x) => tf.relu(x);
    case 'sigmoid':
      return (x) => tf.sigmoid(x);
    case 'softmax':
      return (x) => tf.softmax(x);
  }
  throw new Error(`no tfjs op for fixture case ${c.op}`);
}

/**
 * The case through one of our custom layers where one stands for it, weights set from the fixture. The layer's
 * own variables are returned so gradients can be taken with respect to them.
 */
export function customLayer(c: GradientCase): tf.layers.Layer | undefined {
  const p = c.params;
  const scale = p.scale as number;
  if (c.op === 'bilinear') return new UpsampleBilinear({ size: scale, alignCorners: p.alignCorners as boolean });
  if (c.op === 'reflectPad') {
    const [t, b, l, r] = p.pads as Pads;
    return new ReflectionPadding2D({ padding: [[t, b], [l, r]] });
  }
  if (c.op === 'depthToSpace') return new DepthToSpace({ blockSize: p.blockSize as number });
  const dilation = p.dilation as number | undefined;
  // The Conv2D class compiled graphs use; 'same' for k3 d2 is PyTorch's padding 2.
  if (c.op === 'conv2d' && dilation !== undefined && dilation > 1 && p.padding === dilation && p.kernel === 3)
    return new DilatedConv2D({ filters: c.inputs.w!.shape[0]!, kernelSize: 3, dilationRate: dilation, padding: 'same' });
  if (c.op === 'leakyConv2d')
    return new LeakyConv2D({ filters: c.inputs.w!.shape[0]!, kernelSize: p.kernel as number, padding: 'same', alpha: p.alpha as number });
  if (c.op === 'conv2dTranspose' && p.kernel === p.stride && p.padding === 0)
    return new PatchConv2DTranspose({ filters: c.inputs.w!.shape[1]!, kernelSize: p.kernel, strides: p.stride, padding: 'valid' });
  return undefined;
}
