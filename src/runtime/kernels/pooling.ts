import * as tf from '@tensorflow/tfjs';
import { heapF32, offsetF32, type KernelArgs } from './wasmHeap';

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const poolInfo = (input: tf.TensorInfo, attrs: PoolAttrs) =>
  tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);

/** The input rows/columns a window covers, clipped to the image: [start, end). */
function windowRange(o: number, stride: number, pad: number, filter: number, size: number): [number, number] {
  const start = o * stride - pad;
  return [Math.max(0, start), Math.min(size, start + filter)];
}

/**
 * MaxPoolGrad for wasm: tfjs-backend-wasm 4.22's kernel adds into an output buffer it never clears, so it returns
 * leftovers of earlier tensors wherever the heap is reused. Each window's gradient goes to its first maximum in
 * row-major order (as PyTorch and tfjs' cpu kernel pick).
 */
export function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const info = poolInfo(input, attrs as unknown as PoolAttrs);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const dx = backend.makeOutput(input.shape, 'float32');
  const heap = heapF32(backend, dx);
  const x = offsetF32(backend, input), g = offsetF32(backend, dy), d = offsetF32(backend, dx);
  heap.fill(0, d, d + n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++) {
      const [r0, r1] = windowRange(i, info.strideHeight, info.padInfo.top, info.filterHeight, h);
      for (let j = 0; j < ow; j++) {
        const [c0, c1] = windowRange(j, info.strideWidth, info.padInfo.left, info.filterWidth, w);
        const gBase = g + ((b * oh + i) * ow + j) * c;
        for (let k = 0; k < c; k++) {
          let best = -Infinity, at = -1;
          for (let r = r0; r < r1; r++)
            for (let q = c0; q < c1; q++) {
              const idx = ((b * h + r) * w + q) * c + k;
              const v = heap[x + idx]!;
              if (v > best || at < 0) (best = v), (at = idx);
            }
          if (at >= 0) heap[d + at]! += heap[gBase + k]!;
        }
      }
    }
  return dx;
}

/**
 * AvgPoolGrad for wasm that matches the forward pass at the borders: tfjs' AvgPool averages only the pixels
 * inside the image ('same' padding excluded), but its gradient kernels (wasm and cpu) divide by the full window.
 */
export function avgPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const info = poolInfo(input, attrs as unknown as PoolAttrs);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const dx = backend.makeOutput(input.shape, 'float32');
  const heap = heapF32(backend, dx);
  const g = offsetF32(backend, dy), d = offsetF32(backend, dx);
  heap.fill(0, d, d + n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++) {
      const [r0, r1] = windowRange(i, info.strideHeight, info.padInfo.top, info.filterHeight, h);
      for (let j = 0; j < ow; j++) {
        const [c0, c1] = windowRange(j, info.strideWidth, info.padInfo.left, info.filterWidth, w);
        const share = 1 / Math.max(1, (r1 - r0) * (c1 - c0));
        const gBase = g + ((b * oh + i) * ow + j) * c;
        for (let r = r0; r < r1; r++)
          for (let q = c0; q < c1; q++) {
            const dBase = d + ((b * h + r) * w + q) * c;
            for (let k = 0; k < c; k++) heap[dBase + k]! += heap[gBase + k]! * share;
          }
      }
    }
  return dx;
}

/**
 * The same border rule from standard ops, for the other backends: scale dy by (full window / pixels inside) before
 * tfjs' AvgPoolGrad, which divides by the full window. The counts are a one-channel sum-pool of ones.
 */
export function avgPoolGradByOps(dy: tf.Tensor4D, input: tf.Tensor4D, attrs: PoolAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = poolInfo(input, attrs);
    const area = info.filterHeight * info.filterWidth;
    const ones = tf.ones([1, info.inHeight, info.inWidth, 1]) as tf.Tensor4D;
    const counts = tf.conv2d(ones, tf.ones([info.filterHeight, info.filterWidth, 1, 1]) as tf.Tensor4D, attrs.strides, attrs.pad, 'NHWC', 1, attrs.dimRoundingMode);
    const scaled = tf.mul(dy, tf.div(area, counts));
    return tf.engine().runKernel('AvgPoolGrad', { dy: scaled, input }, { ...attrs }) as unknown as tf.Tensor4D;
  });
}
