/**
 * The README's Train pictures, from the real app: builds it, trains a base-16 same-padding U-Net on the bundled
 * synthetic membranes in the Train tab (wasm, in the runtime worker), then runs the trained weights on the
 * 256×256 sample. Writes docs/train-panel.png (charts, preview) and docs/train-result.png (prediction next to
 * the ground truth). Run: node --import tsx scripts/readme-train-shot.ts   (needs /usr/bin/chromium; ~3 min)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { buildUNet } from '../src/core/builder';
import { serializeGraph } from '../src/core/format/serialize';
import { CHROMIUM_FLAGS } from '../test/e2e/browser';

type Hook = { __unetStudio: { trainStatus(): { status: string; step?: number }; runStatus(): { status: string }; getDoc(): { name: string } } };

async function setNumber(page: Page, testId: string, value: number) {
  await page.fill(`[data-testid="${testId}"]`, String(value));
  await page.press(`[data-testid="${testId}"]`, 'Enter');
}

async function main() {
  const root = path.resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(path.join(tmpdir(), 'unet-shot-'));
  const graph = path.join(dir, 'unet16.json');
  writeFileSync(graph, serializeGraph(buildUNet({ name: 'U-Net base 16 (same padding)', depth: 3, base: 16, padding: 'same', inputSize: { h: 64, w: 64 } })));
  process.env.NODE_ENV = 'production';
  await build({ root, logLevel: 'warn', mode: 'production', build: { outDir: path.join(dir, 'dist'), emptyOutDir: true } });
  const server = await preview({ root, logLevel: 'warn', build: { outDir: path.join(dir, 'dist') }, preview: { host: '127.0.0.1', port: 4180 } });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(server.resolvedUrls!.local[0]!);
    await page.waitForSelector('[data-testid^="edge-label-"]');
    await page.setInputFiles('[data-testid="import-file-input"]', graph);
    await page.waitForFunction(() => (window as unknown as Hook).__unetStudio.getDoc().name.startsWith('U-Net base 16'));
    await page.click('[data-testid="tab-train"]');
    await page.selectOption('[data-testid="train-backend"]', 'wasm');
    await setNumber(page, 'train-steps', 150);
    await setNumber(page, 'train-val-every', 25);
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(() => (window as unknown as Hook).__unetStudio.trainStatus().status === 'done', null, { timeout: 900_000 });
    await page.locator('[data-testid="train-controls"]').screenshot({ path: path.join(root, 'docs/train-panel.png') });
    await page.click('[data-testid="tab-run"]');
    await page.click('[data-testid="run-sample-membranes-256"]');
    await page.selectOption('[data-testid="run-backend"]', 'wasm');
    await page.click('[data-testid="run-button"]');
    await page.waitForFunction(() => (window as unknown as Hook).__unetStudio.runStatus().status === 'done', null, { timeout: 300_000 });
    await page.click('[data-testid="run-view-mask"]');
    await page.locator('[data-testid="run-result"]').screenshot({ path: path.join(root, 'docs/train-result.png') });
    console.log('wrote docs/train-panel.png, docs/train-result.png');
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
