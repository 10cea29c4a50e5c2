/**
 * The first view a new user gets (issue 10): shape labels readable at the default fit (level of detail), the
 * minimap out of the way, and a layout that holds from 1600×1000 down to 1024×640 (and does not scroll below).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sharedBrowser, snapshot } from './browser';
import { openEditor, POLL } from './editor-page';

const browser = sharedBrowser();

interface LabelView {
  id: string;
  visible: boolean;
  height: number;
  fontPx: number;
  box: { x: number; y: number; w: number; h: number };
}

/** Every edge label as drawn: shown or hidden by the level of detail, its on-screen height and font size. */
function labelViews(page: Page): Promise<LabelView[]> {
  return page.$$eval('[data-testid^="edge-label-"]', (els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      const zoomScale = r.height / (el as HTMLElement).offsetHeight || 0;
      return {
        id: (el as HTMLElement).dataset.testid!.slice('edge-label-'.length),
        visible: style.display !== 'none' && r.width > 0,
        height: r.height,
        fontPx: parseFloat(style.fontSize) * zoomScale,
        box: { x: r.x, y: r.y, w: r.width, h: r.height },
      };
    }),
  );
}

const overlap = (a: LabelView['box'], b: LabelView['box']) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

async function newPage(width: number, height: number) {
  const context = await browser().newContext({ viewport: { width, height } });
  return openEditor(browser(), '', context);
}

describe('editor: the first view', () => {
  it('at 1600×1000 the first screen shows 572 → 570 → 568 → 284 legibly; zooming in shows every label', async () => {
    const { page, context } = await newPage(1600, 1000);
    await page.waitForTimeout(500);
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const views = await labelViews(page);
    const byId = new Map(views.map((v) => [v.id, v]));
    for (const id of ['e_input_enc0_conv1', 'e_enc0_conv1_enc0_conv2', 'e_enc0_conv2_down0', 'e_down0_enc1_conv1']) {
      const v = byId.get(id)!;
      expect(v.visible, `${id} shown`).toBe(true);
      expect(v.fontPx, `${id} font on screen`).toBeGreaterThanOrEqual(10);
      expect(v.box.y).toBeGreaterThanOrEqual(canvas.y);
      expect(v.box.y + v.box.h).toBeLessThanOrEqual(canvas.y + canvas.height);
    }
    // Shown labels never cover each other; most of the 44 fit even zoomed out.
    const shown = views.filter((v) => v.visible);
    for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) expect(overlap(shown[i]!.box, shown[j]!.box), `${shown[i]!.id} / ${shown[j]!.id}`).toBe(false);
    expect(shown.length).toBeGreaterThanOrEqual(30);
    await snapshot(page, 'view-first-load-1600');

    // Zoomed in to 100 % every label is back, at its normal size.
    await page.getByTestId('node-enc0_conv2').click();
    await page.keyboard.press('Escape');
    for (let i = 0; i < 8; i++) await page.locator('.react-flow__controls-zoomin').click();
    await expect.poll(async () => (await labelViews(page)).filter((v) => !v.visible).length, POLL).toBe(0);
    await context.close();
  });

  it('the minimap is small, toggles, and is off by default on a small screen', async () => {
    const big = await newPage(1600, 1000);
    const map = big.page.locator('.react-flow__minimap');
    expect(await map.count()).toBe(1);
    const box = (await map.boundingBox())!;
    expect(box.width * box.height).toBeLessThanOrEqual(160 * 120);
    await big.page.getByTestId('toggle-minimap').click();
    await expect.poll(() => map.count(), POLL).toBe(0);
    await big.page.getByTestId('toggle-minimap').click();
    await expect.poll(() => map.count(), POLL).toBe(1);
    await big.context.close();

    const small = await newPage(1000, 700);
    expect(await small.page.locator('.react-flow__minimap').count()).toBe(0);
    await small.page.getByTestId('toggle-minimap').click();
    await expect.poll(() => small.page.locator('.react-flow__minimap').count(), POLL).toBe(1);
    await small.context.close();
  });

  it.each([
    [1024, 640],
    [800, 600],
  ])('at %i×%i nothing scrolls sideways, the toolbar stays one row, the status reads on one line', async (width, height) => {
    const { page, context } = await newPage(width, height);
    const scroll = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, bw: document.body.scrollWidth, w: innerWidth }));
    expect(scroll.sw).toBeLessThanOrEqual(scroll.w);
    expect(scroll.bw).toBeLessThanOrEqual(scroll.w);
    const toolbar = (await page.getByTestId('toolbar').boundingBox())!;
    expect(toolbar.height).toBeLessThanOrEqual(49);
    const status = (await page.getByTestId('status-problems').boundingBox())!;
    expect(status.height).toBeLessThanOrEqual(30);
    expect(status.x + status.width).toBeLessThanOrEqual(width);
    // Every toolbar control is on screen, inside the toolbar row.
    const controls = await page.locator('[data-testid="toolbar"] button').evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, r: r.right, b: r.bottom })));
    for (const c of controls) {
      expect(c.r).toBeLessThanOrEqual(width);
      expect(c.y).toBeGreaterThanOrEqual(toolbar.y);
      expect(c.b).toBeLessThanOrEqual(toolbar.y + toolbar.height);
    }
    // The canvas keeps most of the window.
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    expect(canvas.width).toBeGreaterThanOrEqual(width * 0.5);
    expect(canvas.height).toBeGreaterThanOrEqual(height * 0.75);
    await snapshot(page, `view-first-load-${width}`);
    await context.close();
  });
});
