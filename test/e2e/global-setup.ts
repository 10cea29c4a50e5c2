import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { build, preview, type PreviewServer } from 'vite';

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
  }
}

// Browser tests run against the production build, served by `vite preview` on loopback. Each run builds into its
// own folder, so runs side by side (or a `vite build` of the working tree) never serve each other half-written files.
// E2E_DIST=<folder> with E2E_SKIP_BUILD=1 serves an existing build instead.
let server: PreviewServer | undefined;
let ownDir: string | undefined;

export async function setup(project: TestProject) {
  let outDir = process.env.E2E_DIST;
  if (!process.env.E2E_SKIP_BUILD || !outDir) {
    outDir = ownDir = mkdtempSync(path.join(tmpdir(), 'unet-studio-e2e-'));
    // Vitest sets NODE_ENV=test, which would make Vite bundle development React; test what users get.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  }
  server = await preview({ logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4173, strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  project.provide('appUrl', url);
}

export async function teardown() {
  await server?.close();
  if (ownDir) rmSync(ownDir, { recursive: true, force: true });
}
