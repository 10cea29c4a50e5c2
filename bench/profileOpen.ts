/**
 * Where opening a big graph spends its time: builds the production app once (BENCH_APP_DIR, reused when it
 * exists), opens a generated U-shape through the Open button under the Chrome DevTools CPU profiler and prints the
 * functions with the most self time, plus the time until the canvas shows the graph. Not a benchmark (the
 * profiler slows the page); run it to decide what to fix:
 *   node --import tsx bench/profileOpen.ts [nodes=10000] [edit]      (PROFILE_INCLUSIVE=1: also time under each function)
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type CDPSession } from 'playwright-core';
import { build, preview } from 'vite';
import { serializeGraph } from '../src/core/format';
import { CHROMIUM_FLAGS, chromiumPath } from '../test/e2e/browser';
import type { UnetStudioDebugHook } from '../src/ui/debugHook';
import { generatedUNet } from './graphs';

type DebugWindow = Window & { __unetStudio?: UnetStudioDebugHook };
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const nodes = Number(process.argv[2] ?? 10000);
const doEdit = process.argv.includes('edit');
const appDir = process.env.BENCH_APP_DIR ?? '/tmp/unet-profile-app';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function top(profile: Profile, n = 35): string {
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((p) => [p.id, p]));
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(0).padStart(8)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
}

/** Time under each function (itself and what it calls; recursion counted once), for where a phase goes as a whole. */
function inclusive(profile: Profile, n = 40): string {
  const byId = new Map(profile.nodes.map((p) => [p.id, p]));
  const parent = new Map<number, number>();
  for (const p of profile.nodes) for (const c of p.children ?? []) parent.set(c, p.id);
  const key = (f: ProfileNode['callFrame']) => `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  const total = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  });
  return [...total.entries()]
    .filter(([k]) => !/^\((root|idle|program|garbage collector)\)/.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(0).padStart(8)} ms  ${k}`)
    .join('\n');
}

async function profiled<T>(cdp: CDPSession, what: string, run: () => Promise<T>): Promise<T> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  const t0 = Date.now();
  const out = await run();
  const ms = Date.now() - t0;
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
  console.log(`\n== ${what}: ${ms} ms ==\n${top(profile)}`);
  if (process.env.PROFILE_INCLUSIVE) console.log(`\n-- ${what}, inclusive --\n${inclusive(profile, Number(process.env.PROFILE_INCLUSIVE) || 40)}`);
  return out;
}

async function main() {
  if (!existsSync(join(appDir, 'index.html'))) {
    process.env.NODE_ENV = 'production';
    // Keep names readable in the profile.
    await build({ root: ROOT, mode: 'production', logLevel: 'warn', build: { outDir: appDir, emptyOutDir: true, minify: false } });
  }
  const server = await preview({ root: ROOT, logLevel: 'warn', build: { outDir: appDir }, preview: { host: '127.0.0.1', port: 4191, strictPort: false } });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    const page = await context.newPage();
    page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
    await page.goto(server.resolvedUrls!.local[0]!);
    await page.waitForFunction(() => !!(window as DebugWindow).__unetStudio?.getDoc() && document.querySelector('.react-flow__node'));
    const cdp = await page.context().newCDPSession(page);
    const file = generatedUNet(nodes);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-button').click()]);
    await profiled(cdp, `open ${file.nodes.length} nodes`, async () => {
      await chooser.setFiles({ name: 'g.json', mimeType: 'application/json', buffer: Buffer.from(serializeGraph(file)) });
      await page.waitForFunction(
        (name) => (window as DebugWindow).__unetStudio?.getDoc().name === name && !!document.querySelector('.react-flow__node') && !document.querySelector('[data-testid="open-progress"]'),
        file.name,
        { timeout: 600_000, polling: 200 },
      );
      // One more frame so the paint is in.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    });
    const transform = await page.evaluate(() => document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform);
    console.log(`view: ${transform}; nodes drawn: ${await page.locator('.react-flow__node').count()}`);
    if (process.env.PROFILE_SCREENSHOT) await page.screenshot({ path: process.env.PROFILE_SCREENSHOT });
    if (doEdit) {
      await page.getByTestId('tab-layers').click();
      await page.getByTestId('summary-row-enc0_conv1').click();
      await page.waitForSelector('[data-testid="param-filters"]');
      await profiled(cdp, 'edit filters', async () => {
        await page.getByTestId('param-filters').fill('16');
        await page.getByTestId('param-filters').press('Enter');
        await page.waitForFunction(() => document.querySelector('[data-testid="edge-label-e_enc0_conv1_enc0_conv2"]')?.textContent?.startsWith('16'), undefined, { timeout: 120_000, polling: 'raf' });
      });
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
