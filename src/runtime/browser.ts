/** Browser-only runtime pieces: backend start-up with the wasm binaries as Vite asset URLs, and the runtime worker. */
import * as Comlink from 'comlink';
import type { EditorRuntime } from './host';

export { BROWSER_BACKENDS, useBrowserBackend, webglRenderer } from './browserBackends';

export type RemoteRuntime = Comlink.Remote<EditorRuntime>;

/** Starts the runtime worker (module worker, bundled by Vite) and returns its API. */
export function connectRuntime(): { runtime: RemoteRuntime; worker: Worker } {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'unet-studio-runtime' });
  return { runtime: Comlink.wrap<EditorRuntime>(worker), worker };
}

export { proxy } from 'comlink';
