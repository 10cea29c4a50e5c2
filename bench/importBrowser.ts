/**
 * The import bench's browser half: the production build (vite build + preview, as the editor bench and the browser
 * tests use) in headless Chromium, timing an .onnx picked in the editor's Open chooser until the canvas shows the
 * imported graph with every edge label equal to the shape the core infers for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { inferShapes } from '../src/core/infer';
import { formatShape, type GraphDoc } from '../src/core/types';
import type { UnetStudioDebugHook } from '../src/ui/debugHook';
import { CHROMIUM_FLAGS, chromiumPath } from '../test/e2e/browser';

type DebugWindow = Window & { __unetStudio?: UnetStudioDebugHook };
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Edge label test id → the text the canvas must show, from the core's own inference of the imported document. */
function expectedLabels(doc: GraphDoc): [string, string][] {
  const { edges } = inferShapes(doc);
  return doc.edges.map((e) => [`edge-label-${e.id}`, formatShape(edges.get(e.id))]);
}

/**
 * Opens `file` through the editor's Open button `runs` times, each in a fresh browser context (no cache, no
 * autosave), and returns the milliseconds from the file being chosen to every edge label showing its shape.
 */
export async function timeBrowserOpen(file: string, expected: GraphDoc, runs: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'unet-import-bench-'));
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  const previousEnv = process.env.NODE_ENV;
  try {
    // A production build: React's development checks would otherwise be measured too.
    process.env.NODE_ENV = 'production';
    await build({ root: ROOT, mode: 'production', logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
    server = await preview({ root: ROOT, logLevel: 'warn', build: { outDir: dir }, preview: { host: '127.0.0.1', port: 4191, strictPort: false } });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview did not report a URL');
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
    const labels = expectedLabels(expected);
    const name = expected.name;
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      // tsx's keepNames wraps functions in `__name(…)`, which the page does not define.
      await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => {
        const doc = (window as DebugWindow).__unetStudio?.getDoc();
        return !!doc && document.querySelectorAll('[data-testid^="edge-label-"]').length === doc.edges.length;
      }, undefined, { timeout: 120_000 });
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-button').click()]);
      // By path: playwright refuses buffers over 50 MB, and a local browser reads the file itself, as from a disk.
      const t0 = Date.now();
      await chooser.setFiles(file);
      await page.waitForFunction(
        ({ name, labels }) => {
          const doc = (window as DebugWindow).__unetStudio?.getDoc();
          if (doc?.name !== name) return false;
          const shown = document.querySelectorAll<HTMLElement>('[data-testid^="edge-label-"]');
          if (shown.length !== labels.length) return false;
          const want = new Map(labels);
          for (const el of shown) if (want.get(el.dataset.testid!) !== el.textContent) return false;
          return true;
        },
        { name, labels },
        { timeout: 300_000, polling: 'raf' },
      );
      out.push(Date.now() - t0);
      await context.close();
    }
    return out;
  } finally {
    process.env.NODE_ENV = previousEnv;
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
