/**
 * The Train tab in headless Chromium (wasm in the runtime worker): a small same-padding U-Net trains on the
 * bundled synthetic membranes while the page stays responsive (no main-thread long task over 100 ms, read
 * with a PerformanceObserver), Pause holds the step count, a reload mid-training restores the last
 * checkpoint and the run panel uses it ("trained …"), Stop answers at once and frees the trainer's tensors.
 * The learning thresholds themselves are tested in Node on the same code (test/unit/train-learning.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildUNet } from '../../src/core/builder';
import { serializeGraph } from '../../src/core/format/serialize';
import { encodePng } from '../../src/runtime/imageFiles';
import { membranes } from '../../src/runtime/synthetic';
import { openApp, sharedBrowser, snapshot } from './browser';

interface TrainStatus {
  status: string;
  step?: number;
  loss?: number;
  dice?: number;
  stopAckMs?: number;
  checkpoint?: { steps: number; valDice?: number };
  restored?: { steps: number };
}
// trainStatus appears once the Train tab's module has loaded (it loads lazily, also after a reload): waits poll
// for it with `?.` instead of failing on the first frame before it exists.
interface Hook {
  getDoc(): { name: string };
  trainStatus(): TrainStatus;
  memory(): Promise<{ numTensors: number; modelTensors: number }>;
  runStatus(): { status: string };
}
type HookWindow = Window & { __unetStudio: Hook; __longTasks: number[] };

const browser = sharedBrowser();
const dir = mkdtempSync(path.join(tmpdir(), 'unet-train-e2e-'));
const graphFile = path.join(dir, 'small.json');
writeFileSync(graphFile, serializeGraph(buildUNet({ name: 'Small same U-Net', depth: 2, base: 8, padding: 'same', inputSize: { h: 48, w: 48 } })));
/** A user's own data: three image + mask pairs named cellN.png / cellN-mask.png, and one image without a mask. */
const userFiles = [0, 1, 2].flatMap((i) => {
  const { image, mask } = membranes(64, 700 + i);
  const [img, msk] = [path.join(dir, `cell${i}.png`), path.join(dir, `cell${i}-mask.png`)];
  writeFileSync(img, encodePng(image));
  writeFileSync(msk, encodePng(mask));
  return [img, msk];
});
const orphan = path.join(dir, 'lonely.png');
writeFileSync(orphan, encodePng(membranes(64, 9).image));

const status = (page: Page) => page.evaluate(() => (window as unknown as HookWindow).__unetStudio.trainStatus());
const longTasks = (page: Page) => page.evaluate(() => (window as unknown as HookWindow).__longTasks);

/** Starts recording main-thread long tasks (≥ 50 ms of wall time by definition) with a PerformanceObserver. */
async function watchLongTasks(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as HookWindow;
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
}

/**
 * The page's main-thread tasks from a Chromium trace: wall time and the thread's own CPU time. On a loaded
 * machine a 20 ms task can take 200 ms of wall time while other processes run, so the bound is on CPU time,
 * which is what the page itself spends; the long tasks the observer saw are reported beside it.
 */
async function mainThreadTasks(page: Page, during: () => Promise<void>): Promise<{ longestCpuMs: number; longestWallMs: number; observed: number[] }> {
  const b = browser();
  await watchLongTasks(page);
  await b.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await during();
  const trace = JSON.parse((await b.stopTracing()).toString('utf8')) as { traceEvents: { name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }[] };
  const mains = new Set(trace.traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = trace.traceEvents.filter((e) => e.name === 'RunTask' && e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`));
  return {
    longestCpuMs: Math.max(0, ...tasks.map((t) => (t.tdur ?? 0) / 1000)),
    longestWallMs: Math.max(0, ...tasks.map((t) => (t.dur ?? 0) / 1000)),
    observed: await longTasks(page),
  };
}

async function openTrain(): Promise<{ page: Page; errors: string[] }> {
  const opened = await openApp(browser());
  const { page } = opened;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') opened.errors.push(`${m.type()}: ${m.text()}`);
  });
  await page.waitForSelector('[data-testid^="edge-label-"]');
  await page.setInputFiles('[data-testid="import-file-input"]', graphFile);
  await page.waitForFunction((name) => (window as unknown as HookWindow).__unetStudio.getDoc().name === name, JSON.parse(readFileSync(graphFile, 'utf8')).name);
  await page.click('[data-testid="tab-train"]');
  await page.waitForSelector('[data-testid="train-panel"]');
  return opened;
}

async function setNumber(page: Page, testId: string, value: number) {
  await page.fill(`[data-testid="${testId}"]`, String(value));
  await page.press(`[data-testid="${testId}"]`, 'Enter');
}

const waitForStep = (page: Page, step: number, timeout = 120_000) =>
  page.waitForFunction((n) => ((window as unknown as HookWindow).__unetStudio?.trainStatus?.()?.step ?? 0) >= n, step, { timeout });

describe('Train tab', () => {
  it('trains in the worker without freezing the page, pauses, survives a reload, and the run panel uses the weights', async () => {
    const { page, errors } = await openTrain();
    await page.selectOption('[data-testid="train-backend"]', 'wasm');
    await setNumber(page, 'train-steps', 60);
    await setNumber(page, 'train-val-every', 10);
    await setNumber(page, 'train-checkpoint-every', 1);
    const training = await mainThreadTasks(page, async () => {
      await page.click('[data-testid="train-start"]');
      await waitForStep(page, 10);
      await page.waitForSelector('[data-testid="train-preview"] canvas');
      await page.waitForSelector('[data-testid="train-loss-chart"] canvas');
    });
    console.log(
      `main thread while training: longest task ${training.longestCpuMs.toFixed(0)} ms CPU (${training.longestWallMs.toFixed(0)} ms wall); ` +
        `PerformanceObserver long tasks: ${training.observed.length} (longest ${Math.max(0, ...training.observed)} ms)`,
    );
    expect(training.longestCpuMs).toBeLessThanOrEqual(100);
    expect(await page.textContent('[data-testid="train-start-info"]')).toContain('patches 48×48 → 48×48');

    // Pause holds the step count; Resume goes on.
    await page.click('[data-testid="train-pause"]');
    await page.waitForFunction(() => (window as unknown as HookWindow).__unetStudio?.trainStatus?.()?.status === 'paused');
    // The step in flight still lands; after that the count holds.
    await page.waitForTimeout(2500);
    const held = (await status(page)).step!;
    await page.waitForTimeout(2000);
    expect((await status(page)).step).toBe(held);
    await page.click('[data-testid="train-resume"]');
    await waitForStep(page, 30);
    // Switching tabs does not stop training.
    await page.click('[data-testid="tab-inspector"]');
    await waitForStep(page, 35);
    await page.click('[data-testid="tab-train"]');
    await page.waitForFunction(() => ((window as unknown as HookWindow).__unetStudio?.trainStatus?.()?.checkpoint?.steps ?? 0) >= 20);
    await snapshot(page, 'train-running');

    // Reload mid-training: the last checkpoint comes back with the graph.
    const saved = (await status(page)).checkpoint!;
    await page.reload();
    await page.waitForSelector('[data-testid^="edge-label-"]');
    await page.click('[data-testid="tab-train"]');
    await page.waitForFunction(() => (window as unknown as HookWindow).__unetStudio?.trainStatus?.()?.restored !== undefined, null, { timeout: 30_000 });
    const restored = (await status(page)).restored!;
    expect(restored.steps).toBeGreaterThanOrEqual(saved.steps);
    expect(await page.textContent('[data-testid="train-checkpoint"]')).toContain('Restored after reload');
    expect(await page.textContent('[data-testid="train-start"]')).toBe('Continue training');

    // Export from the editor: tfjs files (with the training record) and a PyTorch-layout state dict.
    const downloads: { name: string; path: string }[] = [];
    page.on('download', async (d) => downloads.push({ name: d.suggestedFilename(), path: await d.path() }));
    await page.click('[data-testid="train-export-tfjs"]');
    await page.click('[data-testid="train-export-state-dict"]');
    await expect.poll(() => downloads.map((d) => d.name).sort(), { timeout: 20_000 }).toEqual(['model.json', 'weights.bin', 'weights.json']);
    await expect.poll(() => downloads.every((d) => d.path)).toBe(true);
    const modelJson = JSON.parse(readFileSync(downloads.find((d) => d.name === 'model.json')!.path, 'utf8'));
    expect(modelJson.userDefinedMetadata.unetStudio.trained.steps).toBe(restored.steps);
    const stateDict = JSON.parse(readFileSync(downloads.find((d) => d.name === 'weights.json')!.path, 'utf8'));
    expect(Object.keys(stateDict)).toContain('enc0_conv1');

    // The run panel runs the trained weights and says so.
    await page.click('[data-testid="tab-run"]');
    await page.click('[data-testid="run-sample-membranes-96"]');
    await page.selectOption('[data-testid="run-backend"]', 'wasm');
    expect(await page.textContent('[data-testid="run-weights-label"]')).toMatch(/^trained \d+ (s|min)(, val Dice 0\.\d\d)?$/);
    const running = await mainThreadTasks(page, async () => {
      await page.click('[data-testid="run-button"]');
      await page.waitForFunction(() => (window as unknown as HookWindow).__unetStudio.runStatus().status === 'done', null, { timeout: 60_000 });
    });
    console.log(
      `main thread during a run: longest task ${running.longestCpuMs.toFixed(0)} ms CPU (${running.longestWallMs.toFixed(0)} ms wall); ` +
        `PerformanceObserver long tasks: ${running.observed.length} (longest ${Math.max(0, ...running.observed)} ms)`,
    );
    expect(running.longestCpuMs).toBeLessThanOrEqual(100);
    expect(await page.isVisible('.rp-chance-note')).toBe(false);
    expect(errors).toEqual([]);
  });

  it("trains on the user's own pairs; Stop answers at once, the worker ends after its step, and its tensors are freed", async () => {
    const { page, errors } = await openTrain();
    const baseline = await page.evaluate(() => (window as unknown as HookWindow).__unetStudio.memory());
    await page.click('[data-testid="train-data-files"]');
    await page.setInputFiles('[data-testid="train-files-input"]', [...userFiles, orphan]);
    await page.waitForSelector('[data-testid="train-pairs"]');
    expect(await page.textContent('[data-testid="train-pairs"]')).toBe('3 pairs: cell0, cell1, cell2');
    expect(await page.textContent('[data-testid="train-data"]')).toContain('Without a partner (ignored): lonely.png');
    await page.selectOption('[data-testid="train-backend"]', 'wasm');
    await setNumber(page, 'train-steps', 500);
    await page.click('[data-testid="train-start"]');
    await waitForStep(page, 3);
    expect(await page.textContent('[data-testid="train-start-info"]')).toContain('3 images (2 training, 1 validation image)');
    // Time from the click to the panel saying so, measured in the page.
    const shownMs = await page.evaluate(async () => {
      const button = document.querySelector('[data-testid="train-stop"]') as HTMLButtonElement;
      const t0 = performance.now();
      button.click();
      // Resolved by the DOM change itself (a MutationObserver), not by polling frames.
      await new Promise<void>((resolve) => {
        const done = () => document.querySelector('[data-testid="train-status"]')?.textContent === 'stopping…';
        if (done()) return resolve();
        const watch = new MutationObserver(() => done() && (watch.disconnect(), resolve()));
        watch.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      return performance.now() - t0;
    });
    await page.waitForFunction(() => (window as unknown as HookWindow).__unetStudio?.trainStatus?.()?.status === 'stopped', null, { timeout: 30_000 });
    const { stopAckMs, step } = await status(page);
    console.log(`Stop: shown after ${shownMs.toFixed(0)} ms, worker ended after ${stopAckMs!.toFixed(0)} ms (step ${step})`);
    expect(shownMs).toBeLessThanOrEqual(250);
    expect(step).toBeLessThan(500);
    const after = await page.evaluate(() => (window as unknown as HookWindow).__unetStudio.memory());
    expect(after.numTensors).toBe(baseline.numTensors);
    expect(errors).toEqual([]);
  });

  it('refuses a training step that would not fit, before the worker allocates, and says what fits', async () => {
    const { page, errors } = await openTrain();
    const baseline = await page.evaluate(() => (window as unknown as HookWindow).__unetStudio.memory());
    await page.selectOption('[data-testid="train-backend"]', 'wasm');
    // 48×48 patches of 8..32-channel maps: ~1 MB kept per patch, so 100,000 of them are ~100 GB.
    await setNumber(page, 'train-batch', 100_000);
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="train-error"]');
    const text = (await page.textContent('[data-testid="train-error"]'))!;
    expect(text).toContain('Not enough memory');
    expect(text).toMatch(/refused: needs about [\d.]+ GiB to train at patch 1×48×48, batch 100000 \(weights .*, gradients .*, Adam state .*, activations .*\), over the [\d.]+ GiB limit \((?:the wasm backend’s 4 GiB heap|half of this device’s [\d.]+ GiB|the runtime’s default)\)/);
    expect(text).toMatch(/batch \d+ fits at this patch/);
    expect((await status(page)).status).toBe('error');
    const after = await page.evaluate(() => (window as unknown as HookWindow).__unetStudio.memory());
    expect(after.numTensors).toBe(baseline.numTensors);
    await snapshot(page, 'train-memory-refused');
    expect(errors).toEqual([]);
  });
});
