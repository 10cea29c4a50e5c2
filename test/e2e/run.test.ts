/**
 * The Run tab in headless Chromium: reduced-width U-Nets (base 8) imported as graph files, sample images run
 * on wasm and on WebGL (SwiftShader), output canvases read back, tfjs memory checked through the page's
 * read-only `window.__unetStudio` hook, feature maps of a clicked edge, weights loaded from files, the memory
 * guard and a lost WebGL context. Never runs a full-width template.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTfjsFiles } from '../../src/compile/artifacts';
import { encodePng } from '../../src/runtime/imageFiles';
import { compileGraph } from '../../src/compile/compile';
import { buildUNet } from '../../src/core/builder';
import { serializeGraph } from '../../src/core/format/serialize';
import type { GraphDoc } from '../../src/core/types';
import { launchBrowser, openApp, snapshot } from './browser';

interface RunHook {
  getDoc(): GraphDoc;
  memory(): { numTensors: number; numBytes: number; backend: string; modelTensors: number };
  runStatus(): { status: string; cancelAckMs?: number; backend?: string; outputs?: { id: string; h: number; w: number; c: number; view: string }[] };
  loseWebglContext(): boolean;
}
const hook = (page: Page) => ({
  memory: () => page.evaluate(() => (window as unknown as { __unetStudio: RunHook }).__unetStudio.memory()),
  status: () => page.evaluate(() => (window as unknown as { __unetStudio: RunHook }).__unetStudio.runStatus()),
  doc: () => page.evaluate(() => (window as unknown as { __unetStudio: RunHook }).__unetStudio.getDoc()),
});

let browser: Browser;
const dir = mkdtempSync(path.join(tmpdir(), 'unet-run-'));
/** Depth 3, base 8, valid convs: 1×188×188 → 2×100×100 (border 44). */
const tiny = buildUNet({ name: 'Tiny U-Net', depth: 3, base: 8, inputSize: { h: 188, w: 188 } });
const files = {
  tiny: path.join(dir, 'tiny-unet.json'),
  huge: path.join(dir, 'huge-input-unet.json'),
  other: path.join(dir, 'other-unet.json'),
  photo: path.join(dir, 'wide-photo.png'),
  notAnImage: path.join(dir, 'notes.png'),
  modelJson: path.join(dir, 'model.json'),
  weightsBin: path.join(dir, 'weights.bin'),
  otherModelJson: path.join(dir, 'other', 'model.json'),
  otherWeightsBin: path.join(dir, 'other', 'weights.bin'),
};

/** tfjs files for `doc` whose head biases make class 0 win everywhere: a result nobody could mistake. */
async function writeClassZeroWeights(doc: GraphDoc, modelFile: string, weightsFile: string) {
  await tf.setBackend('cpu');
  const { model } = compileGraph(doc);
  const head = model.getLayer('head');
  const [kernel, bias] = head.getWeights();
  head.setWeights([kernel!.mul(0), tf.tensor1d(Array.from({ length: bias!.shape[0]! }, (_, k) => (k === 0 ? 5 : -5)))]);
  const out = await toTfjsFiles(model);
  writeFileSync(modelFile, JSON.stringify(out.modelJson));
  writeFileSync(weightsFile, out.weights);
  model.dispose();
}

beforeAll(async () => {
  writeFileSync(files.tiny, serializeGraph(tiny));
  const other = buildUNet({ name: 'Other U-Net', depth: 2, base: 4, inputSize: { h: 92, w: 92 } });
  writeFileSync(files.other, serializeGraph(other));
  // Narrow but with a 4100×4100 input: ≈ 2 GB of activations per pass, over the default 1.5 GB budget.
  writeFileSync(files.huge, serializeGraph(buildUNet({ name: 'Huge input', depth: 3, base: 8, inputSize: { h: 4100, w: 4100 } })));
  // A user's own picture: wide, RGB, smooth colour ramps.
  const [w, h] = [300, 200];
  const pixels = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels.set([(x * 255) / w, (y * 255) / h, 128 + 100 * Math.sin(x / 9), 255], (y * w + x) * 4);
  writeFileSync(files.photo, encodePng({ width: w, height: h, data: pixels }));
  writeFileSync(files.notAnImage, 'this is text, not a PNG');
  await writeClassZeroWeights(tiny, files.modelJson, files.weightsBin);
  mkdirSync(path.dirname(files.otherModelJson), { recursive: true });
  await writeClassZeroWeights(other, files.otherModelJson, files.otherWeightsBin);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Opens the app, imports a graph file and shows the Run tab with its automatically chosen sample. */
async function openRun(graphFile: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await openApp(browser);
  const { page } = opened;
  await page.waitForSelector('[data-testid^="edge-label-"]');
  await page.setInputFiles('[data-testid="import-file-input"]', graphFile);
  await page.waitForFunction((name) => (window as unknown as { __unetStudio: RunHook }).__unetStudio.getDoc().name === name, JSON.parse(readFileSync(graphFile, 'utf8')).name);
  await page.click('[data-testid="tab-run"]');
  await page.waitForSelector('[data-testid="run-image-status"] .rp-image-name');
  return opened;
}

async function pickSample(page: Page, id: string) {
  await page.click(`[data-testid="run-sample-${id}"]`);
  await page.waitForSelector(`[data-testid="run-sample-${id}"][aria-selected="true"]`);
  await page.waitForSelector('[data-testid="run-button"]:not([disabled])');
}

/** Clicks Run and waits for the run to end; returns the final status. */
async function run(page: Page, timeout = 60_000) {
  await page.click('[data-testid="run-button"]');
  await page.waitForFunction(() => {
    const s = (window as unknown as { __unetStudio: RunHook }).__unetStudio.runStatus().status;
    return s !== 'running' && s !== 'idle';
  }, null, { timeout });
  // React commits the result after the status flips; wait for the controls to come back.
  await page.waitForSelector('[data-testid="run-button"]');
  return hook(page).status();
}

/** What a canvas shows (a test id, or a CSS selector): its size, how many distinct colours, how much is opaque. */
function readCanvas(page: Page, target: string) {
  const selector = /^[\w-]+$/.test(target) ? `[data-testid="${target}"]` : target;
  return page.evaluate((sel) => {
    const canvas = document.querySelector(sel) as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    let opaque = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      if (data[i + 3] === 255) opaque++;
    }
    return { width: canvas.width, height: canvas.height, colours: colours.size, opaque: opaque / (data.length / 4) };
  }, selector);
}

/** Clicks an edge on the canvas a quarter along its path (the middle holds its label). */
async function clickEdge(page: Page, edgeId: string) {
  const point = await page.evaluate((id) => {
    const path = document.querySelector(`[data-testid="rf__edge-${id}"] path`) as SVGPathElement;
    const p = path.getPointAtLength(path.getTotalLength() * 0.25);
    const m = path.getScreenCTM()!;
    return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
  }, edgeId);
  await page.mouse.click(point.x, point.y);
}

describe('Run panel', () => {
  it('overlap-tiles a larger image on wasm, leaks no tensors over three runs, and shows feature maps of a clicked edge', async () => {
    const { page, errors } = await openRun(files.tiny);
    await pickSample(page, 'membranes-256');
    await page.selectOption('[data-testid="run-backend"]', 'wasm');
    expect(await page.textContent('[data-testid="run-plan-steps"]')).toContain(
      '188×188 tiles, mirror border 44 px, 9 tiles (3×3), output 100×100 per tile, 96×96 kept to stay on the 8-px pooling grid (seamless)',
    );
    expect(await page.textContent('[data-testid="run-weights-label"]')).toBe('untrained — random weights');

    const first = await run(page);
    expect(first.status).toBe('done');
    expect(first.backend).toBe('wasm');
    expect(await page.textContent('[data-testid="run-backend-used"]')).toBe('wasm');
    // The stitched output is the image's size, not a tile's.
    expect(first.outputs).toEqual([{ id: 'output', h: 256, w: 256, c: 2, view: 'classes' }]);
    expect(await page.textContent('[data-testid="run-output-size"]')).toBe('2×256×256');
    const canvas = await readCanvas(page, 'run-output-canvas');
    expect(canvas).toMatchObject({ width: 256, height: 256, opaque: 1 });
    expect(canvas.colours).toBeGreaterThan(50); // the image shows through the overlay
    expect(await page.isVisible('[data-testid="run-truth-canvas"]')).toBe(true);
    expect(Number(await page.textContent('[data-testid="run-dice"]'))).toBeGreaterThanOrEqual(0);

    const baseline = await hook(page).memory();
    expect(baseline.numTensors).toBe(baseline.modelTensors);
    for (let i = 0; i < 3; i++) expect((await run(page)).status).toBe('done');
    expect((await hook(page).memory()).numTensors).toBe(baseline.numTensors);
    expect(await page.textContent('[data-testid="run-compile-ms"]')).toBe('cached');
    expect(await page.textContent('[data-testid="run-warm-ms"]')).toMatch(/\d+(\.\d)? ms/);
    await snapshot(page, 'run-wasm-tiled');

    const doc = await hook(page).doc();
    const edge = doc.edges.find((e) => e.source === 'enc1_conv1')!;
    await clickEdge(page, edge.id);
    await page.waitForSelector('[data-testid="run-features-grid"] canvas');
    const label = await page.textContent(`[data-testid="edge-label-${edge.id}"]`);
    expect(label).toBe('16×90×90');
    expect(await page.textContent('[data-testid="run-features-shape"]')).toBe(label);
    expect(await page.locator('[data-testid="run-features-grid"] canvas').count()).toBe(16);
    await page.selectOption('[data-testid="run-features-count"]', '4');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-features-grid"] canvas').length === 4);
    const map = await readCanvas(page, '[data-testid="run-features-grid"] canvas');
    expect(map.opaque).toBe(1);
    expect((await hook(page).memory()).numTensors).toBe(baseline.numTensors);
    await page.locator('[data-testid="run-features"]').scrollIntoViewIfNeeded();
    await snapshot(page, 'run-feature-maps');
    expect(errors).toEqual([]);
  });

  it("runs the user's own image: RGB to grayscale, non-square overlap-tiling, output the image's size", async () => {
    const { page, errors } = await openRun(files.tiny);
    await page.setInputFiles('[data-testid="run-image-input"]', files.notAnImage);
    await page.waitForSelector('[data-testid="run-image-error"]');
    expect(await page.textContent('[data-testid="run-image-error"]')).toBe('notes.png: not an image the browser can decode (use PNG or JPEG)');

    // Dropped on the panel's image section, as from a file manager.
    const png = readFileSync(files.photo).toString('base64');
    const drop = await page.evaluateHandle((b64) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], 'wide-photo.png', { type: 'image/png' }));
      return transfer;
    }, png);
    await page.dispatchEvent('[data-testid="run-image"]', 'drop', { dataTransfer: drop });
    await page.waitForFunction(() => document.querySelector('[data-testid="run-image-status"] .rp-image-name')?.textContent === 'wide-photo.png');
    const steps = await page.textContent('[data-testid="run-plan-steps"]');
    expect(steps).toContain('300×200 RGB → grayscale (BT.601 luma)');
    expect(steps).toContain('188×188 tiles, mirror border 44 px, 12 tiles (4×3), output 100×100 per tile');
    await page.selectOption('[data-testid="run-backend"]', 'wasm');
    const result = await run(page);
    expect(result.outputs).toEqual([{ id: 'output', h: 200, w: 300, c: 2, view: 'classes' }]);
    expect(await readCanvas(page, 'run-output-canvas')).toMatchObject({ width: 300, height: 200, opaque: 1 });
    // No ground truth for a user's image: no scores.
    expect(await page.isVisible('[data-testid="run-scores"]')).toBe(false);
    await page.click('[data-testid="run-mode-resize"]');
    expect(await page.textContent('[data-testid="run-plan-steps"]')).toContain('Resize300×200 → 188×188 (bilinear)');
    const resized = await run(page);
    expect(resized.outputs![0]).toMatchObject({ h: 100, w: 100 });
    await snapshot(page, 'run-own-image');
    expect(errors).toEqual([]);
  });

  it('cancels a long tiled run between tiles and stays usable', async () => {
    // Depth 2, base 4, 92 → 52: the 572 sample takes 11×11 tiles.
    const { page, errors } = await openRun(files.other);
    await pickSample(page, 'membranes-572');
    // Plain-JS cpu: slow enough per tile to cancel half-way.
    await page.selectOption('[data-testid="run-backend"]', 'cpu');
    expect(await page.textContent('[data-testid="run-button"]')).toContain('121 tiles');
    await page.click('[data-testid="run-button"]');
    // Some tiles done (the text moves on quickly: read the number, not an exact text).
    await page.waitForFunction(() => Number(/Tile (\d+) of 121/.exec(document.querySelector('[data-testid="run-progress"]')?.textContent ?? '')?.[1] ?? 0) >= 3, null, { timeout: 60_000 });
    await snapshot(page, 'run-progress');
    // Time from the click to the panel saying so, measured in the page; then the worker's own answer.
    const shownMs = await page.evaluate(async () => {
      const t0 = performance.now();
      (document.querySelector('[data-testid="run-cancel"]') as HTMLButtonElement).click();
      // Resolved by the DOM change itself (a MutationObserver), not by polling frames.
      await new Promise<void>((resolve) => {
        const done = () => !!document.querySelector('[data-testid="run-model"]')?.textContent?.includes('Cancelled.');
        if (done()) return resolve();
        const watch = new MutationObserver(() => done() && (watch.disconnect(), resolve()));
        watch.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      return performance.now() - t0;
    });
    await page.waitForFunction(() => (window as unknown as { __unetStudio: RunHook }).__unetStudio.runStatus().cancelAckMs !== undefined);
    const { cancelAckMs } = await hook(page).status();
    console.log(`Cancel: shown after ${shownMs.toFixed(0)} ms, the worker's pass ended after ${cancelAckMs!.toFixed(0)} ms`);
    expect(shownMs).toBeLessThanOrEqual(250);
    const memory = await hook(page).memory();
    expect(memory.numTensors).toBe(memory.modelTensors);
    // Another image runs fine afterwards, on the same cached model.
    await pickSample(page, 'membranes-96');
    expect((await run(page)).status).toBe('done');
    expect(await page.textContent('[data-testid="run-compile-ms"]')).toBe('cached');
    expect(errors).toEqual([]);
  });

  it('runs on WebGL when asked, and falls back to wasm when the context is lost', async () => {
    const { page, errors } = await openRun(files.tiny);
    await pickSample(page, 'membranes-96');
    await page.selectOption('[data-testid="run-backend"]', 'webgl');
    const result = await run(page, 90_000);
    expect(result.status).toBe('done');
    expect(result.backend).toBe('webgl');
    expect(await page.textContent('[data-testid="run-backend-used"]')).toBe('webgl');
    expect(result.outputs![0]).toMatchObject({ h: 96, w: 96 });
    const canvas = await readCanvas(page, 'run-output-canvas');
    expect(canvas.opaque).toBe(1);
    expect(canvas.colours).toBeGreaterThan(50);
    const memory = await hook(page).memory();
    expect(memory).toMatchObject({ backend: 'webgl', numTensors: memory.modelTensors });
    await snapshot(page, 'run-webgl');

    expect(await page.evaluate(() => (window as unknown as { __unetStudio: RunHook }).__unetStudio.loseWebglContext())).toBe(true);
    const after = await run(page, 90_000);
    expect(after.status).toBe('done');
    expect(after.backend).toBe('wasm');
    expect(await page.textContent('[data-testid="run-note"]')).toContain('The WebGL context was lost');
    expect(await page.inputValue('[data-testid="run-backend"]')).toBe('wasm');
    // The old models were disposed: only the new ones hold tensors.
    const recovered = await hook(page).memory();
    expect(recovered.numTensors).toBe(recovered.modelTensors);
    // The editor is still usable.
    await page.click('[data-testid="tab-inspector"]');
    await page.click('[data-testid="tab-run"]');
    expect(await page.textContent('[data-testid="run-backend-used"]')).toBe('wasm');
    expect(errors).toEqual([]);
  });

  it('loads weights from files, changes the result, and explains weights that do not fit', async () => {
    const { page, errors } = await openRun(files.tiny);
    await pickSample(page, 'membranes-96');
    await page.selectOption('[data-testid="run-backend"]', 'wasm');
    expect((await run(page)).status).toBe('done');
    const untrained = await readCanvas(page, 'run-output-canvas');

    await page.setInputFiles('[data-testid="run-weights-input"]', [files.otherModelJson, files.otherWeightsBin]);
    await page.waitForSelector('[data-testid="run-weights-error"]');
    const problem = await page.textContent('[data-testid="run-weights-error"]');
    expect(problem).toContain('The weights do not fit this graph');
    expect(problem).toMatch(/enc0_conv1\/kernel: expected \[3, 3, 1, 8\], weights\.bin has \[3, 3, 1, 4\]/);
    expect(await page.textContent('[data-testid="run-weights-label"]')).toBe('untrained — random weights');
    // The half-built model was freed and the last run's model kept.
    const kept = await hook(page).memory();
    expect(kept.numTensors).toBe(kept.modelTensors);
    expect(await page.textContent('[data-testid="run-output-size"]')).toBe('2×96×96');
    await snapshot(page, 'run-weights-misfit');

    await page.setInputFiles('[data-testid="run-weights-input"]', [files.modelJson, files.weightsBin]);
    await page.waitForFunction(() => document.querySelector('[data-testid="run-weights-label"]')?.textContent?.includes('model.json'));
    // Weights from a file are "loaded", not "trained": nothing says whether they learnt anything (issue 10, bug 7).
    expect(await page.getAttribute('[data-testid="run-weights-label"]', 'class')).toContain('loaded');
    // Loading weights loads weights: no run starts until Run is pressed (issue 10, bug 6).
    expect((await hook(page).status()).status).toBe('done');
    expect(await page.textContent('[data-testid="run-legend"]')).not.toContain('class 0100.0%');
    // With them, class 0 wins everywhere.
    expect((await run(page)).status).toBe('done');
    await page.waitForFunction(() => document.querySelector('[data-testid="run-legend"]')?.textContent?.includes('class 0100.0%'));
    expect(await page.isVisible('[data-testid="run-weights-error"]')).toBe(false);
    await page.click('[data-testid="run-view-mask"]');
    const trained = await readCanvas(page, 'run-output-canvas');
    expect(trained.colours).toBe(1);
    expect(trained.colours).not.toBe(untrained.colours);
    await snapshot(page, 'run-weights-loaded');
    const memory = await hook(page).memory();
    expect(memory.numTensors).toBe(memory.modelTensors);
    expect(errors).toEqual([]);
  });

  it('guards memory: over the budget it explains and offers a smaller input instead of running', async () => {
    const { page, errors } = await openRun(files.huge);
    await page.waitForSelector('[data-testid="run-memory-guard"]');
    expect(await page.textContent('[data-testid="run-memory-guard"]')).toMatch(/One pass at 4100×4100 needs ≈ \d\.\d\d GB/);
    expect(await page.textContent('[data-testid="run-memory-guard"]')).toContain('Running it could freeze or crash this tab');
    expect(await page.isDisabled('[data-testid="run-button"]')).toBe(true);
    await snapshot(page, 'run-memory-guard');
    const offer = await page.textContent('[data-testid="run-use-smaller"]');
    const [, w, h] = /Run at (\d+)×(\d+), overlap-tiled/.exec(offer ?? '')!;
    expect(Number(w)).toBeLessThan(4100);
    await page.click('[data-testid="run-use-smaller"]');
    await page.waitForSelector('[data-testid="run-size-override"]');
    expect(await page.isVisible('[data-testid="run-memory-guard"]')).toBe(false);
    expect(await page.textContent('[data-testid="run-plan-steps"]')).toContain(`${w}×${h} tiles, mirror border 44 px`);
    expect(await page.isDisabled('[data-testid="run-button"]')).toBe(false);
    // A higher budget lets the input node's own size through again.
    await page.click('[data-testid="run-size-override"] button');
    await page.selectOption('[data-testid="run-budget"]', String(8e9));
    expect(await page.isVisible('[data-testid="run-memory-guard"]')).toBe(false);
    expect(errors).toEqual([]);
  });
});
