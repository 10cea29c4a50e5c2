import type * as tf from '@tensorflow/tfjs';
import { dispose, type KernelArgs, type WasmKernel } from './wasmHeap';

interface Kernels {
  transpose: WasmKernel;
}

const isSingleMatrix = (shape: number[]) => shape.slice(0, -2).every((d) => d === 1);

/** Swaps the last two axes (a plain 2-D transpose when the leading axes are all 1). */
function transposed(kernels: Kernels, backend: KernelArgs['backend'], x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return kernels.transpose({ inputs: { x }, backend, attrs: { perm } });
}

/**
 * Wraps the wasm BatchMatMul / _FusedMatMul kernel: tfjs-backend-wasm 4.22 sends every product with a transposed
 * operand (and every batched one) to a scalar triple loop, ~10× slower than its XNNPACK path, and matmul
 * gradients are exactly such products (dA = dY·Bᵀ, dB = Aᵀ·dY). For single matrices this transposes the operand
 * explicitly (one cheap pass) and runs the untransposed product on XNNPACK; batched products keep the original
 * path.
 */
export function withExplicitTransposes(original: WasmKernel, kernels: Kernels): WasmKernel {
  return function matMul(args: KernelArgs): tf.TensorInfo {
    const { inputs, backend, attrs = {} } = args;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA?: boolean; transposeB?: boolean };
    if ((!transposeA && !transposeB) || !isSingleMatrix(a.shape) || !isSingleMatrix(b.shape)) return original(args);
    const a2 = transposeA ? transposed(kernels, backend, a) : a;
    const b2 = transposeB ? transposed(kernels, backend, b) : b;
    try {
      return original({ inputs: { ...inputs, a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      if (a2 !== a) dispose(backend, a2);
      if (b2 !== b) dispose(backend, b2);
    }
  };
}
