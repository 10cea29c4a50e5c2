import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, so tfjs' wasm backend runs its threaded
 * build. Opt-in (UNET_STUDIO_THREADS=1) until it is measured to help: on the project's shared 2-core machine the
 * threaded build made in-page runs several times slower (see README, "Hosting").
 */
const crossOriginIsolation = process.env.UNET_STUDIO_THREADS === '1'
  ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
  : {};

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', headers: crossOriginIsolation },
  preview: { host: '127.0.0.1', headers: crossOriginIsolation },
  build: { chunkSizeWarningLimit: 4096 },
  // The runtime worker (src/runtime/worker.ts) loads backends lazily: an ES module worker can split chunks.
  worker: { format: 'es' },
});
