import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { chunkSizeWarningLimit: 4096 },
  // The runtime worker (src/runtime/worker.ts) loads backends lazily: an ES module worker can split chunks.
  worker: { format: 'es' },
});
