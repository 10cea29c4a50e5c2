/** Browser-only runtime pieces: backend start-up with the wasm binaries as Vite asset URLs. */
export { BROWSER_BACKENDS, useBrowserBackend, webglRenderer } from './browserBackends';
