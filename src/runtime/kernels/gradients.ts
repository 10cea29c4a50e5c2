import * as tf from '@tensorflow/tfjs';
import { avgPoolGradByOps } from './pooling';
import { resizeGradByMatMul, type ResizeAttrs } from './resize';

/**
 * Gradient fixes for every backend (the gradient registry is global). tfjs 4.22 has no gradient for DepthToSpace,
 * a MirrorPad gradient that drops what flows through the mirrored border, no dilated Conv2D gradient, resize
 * gradient kernels that ignore halfPixelCenters (and on cpu get non-square images wrong), and an AvgPool gradient
 * that divides by the full window where the forward pass averaged fewer pixels.
 */

type Pair = [number, number];
const pair = (v: number | number[]): Pair => (typeof v === 'number' ? [v, v] : [v[0]!, v[1] ?? v[0]!]);
const onWasm = () => tf.getBackend() === 'wasm';

/** Adds `part` into `into` at offset `at` along `axis` (both tensors equal elsewhere). */
function addAt(into: tf.Tensor, part: tf.Tensor, axis: number, at: number): tf.Tensor {
  const padding = into.shape.map((_, i): Pair => (i === axis ? [at, into.shape[axis]! - at - part.shape[axis]!] : [0, 0]));
  return tf.add(into, tf.pad(part, padding));
}

/**
 * MirrorPad: each padded border is a mirror image of the rows next to the edge (the edge itself included in
 * 'symmetric', excluded in 'reflect'), so its gradient folds back onto those rows.
 */
function mirrorPadGrad(dy: tf.Tensor, x: tf.Tensor, paddings: Pair[], mode: 'reflect' | 'symmetric'): tf.Tensor {
  const offset = mode === 'reflect' ? 1 : 0;
  let g = dy;
  paddings.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const len = x.shape[axis]!;
    const size = g.shape.map((d, i) => (i === axis ? len : d));
    const begin = g.shape.map((_, i) => (i === axis ? before : 0));
    let inner = tf.slice(g, begin, size);
    if (before > 0) {
      const head = tf.reverse(tf.slice(g, g.shape.map(() => 0), g.shape.map((d, i) => (i === axis ? before : d))), axis);
      inner = addAt(inner, head, axis, offset);
    }
    if (after > 0) {
      const tailBegin = g.shape.map((_, i) => (i === axis ? before + len : 0));
      const tail = tf.reverse(tf.slice(g, tailBegin, g.shape.map((d, i) => (i === axis ? after : d))), axis);
      inner = addAt(inner, tail, axis, len - offset - after);
    }
    g = inner;
  });
  return g;
}

/** DepthToSpace's inverse rearrangement (TF's space_to_depth), NHWC: in[n, h, w, (i·r + j)·C + c] = out[n, h·r + i, w·r + j, c]. */
function depthToSpaceGrad(dy: tf.Tensor4D, blockSize: number, dataFormat: 'NHWC' | 'NCHW'): tf.Tensor4D {
  const r = blockSize;
  if (dataFormat === 'NHWC') {
    const [n, hr, wr, c] = dy.shape;
    return tf.reshape(tf.transpose(tf.reshape(dy, [n, hr / r, r, wr / r, r, c]), [0, 1, 3, 2, 4, 5]), [n, hr / r, wr / r, r * r * c]);
  }
  const [n, c, hr, wr] = dy.shape;
  return tf.reshape(tf.transpose(tf.reshape(dy, [n, c, hr / r, r, wr / r, r]), [0, 3, 5, 1, 2, 4]), [n, r * r * c, hr / r, wr / r]);
}

/** W [KH, KW, Ci, Co] flipped in space with its channel axes swapped: the filter of the input gradient. */
const flipTransposed = (filter: tf.Tensor4D): tf.Tensor4D => tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);

/**
 * Gradients of a dilated (stride-1) convolution from standard ops, for backends other than wasm: the input
 * gradient is a dilated convolution of dy with the flipped filter; the filter gradient is a convolution of x with
 * dy as the filter, batch and channel axes swapped, strided by the dilation.
 */
function dilatedConvGrads(x: tf.Tensor4D, filter: tf.Tensor4D, dy: tf.Tensor4D, pad: tf.backend_util.Conv2DInfo['padInfo'], d: Pair) {
  const [fh, fw] = filter.shape;
  const [, h, w] = x.shape;
  const [, oh, ow] = dy.shape;
  return {
    x: () => {
      const top = (fh - 1) * d[0] - pad.top;
      const left = (fw - 1) * d[1] - pad.left;
      const bottom = h + (fh - 1) * d[0] - oh - top;
      const right = w + (fw - 1) * d[1] - ow - left;
      // Negative padding (a forward pad wider than the dilated window) crops instead.
      const padded = tf.pad(dy, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]]);
      const cropped = tf.slice(padded, [0, Math.max(-top, 0), Math.max(-left, 0), 0], [-1, padded.shape[1] - Math.max(-top, 0) - Math.max(-bottom, 0), padded.shape[2] - Math.max(-left, 0) - Math.max(-right, 0), -1]);
      return tf.conv2d(cropped, flipTransposed(filter), 1, 'valid', 'NHWC', d);
    },
    filter: () => {
      const xp = tf.pad(x, [[0, 0], [pad.top, pad.bottom], [pad.left, pad.right], [0, 0]]);
      const hp = (oh - 1) + (fh - 1) * d[0] + 1;
      const wp = (ow - 1) + (fw - 1) * d[1] + 1;
      const used = tf.slice(xp, [0, 0, 0, 0], [-1, hp, wp, -1]);
      const dw = tf.conv2d(tf.transpose(used, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), d, 'valid');
      return tf.transpose(dw, [1, 2, 0, 3]);
    },
  };
}

interface ConvAttrs {
  strides: number | Pair;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | Pair;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

let registered = false;

/** Registers the gradient fixes above (idempotent; the originals stay in use where they are right). */
export function registerTrainingGradients(): void {
  if (registered) return;
  registered = true;
  const originalConv2D = tf.getGradient('Conv2D');

  tf.registerGradient({
    kernelName: 'MirrorPad',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const { paddings, mode } = attrs as unknown as { paddings: Pair[]; mode: 'reflect' | 'symmetric' };
      return { x: () => mirrorPadGrad(dy as tf.Tensor, saved[0]!, paddings, mode) };
    },
  });

  tf.registerGradient({
    kernelName: 'DepthToSpace',
    gradFunc: (dy, _saved, attrs) => {
      const { blockSize, dataFormat } = attrs as unknown as { blockSize: number; dataFormat: 'NHWC' | 'NCHW' };
      return { x: () => depthToSpaceGrad(dy as tf.Tensor4D, blockSize, dataFormat) };
    },
  });

  // Resizes: on wasm our kernels are right (ResizeBilinearGrad replaced, ResizeNearestNeighborGrad correct).
  // Elsewhere tfjs' kernels are not (see resize.ts), so the gradient is built from matrix products.
  for (const [kernelName, mode] of [['ResizeBilinear', 'bilinear'], ['ResizeNearestNeighbor', 'nearest']] as const) {
    const original = tf.getGradient(kernelName);
    tf.registerGradient({
      kernelName,
      inputsToSave: ['images'],
      gradFunc: (dy, saved, attrs) => {
        if (onWasm()) return original.gradFunc(dy, saved, attrs);
        return { images: () => resizeGradByMatMul(mode, dy as tf.Tensor4D, saved[0] as tf.Tensor4D, attrs as unknown as ResizeAttrs) };
      },
    });
  }

  // AvgPool with padding: the forward averages only pixels inside the image; tfjs' gradient divides by the full
  // window. Our wasm AvgPoolGrad follows the forward; elsewhere dy is rescaled first.
  const originalAvgPool = tf.getGradient('AvgPool');
  tf.registerGradient({
    kernelName: 'AvgPool',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      if (onWasm() || (attrs as { pad: unknown }).pad === 'valid') return originalAvgPool.gradFunc(dy, saved, attrs);
      const pool = attrs as unknown as Parameters<typeof avgPoolGradByOps>[2];
      return { x: () => avgPoolGradByOps(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, pool) };
    },
  });

  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const conv = attrs as unknown as ConvAttrs;
      const dilations = pair(conv.dilations);
      if (dilations[0] === 1 && dilations[1] === 1) return originalConv2D.gradFunc(dy, saved, attrs);
      if (conv.dataFormat === 'NCHW') throw new Error('gradient of a dilated conv2d: only NHWC is supported');
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = dy as tf.Tensor4D;
      if (onWasm()) {
        // Our wasm kernels take the dilation as an extra attribute.
        const kernelAttrs: tf.NamedAttrMap = { strides: conv.strides, pad: conv.pad, dataFormat: 'NHWC', dilations };
        if (conv.dimRoundingMode) kernelAttrs.dimRoundingMode = conv.dimRoundingMode;
        return {
          x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, { ...kernelAttrs, inputShape: x.shape }) as unknown as tf.Tensor,
          filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...kernelAttrs, filterShape: filter.shape }) as unknown as tf.Tensor,
        };
      }
      const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, conv.strides, dilations, conv.pad, conv.dimRoundingMode);
      return dilatedConvGrads(x, filter, g, info.padInfo, dilations);
    },
  });
}
