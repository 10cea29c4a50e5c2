import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerWasmTrainingKernels } from './kernels';
import { activateFirst, candidatesFor, isSoftwareRenderer, type BackendChoice, type BackendName, type BackendSelection } from './backends';
import type { MemoryLimit } from './memoryGuard';

/** Fastest first; `auto` skips a GPU backend that would run on a software device. */
export const BROWSER_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean };
}
type NavigatorWithGpu = Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } };

/** `auto` also skips software devices; a backend asked for by name only has to exist. */
async function prepareWebgpu(auto: boolean): Promise<string | undefined> {
  const gpu = (globalThis.navigator as NavigatorWithGpu | undefined)?.gpu;
  if (!gpu) return 'this browser has no WebGPU';
  const adapter = await gpu.requestAdapter();
  if (!adapter) return 'no WebGPU adapter';
  if (auto && (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter)) return 'the WebGPU adapter is a software fallback';
  await import('@tensorflow/tfjs-backend-webgpu');
  return undefined;
}

/** The unmasked WebGL renderer string, or undefined when there is no WebGL at all. */
export function webglRenderer(): string | undefined {
  // A worker has no document: OffscreenCanvas gives the same contexts there.
  const canvas = typeof document !== 'undefined' ? document.createElement('canvas') : new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

async function prepareWebgl(auto: boolean): Promise<string | undefined> {
  const renderer = webglRenderer();
  if (renderer === undefined) return 'this browser has no WebGL';
  if (auto && isSoftwareRenderer(renderer)) return `WebGL runs in software (${renderer})`;
  return undefined;
}

let wasmConfigured = false;

async function prepareWasm(): Promise<string | undefined> {
  if (wasmConfigured) return undefined;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Vite serves the binaries under hashed names; tell tfjs where each one is.
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  registerWasmTrainingKernels();
  wasmConfigured = true;
  return undefined;
}

/** Picks the browser backend: `auto` = WebGPU on a real adapter, else hardware WebGL, else wasm, else cpu. */
export async function useBrowserBackend(choice: BackendChoice = 'auto'): Promise<BackendSelection> {
  return activateFirst(
    candidatesFor(choice, BROWSER_BACKENDS, {
      webgpu: () => prepareWebgpu(choice === 'auto'),
      webgl: () => prepareWebgl(choice === 'auto'),
      wasm: prepareWasm,
      cpu: async () => undefined,
    }),
  );
}

/**
 * What one request to the runtime worker may need when the page sets no limit: half the device's memory as the
 * browser reports it (Chromium's navigator.deviceMemory, in GiB, rounded and capped at 8), else 4 GiB.
 */
export function browserMemoryLimit(): MemoryLimit {
  const gib: unknown = typeof navigator === 'undefined' ? undefined : Reflect.get(navigator, 'deviceMemory');
  if (typeof gib === 'number' && gib > 0) return { bytes: (gib / 2) * 2 ** 30, source: `half of this device’s ${gib} GiB` };
  return { bytes: 4 * 2 ** 30, source: 'the runtime’s default' };
}
