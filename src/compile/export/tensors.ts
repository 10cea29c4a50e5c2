import type { ExportTensor } from './types';
import type { LayerWeight } from './lowered';

/** `w` with its axes reordered: output axis j is input axis perm[j]. */
export function permute(w: LayerWeight, perm: number[]): ExportTensor {
  const shape = perm.map((a) => w.shape[a]!);
  const inStrides = w.shape.map((_, i) => w.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(w.data.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let j = 0; j < shape.length; j++) src += idx[j]! * inStrides[perm[j]!]!;
    out[o] = w.data[src]!;
    for (let j = shape.length - 1; j >= 0; j--) {
      if (++idx[j]! < shape[j]!) break;
      idx[j] = 0;
    }
  }
  return { dtype: 'F32', shape, data: out };
}

export const vector = (w: LayerWeight): ExportTensor => ({ dtype: 'F32', shape: [...w.shape], data: w.data });

export const filled = (n: number, value: number): ExportTensor => ({ dtype: 'F32', shape: [n], data: new Float32Array(n).fill(value) });

/** tfjs conv kernels [kH, kW, in, out] (and transposed-conv kernels [kH, kW, out, in]) → PyTorch / ONNX [·, ·, kH, kW]. */
export const KERNEL_TO_TORCH = [3, 2, 0, 1];
