import * as tf from '@tensorflow/tfjs';
import { makeConv2dBackpropFilter } from './conv2dBackpropFilter';
import { makeConv2dBackpropInput } from './conv2dBackpropInput';
import { registerTrainingGradients } from './gradients';
import { withExplicitTransposes } from './matMul';
import { avgPoolGrad, maxPoolGrad } from './pooling';
import { resizeBilinearGrad } from './resize';
import { wasmKernel, type WasmKernel } from './wasmHeap';

export { registerTrainingGradients } from './gradients';

/** Replaces (or adds) a wasm kernel, keeping the original's setup so its wasm bindings are made either way. */
function replaceWasmKernel(kernelName: string, kernelFunc: WasmKernel): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (original) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc, setupFunc: original?.setupFunc });
}

let registered = false;

/**
 * Makes the wasm backend train: the kernels tfjs-backend-wasm 4.22 lacks or runs slowly for backpropagation,
 * registered once, after `@tensorflow/tfjs-backend-wasm` is imported (its own kernels are wrapped) and before or
 * after the backend starts. Also registers the gradient fixes every backend needs (registerTrainingGradients).
 *  - Conv2DBackpropFilter: missing; patches × dy as one XNNPACK matrix product.
 *  - Conv2DBackpropInput: a forward XNNPACK convolution with the flipped filter (also conv2dTranspose's forward).
 *  - BatchMatMul / _FusedMatMul: transposed operands made explicit, so products stay on XNNPACK.
 *  - ResizeBilinearGrad: honours halfPixelCenters.
 *  - MaxPoolGrad: clears its output (tfjs' returns heap leftovers); AvgPoolGrad: divides like the forward at borders.
 * Both convolution kernels also take a `dilations` attribute (our Conv2D gradient passes it).
 */
export function registerWasmTrainingKernels(): void {
  registerTrainingGradients();
  if (registered) return;
  const transpose = wasmKernel('Transpose');
  const conv2d = wasmKernel('Conv2D');
  const batchMatMul = wasmKernel('BatchMatMul');
  const fusedMatMul = wasmKernel('_FusedMatMul');
  replaceWasmKernel('Conv2DBackpropFilter', makeConv2dBackpropFilter({ transpose, matMul: batchMatMul }));
  replaceWasmKernel('Conv2DBackpropInput', makeConv2dBackpropInput({ conv2d }));
  replaceWasmKernel('BatchMatMul', withExplicitTransposes(batchMatMul, { transpose }));
  replaceWasmKernel('_FusedMatMul', withExplicitTransposes(fusedMatMul, { transpose }));
  replaceWasmKernel('ResizeBilinearGrad', resizeBilinearGrad);
  replaceWasmKernel('MaxPoolGrad', maxPoolGrad);
  replaceWasmKernel('AvgPoolGrad', avgPoolGrad);
  registered = true;
}
