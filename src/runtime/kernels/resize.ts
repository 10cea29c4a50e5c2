import * as tf from '@tensorflow/tfjs';
import { heapF32, offsetF32, type KernelArgs } from './wasmHeap';

export interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** For each output position: the two input positions it blends and the weight of the second (tfjs' forward rule). */
export interface Interpolation {
  lower: Int32Array;
  upper: Int32Array;
  frac: Float32Array;
}

/**
 * The sampling rule of tfjs' ResizeBilinear forward kernels (cpu, wasm, webgl agree): source = ratio·(o + ½) − ½ with
 * half-pixel centres, ratio·o otherwise; ratio = (in − 1)/(out − 1) with aligned corners, in/out otherwise. The lower
 * index is clamped at 0 and the upper at in − 1, and the weight is measured from the clamped lower index (so a
 * source left of the first pixel still sums to weight 1 on it).
 */
export function interpolation(inSize: number, outSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): Interpolation {
  const aligned = alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const source = halfPixelCenters ? ratio * (o + 0.5) - 0.5 : ratio * o;
    lower[o] = Math.max(0, Math.floor(source));
    upper[o] = Math.min(inSize - 1, Math.ceil(source));
    frac[o] = source - lower[o]!;
  }
  return { lower, upper, frac };
}

/**
 * ResizeBilinearGrad for wasm that honours halfPixelCenters. tfjs 4.22's gradient kernels (wasm, cpu, webgl) read
 * only alignCorners, so the gradient of PyTorch's default align_corners=False resize (= half-pixel centres) comes
 * out wrong on every backend. This is the exact adjoint of the forward rule above, scattered on the heap.
 */
export function resizeBilinearGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const [n, h, w, c] = images.shape as [number, number, number, number];
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const rows = interpolation(h, oh, attrs as unknown as ResizeAttrs);
  const cols = interpolation(w, ow, attrs as unknown as ResizeAttrs);
  const dx = backend.makeOutput([n, h, w, c], 'float32');
  const heap = heapF32(backend, dx);
  const src = offsetF32(backend, dy);
  const dst = offsetF32(backend, dx);
  heap.fill(0, dst, dst + n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let r = 0; r < oh; r++) {
      const fr = rows.frac[r]!;
      const top = dst + (b * h + rows.lower[r]!) * w * c;
      const bottom = dst + (b * h + rows.upper[r]!) * w * c;
      for (let q = 0; q < ow; q++) {
        const fc = cols.frac[q]!;
        const wTL = (1 - fr) * (1 - fc), wTR = (1 - fr) * fc, wBL = fr * (1 - fc), wBR = fr * fc;
        const left = cols.lower[q]! * c, right = cols.upper[q]! * c;
        const g = src + ((b * oh + r) * ow + q) * c;
        for (let k = 0; k < c; k++) {
          const v = heap[g + k]!;
          heap[top + left + k]! += v * wTL;
          heap[top + right + k]! += v * wTR;
          heap[bottom + left + k]! += v * wBL;
          heap[bottom + right + k]! += v * wBR;
        }
      }
    }
  return dx;
}

/**
 * tfjs' ResizeNearestNeighbor rule as an interpolation with one tap: source = ratio·(o + ½ if half-pixel), rounded
 * with aligned corners and floored otherwise, clamped to the image.
 */
export function nearestInterpolation(inSize: number, outSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): Interpolation {
  const aligned = alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  const lower = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const source = ratio * (halfPixelCenters ? o + 0.5 : o);
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(source) : Math.floor(source));
    lower[o] = halfPixelCenters ? Math.max(0, nearest) : nearest;
  }
  return { lower, upper: lower, frac: new Float32Array(outSize) };
}

type Rule = (inSize: number, outSize: number, attrs: ResizeAttrs) => Interpolation;

/** The resize along one axis as a dense [out, in] matrix (for backends without our kernel). */
function interpolationMatrix(rule: Rule, inSize: number, outSize: number, attrs: ResizeAttrs): tf.Tensor2D {
  const { lower, upper, frac } = rule(inSize, outSize, attrs);
  const m = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    m[o * inSize + lower[o]!]! += 1 - frac[o]!;
    m[o * inSize + upper[o]!]! += frac[o]!;
  }
  return tf.tensor2d(m, [outSize, inSize]);
}

/**
 * The adjoint of a resize from standard ops, for the backends other than wasm: dx = Rhᵀ · dy · Rw per image and
 * channel, as two matrix products over transposed views. tfjs 4.22's gradient kernels there ignore
 * halfPixelCenters, and the cpu ones return H and W swapped (bilinear) or wrong values (nearest) on non-square
 * images. Dense in the resize matrices, so O(in·out) per axis: fine on a GPU and for the cpu backend's small tests.
 */
export function resizeGradByMatMul(mode: 'bilinear' | 'nearest', dy: tf.Tensor4D, images: tf.Tensor4D, attrs: ResizeAttrs): tf.Tensor4D {
  const rule = mode === 'bilinear' ? interpolation : nearestInterpolation;
  return tf.tidy(() => {
    const [n, h, w, c] = images.shape;
    const [, oh, ow] = dy.shape;
    const rowsT = interpolationMatrix(rule, h, oh, attrs).transpose(); // [h, oh]
    const colsT = interpolationMatrix(rule, w, ow, attrs).transpose(); // [w, ow]
    const alongH = tf.matMul(rowsT, tf.transpose(dy, [1, 0, 2, 3]).reshape([oh, n * ow * c])).reshape([h, n, ow, c]);
    const alongW = tf.matMul(colsT, tf.transpose(alongH, [2, 1, 0, 3]).reshape([ow, n * h * c])).reshape([w, n, h, c]);
    return tf.transpose(alongW, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}
