import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Small helpers for kernels that work on the tfjs wasm heap directly. Kernels here either call the backend's own
 * (XNNPACK) kernels, or move floats on the heap from JavaScript where no wasm kernel does the job.
 * Every allocation can grow (and so detach) the heap: take views only after the last makeOutput before using them.
 */

export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap };
export type WasmKernel = (args: KernelArgs) => tf.TensorInfo;

/** The wasm backend's own kernel function for `name` (resolved when called, so a later override is not picked up twice). */
export function wasmKernel(name: string): WasmKernel {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`tfjs wasm kernel "${name}" is not registered (is @tensorflow/tfjs-backend-wasm loaded?)`);
  return config.kernelFunc as unknown as WasmKernel;
}

/** The whole heap as floats, found through any live tensor (a fresh view: the heap may have grown since the last one). */
export const heapF32 = (backend: BackendWasm, anyTensor: tf.TensorInfo): Float32Array =>
  new Float32Array(backend.typedArrayFromHeap(anyTensor).buffer);

/** Where a tensor's data starts on the heap, in floats. */
export const offsetF32 = (backend: BackendWasm, info: tf.TensorInfo): number => backend.getMemoryOffset(info.dataId) / 4;

/** A tensor info that reads the same data under another shape (no copy, no new reference: never dispose it). */
export const reshaped = (info: tf.TensorInfo, shape: number[]): tf.TensorInfo => ({ dataId: info.dataId, shape, dtype: info.dtype });

export const dispose = (backend: BackendWasm, ...infos: tf.TensorInfo[]): void => {
  for (const info of infos) backend.disposeData(info.dataId);
};

/** A new float tensor on the heap filled from `values` (small tensors: filters, partial sums). */
export function fromValues(backend: BackendWasm, shape: number[], values: Float32Array): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  heapF32(backend, out).set(values, offsetF32(backend, out));
  return out;
}

/** A copy of a tensor's values (small tensors only). */
export const valuesOf = (backend: BackendWasm, info: tf.TensorInfo): Float32Array =>
  (backend.typedArrayFromHeap(info) as Float32Array).slice();
