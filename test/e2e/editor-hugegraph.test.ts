/**
 * A large graph in the browser (issue 11, "Huge graphs"): a generated 5,000-node U-shape opened through the Open
 * chooser must come up without freezing the tab — drawn, with only the part in view in the DOM, and answering a
 * click and an edit. The bounds are generous guards against a freeze on a loaded 2-core machine, not the speed
 * goal itself (that is measured by `npm run bench -- editor`, see BENCHMARKS.md).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generatedUNet } from '../../bench/graphs';
import { serializeGraph } from '../../src/core/format';
import { inferShapes } from '../../src/core/infer';
import { formatShape } from '../../src/core/types';
import { sharedBrowser, snapshot } from './browser';
import { canvasNodeIds, edgeLabels, openEditor, type DebugWindow } from './editor-page';

const browser = sharedBrowser();
/** Far beyond what any of these steps takes even on a loaded machine; a frozen tab never gets there. */
const GUARD = { timeout: 90_000, interval: 100 };

const graph = generatedUNet(5000);
const shapes = inferShapes(graph).edges;

async function openLarge(page: Page): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-button').click()]);
  await chooser.setFiles({ name: 'large.json', mimeType: 'application/json', buffer: Buffer.from(serializeGraph(graph)) });
}

describe('editor: a 5,000-node graph', () => {
  it('opens with a progress line, draws only what is in view, and answers a click and an edit', async () => {
    const { page, context, problems } = await openEditor(browser());
    await openLarge(page);
    // The progress line shows while the open takes longer than 300 ms: parsing runs in a worker, so its timer
    // fires during it, and it is painted before drawing 5,000 nodes blocks the page.
    await expect.poll(() => page.getByTestId('open-progress').count(), GUARD).toBe(1);
    await expect.poll(() => page.evaluate(() => (window as DebugWindow).__unetStudio!.getDoc().nodes.length), GUARD).toBe(graph.nodes.length);
    await expect.poll(() => page.getByTestId('open-progress').count(), GUARD).toBe(0);
    // Opened at its input, readable (the view frames the first nodes from the input on), with the nodes in view
    // drawn, not 5,000.
    await expect.poll(async () => (await canvasNodeIds(page)).filter((id) => id === 'input' || id === 'enc0_conv6').length, GUARD).toBe(2);
    const zoom = await page.evaluate(() => new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a);
    expect(zoom).toBeGreaterThan(0.4);
    expect(zoom).toBeLessThanOrEqual(1);
    // The minimap would draw all 5,000 nodes: off until asked for.
    expect(await page.locator('.react-flow__minimap').count()).toBe(0);
    const drawn = await canvasNodeIds(page);
    expect(drawn.length).toBeGreaterThan(6);
    expect(drawn.length).toBeLessThan(1000);
    await snapshot(page, 'editor-hugegraph-open');
    const labels = await edgeLabels(page);
    expect(Object.keys(labels).length).toBeGreaterThan(5);
    expect(Object.keys(labels).length).toBeLessThan(1500);
    for (const [id, text] of Object.entries(labels)) expect(text, id).toBe(formatShape(shapes.get(id)));
    // The layer table shows a window of its 5,000 rows.
    await page.getByTestId('tab-layers').click();
    const rows = await page.locator('[data-testid^="summary-row-"]').count();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(500);

    // A click round trip: the node is selected and the inspector shows it.
    await page.getByTestId('node-enc0_conv1').click();
    await expect.poll(() => page.getByTestId('inspector-node').getAttribute('data-node'), GUARD).toBe('enc0_conv1');
    // An edit round trip: the conv's output label shows the new filter count.
    await page.getByTestId('param-filters').fill('12');
    await page.getByTestId('param-filters').press('Enter');
    await expect.poll(async () => (await edgeLabels(page))['e_enc0_conv1_enc0_conv2'], GUARD).toBe('12×64×64');
    expect(await page.evaluate(() => (window as DebugWindow).__unetStudio!.getDoc().nodes.find((n) => n.id === 'enc0_conv1')!.params.filters)).toBe(12);
    expect(problems).toEqual([]);
    await context.close();
  });
});
