/**
 * Pictures and models out of the editor (issue 10): the diagram as real vector SVG (checked by a second renderer,
 * librsvg's rsvg-convert, and by the browser), PNG with progress, the paper-style U diagram, and the tfjs model
 * folder loaded back by tfjs itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Download, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile';
import { loadTfjsModel, toTfjsFiles } from '../../src/compile/artifacts';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { sharedBrowser, snapshot } from './browser';
import { canvasNodeIds, openEditor, POLL, toastTexts } from './editor-page';
import { PAPER_LABELS } from './editor-paper';

const browser = sharedBrowser();
const RSVG = '/usr/bin/rsvg-convert';

async function exportVia(page: Page, item: string): Promise<Download> {
  await page.getByTestId('menu-export').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(item).click()]);
  return download;
}

/** Share of pixels that differ from the top-left (background) pixel: 0 for a blank picture. */
function inkShare(png: PNG): number {
  const { data, width, height } = png;
  let ink = 0;
  for (let i = 0; i < width * height * 4; i += 4)
    if (Math.abs(data[i]! - data[0]!) + Math.abs(data[i + 1]! - data[1]!) + Math.abs(data[i + 2]! - data[2]!) > 60) ink++;
  return ink / (width * height);
}

/** Renders an SVG with librsvg (what Inkscape-class tools and many converters use) and reads the PNG back. */
async function renderWithRsvg(svg: string): Promise<PNG> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'unet-svg-'));
  try {
    await writeFile(path.join(dir, 'in.svg'), svg);
    execFileSync(RSVG, ['-o', path.join(dir, 'out.png'), path.join(dir, 'in.svg')], { stdio: 'pipe' });
    return PNG.sync.read(await readFile(path.join(dir, 'out.png')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Opens an SVG file in a browser page of its own and counts what it draws. */
async function openSvgInBrowser(svg: string): Promise<{ rects: number; texts: string[]; width: number }> {
  const context = await browser().newContext();
  const page = await context.newPage();
  await page.setContent(svg.replace(/^<\?xml[^>]*>\s*/, ''));
  const result = await page.evaluate(() => ({
    rects: document.querySelectorAll('svg rect').length,
    texts: [...document.querySelectorAll('svg text')].map((t) => t.textContent ?? ''),
    width: document.querySelector('svg')!.getBoundingClientRect().width,
  }));
  await context.close();
  return result;
}

describe('editor: pictures and model export', () => {
  it('Picture (.svg) is vector SVG: small, every node and shape label as text, drawn by librsvg and by a browser', async () => {
    const { page, context } = await openEditor(browser());
    const download = await exportVia(page, 'export-svg');
    expect(download.suggestedFilename()).toBe('u-net-paper-572x572.svg');
    const svg = await readFile((await download.path())!, 'utf8');
    await expect.poll(() => toastTexts(page), POLL).toEqual(expect.arrayContaining([expect.stringMatching(/^Saved u-net-paper-572x572\.svg \(\d+×\d+, /)]));
    const bytes = Buffer.byteLength(svg);
    console.log(`paper U-Net SVG: ${bytes} bytes`);
    expect(bytes).toBeLessThanOrEqual(300 * 1024);
    expect(svg).not.toContain('foreignObject');
    expect(svg).toMatch(/<rect /);
    expect(svg).toMatch(/<path /);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const label of Object.values(PAPER_LABELS)) expect(texts, label).toContain(label);
    for (const id of await canvasNodeIds(page)) expect(svg).toContain(`id="node-${id}"`);

    await writeFile('test-results/screenshots/diagram.svg', svg);
    const rendered = await renderWithRsvg(svg);
    expect(rendered.width).toBeGreaterThan(1000);
    expect(inkShare(rendered)).toBeGreaterThan(0.02);
    const inBrowser = await openSvgInBrowser(svg);
    expect(inBrowser.rects).toBeGreaterThanOrEqual(37 + 44);
    expect(inBrowser.texts).toEqual(expect.arrayContaining(['64×570×570', 'enc0_conv1']));
    await context.close();
  });

  it('Picture (.png) shows its progress and saves a sharp, non-blank picture', async () => {
    const { page, context } = await openEditor(browser());
    // Record every progress text shown (it may come and go within a second).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="export-progress"]');
        if (el && seen.at(-1) !== el.textContent) seen.push(el.textContent ?? '');
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const started = Date.now();
    const download = await exportVia(page, 'export-png');
    console.log(`paper U-Net PNG export: ${Date.now() - started} ms to the download`);
    expect(download.suggestedFilename()).toBe('u-net-paper-572x572.png');
    const png = PNG.sync.read(await readFile((await download.path())!));
    expect(png.width).toBeGreaterThan(2000); // 2× the diagram
    expect(inkShare(png)).toBeGreaterThan(0.02);
    const progress = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    expect(progress).toEqual(expect.arrayContaining(['Drawing 37 nodes…', expect.stringMatching(/^Rendering \d+×\d+ px…$/)]));
    await expect.poll(() => page.getByTestId('export-progress').count(), POLL).toBe(0);
    await context.close();
  });

  it('U diagram (.svg) draws the paper figure: channels on top, H×W at the side, arrows by kind with a legend', async () => {
    const { page, context } = await openEditor(browser());
    const download = await exportVia(page, 'export-u-svg');
    expect(download.suggestedFilename()).toBe('u-net-paper-572x572-u-diagram.svg');
    const svg = await readFile((await download.path())!, 'utf8');
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    // The paper's numbers: channel counts over the boxes and the sizes beside them.
    for (const c of ['1', '64', '128', '256', '512', '1024', '2']) expect(texts, `channels ${c}`).toContain(c);
    for (const s of ['572×572', '570×570', '568×568', '284×284', '32×32', '28×28', '392×392', '388×388']) expect(texts, s).toContain(s);
    expect(texts).toContain('copy and crop');
    expect(texts.some((t) => t.startsWith('3×3 conv'))).toBe(true);
    expect(texts.some((t) => /max ?pool|2×2 max/i.test(t))).toBe(true);
    // A box per feature map of the main path (23) and a white box for the skip half of each of the 4 concats.
    const boxes = (svg.match(/<rect /g) ?? []).length;
    expect(boxes).toBeGreaterThanOrEqual(27);
    const rendered = await renderWithRsvg(svg);
    expect(inkShare(rendered)).toBeGreaterThan(0.02);
    await writeFile('test-results/screenshots/u-diagram.svg', svg);
    await context.close();
  });

  it('Export › tfjs model folder saves model.json + weights.bin + graph.json that tfjs loads back', async () => {
    const { page, context } = await openEditor(browser());
    await page.getByTestId('new-unet').click();
    await page.getByTestId('unet-depth').fill('2');
    await page.getByTestId('unet-base').fill('8');
    await page.getByTestId('unet-inputSize.h').fill('64');
    await page.getByTestId('unet-inputSize.w').fill('64');
    await page.getByTestId('unet-inputSize.w').press('Enter');
    await page.getByTestId('unet-padding').selectOption('same');
    await page.getByTestId('unet-create').click();
    await expect.poll(async () => (await canvasNodeIds(page)).length, POLL).toBe(21);
    const params = Number((await page.getByTestId('total-params').textContent())!.replace(/,/g, ''));

    await page.getByTestId('menu-export').click();
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.getByTestId('export-tfjs').click();
    await expect.poll(() => downloads.length, { timeout: 60_000, interval: 100 }).toBe(3);
    const files = Object.fromEntries(await Promise.all(downloads.map(async (d) => [d.suggestedFilename(), await readFile((await d.path())!)] as const)));
    expect(Object.keys(files).sort()).toEqual(['graph.json', 'model.json', 'weights.bin']);
    await useNodeBackend('cpu');
    const model = await loadTfjsModel({ modelJson: JSON.parse(files['model.json']!.toString('utf8')), weights: new Uint8Array(files['weights.bin']!) });
    expect(model.outputs[0]!.shape).toEqual([null, 64, 64, 2]);
    expect(model.countParams()).toBe(params);
    const graph = JSON.parse(files['graph.json']!.toString('utf8'));
    expect(graph.nodes).toHaveLength(21);

    // Weights loaded in the Run tab go out with the next export (it used to save the initial ones whatever the tab had).
    const compiled = compileGraph(graph);
    const known = await toTfjsFiles(compiled.model);
    const knownValues = compiled.model.getWeights().map((w) => Array.from(w.dataSync()));
    compiled.model.dispose();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unet-known-'));
    await writeFile(path.join(dir, 'model.json'), JSON.stringify(known.modelJson));
    await writeFile(path.join(dir, 'weights.bin'), known.weights);
    await page.getByTestId('tab-run').click();
    await page.setInputFiles('[data-testid="run-weights-input"]', [path.join(dir, 'model.json'), path.join(dir, 'weights.bin')]);
    await page.waitForFunction(() => document.querySelector('[data-testid="run-weights-label"]')?.textContent?.includes('model.json'));
    await page.getByTestId('menu-export').click();
    await page.getByTestId('export-tfjs').click();
    await expect.poll(() => downloads.length, { timeout: 60_000, interval: 100 }).toBe(6);
    const again = Object.fromEntries(await Promise.all(downloads.slice(3).map(async (d) => [d.suggestedFilename(), await readFile((await d.path())!)] as const)));
    const reloaded = await loadTfjsModel({ modelJson: JSON.parse(again['model.json']!.toString('utf8')), weights: new Uint8Array(again['weights.bin']!) });
    const values = reloaded.getWeights().map((w) => Array.from(w.dataSync()));
    expect(values[0]).toEqual(knownValues[0]);
    expect(values).toEqual(knownValues);
    expect(model.getWeights()[0]!.dataSync()).not.toEqual(reloaded.getWeights()[0]!.dataSync());
    await expect.poll(() => toastTexts(page), POLL).toContainEqual(expect.stringContaining('with the Run panel’s weights (model.json'));
    model.dispose();
    reloaded.dispose();
    await rm(dir, { recursive: true, force: true });
    await snapshot(page, 'export-tfjs');
    await context.close();
  });
});
