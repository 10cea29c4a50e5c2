import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerWasmTrainingKernels } from './kernels';
import { activateFirst, candidatesFor, type BackendChoice, type BackendName, type BackendSelection } from './backends';

/** Node has no GPU backend here (tfjs-node is not used): wasm first, the pure-JS cpu backend last. */
export const NODE_BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

let wasmConfigured = false;

async function prepareWasm(): Promise<string | undefined> {
  if (wasmConfigured) return undefined;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  // The binaries are read from the package itself; threads stay off (no worker setup in Node).
  wasm.setWasmPaths(path.join(path.dirname(pkg), 'dist') + path.sep);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  registerWasmTrainingKernels();
  wasmConfigured = true;
  return undefined;
}

async function prepareCpu(): Promise<string | undefined> {
  // The cpu backend prints a tfjs-node advertisement on first use in Node; it is the intended fallback here.
  tf.env().set('PROD', true);
  return undefined;
}

const unavailable = async () => 'not available in Node';

/** Picks the Node backend: `auto` tries wasm, then cpu. */
export async function useNodeBackend(choice: BackendChoice = 'auto'): Promise<BackendSelection> {
  return activateFirst(
    candidatesFor(choice, NODE_BACKENDS, { wasm: prepareWasm, cpu: prepareCpu, webgl: unavailable, webgpu: unavailable }),
  );
}
