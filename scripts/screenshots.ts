/**
 * Regenerates the README's pictures from the real app: builds the production bundle, serves it with `vite
 * preview`, opens it in Chromium (playwright-core, /usr/bin/chromium or CHROMIUM_PATH) in a fresh profile — what a
 * new user sees at first load — and saves the screenshots under docs/.
 *
 *   npx tsx scripts/screenshots.ts            # docs/editor.png (1600×1000, first load), docs/editor-blocks.png (collapsed)
 *   npx tsx scripts/screenshots.ts --all      # also the smaller screens and the exports, for review
 *   SCREENSHOT_URL=http://localhost:5173/ npx tsx scripts/screenshots.ts   # an already running app
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

const chromiumPath = () => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

interface Shot {
  file: string;
  width: number;
  height: number;
  /** What to do after the first view settled (nothing: the first view itself). */
  then?: (page: Page) => Promise<void>;
  /** Only this element (a CSS selector), not the whole page. */
  clip?: string;
}

const FIRST_LOAD: Shot = { file: 'docs/editor.png', width: 1600, height: 1000 };
/** The same graph with every block collapsed (Blocks › Collapse all, then fit), cropped to the canvas. */
const COLLAPSED: Shot = {
  file: 'docs/editor-blocks.png',
  width: 1200,
  height: 800,
  then: async (page) => {
    await page.getByTestId('menu-blocks').click();
    await page.getByTestId('block-collapse-all').click();
    await page.waitForSelector('.block-node');
    await page.getByTestId('fit-view').click();
    await page.waitForTimeout(800);
  },
  clip: '[data-testid="canvas"]',
};
const REVIEW: Shot[] = [
  { file: 'test-results/screenshots/first-load-1280x800.png', width: 1280, height: 800 },
  { file: 'test-results/screenshots/first-load-1024x640.png', width: 1024, height: 640 },
  { file: 'test-results/screenshots/first-load-800x600.png', width: 800, height: 600 },
];

async function serve(): Promise<{ url: string; close(): Promise<void> }> {
  if (process.env.SCREENSHOT_URL) return { url: process.env.SCREENSHOT_URL, close: async () => undefined };
  const outDir = mkdtempSync(path.join(tmpdir(), 'unet-studio-shots-'));
  await build({ logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } });
  const server: PreviewServer = await preview({ logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4180, strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return {
    url,
    close: async () => {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Waits until every edge has its label drawn and the first fit has happened (React Flow marks the viewport). */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const hook = (window as { __unetStudio?: { getDoc(): { edges: unknown[] } } }).__unetStudio;
    return !!hook && document.querySelectorAll('[data-testid^="edge-label-"]').length === hook.getDoc().edges.length;
  });
  // Fonts, the fit and the label level of detail.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(600);
}

async function main() {
  const shots = process.argv.includes('--all') ? [FIRST_LOAD, COLLAPSED, ...REVIEW] : [FIRST_LOAD, COLLAPSED];
  const server = await serve();
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--headless=new'] });
  try {
    for (const shot of shots) {
      const context = await browser.newContext({ viewport: { width: shot.width, height: shot.height }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => ['error', 'warning'].includes(m.type()) && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(server.url);
      await settle(page);
      await shot.then?.(page);
      if (shot.clip) await page.locator(shot.clip).screenshot({ path: shot.file });
      else await page.screenshot({ path: shot.file });
      console.log(`${shot.file} (${shot.width}×${shot.height})${problems.length ? ` — page problems: ${problems.join(' | ')}` : ''}`);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
