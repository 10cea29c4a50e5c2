/**
 * What the editor's browser tests do and read, the way a person would: click nodes, type into the inspector, press
 * keys, read the edge labels on the canvas. Assertions read rendered text; the store is only read (through the
 * page's `window.__unetStudio` hook) where the brief is "the file equals the document".
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import type { GraphDoc } from '../../src/core/types';
import type { UnetStudioDebugHook } from '../../src/ui/debugHook';
import { appUrl } from './browser';

/** The page's window with the editor's read-only debug hook (a type only: page functions are serialised). */
export type DebugWindow = Window & { __unetStudio?: UnetStudioDebugHook };

/** How long a rendered change may take to show up (a busy 2-core machine, a 1,000-node graph). */
export const POLL = { timeout: 10_000, interval: 50 };

export interface EditorPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions, console errors and console warnings, in order; a test ends by asserting this is empty. */
  problems: string[];
}

/**
 * Starts collecting uncaught errors, console errors and console warnings on a page (listeners survive reloads).
 * Warnings count: React Flow reports a broken handle id (#008) or a missing node type only as a warning, and
 * React's own development warnings are warnings too.
 */
export function watchProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    const type = m.type();
    if (type === 'error' || type === 'warning' || type === 'assert') problems.push(`console.${type}: ${m.text()}`);
  });
}

/** Pages opened by `openEditor` in the current test; `afterEach` below fails the test on any problem they logged. */
const openPages: EditorPage[] = [];

// Every test that opens the editor fails on an uncaught error or a console error/warning, even one logged after
// the test's own last assertion (React Flow's "#008 couldn't create edge" warnings come late, on re-render).
afterEach(() => {
  const logged = openPages.flatMap((p) => p.problems);
  openPages.length = 0;
  expect(logged, 'the page logged errors or warnings').toEqual([]);
});

/**
 * Opens the editor in a fresh browser context (empty local storage, so no autosave) and waits until every edge
 * of the document has its label on the canvas. `context` reuses a context, e.g. to test what a reload restores.
 */
export async function openEditor(browser: Browser, query = '', context?: BrowserContext): Promise<EditorPage> {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true }));
  const page = await ctx.newPage();
  const problems: string[] = [];
  watchProblems(page, problems);
  const opened: EditorPage = { page, context: ctx, problems };
  openPages.push(opened);
  await page.goto(appUrl() + query);
  await waitForCanvas(page);
  return opened;
}

/** Waits until the canvas shows one label per edge of the document. */
export async function waitForCanvas(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const hook = (window as DebugWindow).__unetStudio;
    if (!hook) return false;
    const doc = hook.getDoc();
    return doc.nodes.length > 0 && document.querySelectorAll('[data-testid^="edge-label-"]').length === doc.edges.length;
  });
}

/** Every edge label on the canvas: edge id → the text shown (`64×570×570`, `?` when unknown). */
export function edgeLabels(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-testid^="edge-label-"]', (els) =>
    Object.fromEntries(els.map((el) => [(el as HTMLElement).dataset.testid!.slice('edge-label-'.length), el.textContent ?? ''])),
  );
}

/** The labels of these edges, in this order (`missing` for an edge with no label on the canvas). */
export async function labelsOf(page: Page, edgeIds: readonly string[]): Promise<string[]> {
  const all = await edgeLabels(page);
  return edgeIds.map((id) => all[id] ?? 'missing');
}

/** Waits (polling the rendered text) until these edges read these labels. */
export async function expectLabels(page: Page, expected: Record<string, string>): Promise<void> {
  const ids = Object.keys(expected);
  await expect.poll(async () => pick(await edgeLabels(page), ids), POLL).toEqual(expected);
}

const pick = (all: Record<string, string>, ids: string[]) => Object.fromEntries(ids.map((id) => [id, all[id] ?? 'missing']));

/** The ids of the nodes drawn on the canvas. */
export function canvasNodeIds(page: Page): Promise<string[]> {
  return page.$$eval('.react-flow__node [data-testid^="node-"][data-op]', (els) => els.map((el) => (el as HTMLElement).dataset.testid!.slice('node-'.length)));
}

/** The read-only debug hook's document (for comparing files with what the editor holds). */
export function documentInPage(page: Page): Promise<GraphDoc> {
  return page.evaluate(() => (window as DebugWindow).__unetStudio!.getDoc());
}

/** Clicks a node on the canvas, which selects it and shows it in the inspector. */
export async function selectNode(page: Page, nodeId: string): Promise<void> {
  await page.getByTestId(`node-${nodeId}`).click();
  await expect.poll(() => page.getByTestId('inspector-node').getAttribute('data-node'), POLL).toBe(nodeId);
}

/** Clicks empty canvas: clears the selection and takes focus out of the inspector's fields. */
export async function clickEmptyCanvas(page: Page): Promise<void> {
  await page.locator('.react-flow__pane').click({ position: { x: 12, y: 12 } });
}

/** What a node says about itself: severity badge and the messages of its hover card. */
export async function nodeDiagnostics(page: Page, nodeId: string): Promise<{ severity: string | null; messages: string[] }> {
  const node = page.getByTestId(`node-${nodeId}`);
  const severity = await node.getAttribute('data-severity');
  const tooltip = page.getByTestId(`node-tooltip-${nodeId}`);
  const messages = (await tooltip.count()) ? await tooltip.locator(':scope > div').allTextContents() : [];
  return { severity, messages };
}

/** Hovers a node and waits until its problem card is actually shown (it fades in). */
export async function hoverCardText(page: Page, nodeId: string): Promise<string> {
  await page.getByTestId(`node-${nodeId}`).hover();
  const tooltip = page.getByTestId(`node-tooltip-${nodeId}`);
  await expect.poll(() => tooltip.evaluate((el) => getComputedStyle(el).opacity), POLL).toBe('1');
  return (await tooltip.textContent()) ?? '';
}

/** The inspector's problem lines for the selected node. */
export function inspectorProblems(page: Page): Promise<string[]> {
  return page.locator('[data-testid="inspector-diagnostics"] .diagnostic-message').allTextContents();
}

/** Drags from one handle to another, as a person connects two nodes. */
export async function dragConnection(page: Page, fromTestId: string, toTestId: string): Promise<void> {
  const from = await page.getByTestId(fromTestId).boundingBox();
  const to = await page.getByTestId(toTestId).boundingBox();
  if (!from || !to) throw new Error(`handle ${from ? toTestId : fromTestId} is not on screen`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Drags a node by its title bar by (dx, dy) screen pixels. */
export async function dragNode(page: Page, nodeId: string, dx: number, dy: number): Promise<void> {
  const box = await page.getByTestId(`node-${nodeId}`).locator('.op-title').boundingBox();
  if (!box) throw new Error(`node ${nodeId} is not on screen`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 10 });
  await page.mouse.up();
}

/** The toolbar's problem count as read: "All shapes check out", "2 warnings", "1 error 1 warning". */
export async function statusText(page: Page): Promise<string> {
  return ((await page.getByTestId('status-problems').textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Toasts currently shown. */
export function toastTexts(page: Page): Promise<string[]> {
  return page.getByTestId('toast').allTextContents();
}

/**
 * Clicks an edge as a person would: on its label when the label takes clicks, else on a stretch of the line that
 * is its own (zoomed out, a label lying over a node lets clicks through, and near a node several edges leave the
 * same dot). `modifiers` as for a click (Shift adds to the selection). Waits until the edge shows as selected.
 */
export async function clickEdge(page: Page, edgeId: string, modifiers: ('Shift' | 'Control')[] = []): Promise<void> {
  const point = await edgePoint(page, edgeId);
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.click(point.x, point.y);
  for (const m of modifiers) await page.keyboard.up(m);
  await expect.poll(() => page.evaluate((id) => document.querySelector(`.react-flow__edge[data-id="${id}"]`)?.classList.contains('selected') ?? false, edgeId), POLL).toBe(true);
}

/**
 * A screen point that belongs to this edge (its label, or a stretch of its line no other element covers). Asked
 * again until one is found: right after a load or an edit the canvas may still be placing labels (level of detail),
 * and on a loaded machine that takes a few frames.
 */
export async function edgePoint(page: Page, edgeId: string): Promise<{ x: number; y: number }> {
  let point: { x: number; y: number } | null = null;
  await expect
    .poll(async () => {
      point = await edgePointNow(page, edgeId);
      return point !== null;
    }, POLL)
    .toBe(true)
    .catch(() => undefined);
  if (!point) throw new Error(`edge ${edgeId} has no spot on screen to click`);
  return point;
}

async function edgePointNow(page: Page, edgeId: string): Promise<{ x: number; y: number } | null> {
  return page.evaluate((id) => {
    const owner = (x: number, y: number) => {
      const top = document.elementFromPoint(x, y);
      const label = top?.closest<HTMLElement>('[data-testid^="edge-label-"]');
      if (label) return label.dataset.testid!.slice('edge-label-'.length);
      return top?.closest<HTMLElement>('.react-flow__edge')?.dataset.id;
    };
    const label = document.querySelector<HTMLElement>(`[data-testid="edge-label-${id}"]`);
    const r = label?.getBoundingClientRect();
    if (r && r.width > 0 && owner(r.x + r.width / 2, r.y + r.height / 2) === id) return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    const path = document.querySelector<SVGPathElement>(`.react-flow__edge[data-id="${id}"] path.react-flow__edge-path`);
    const ctm = path?.getScreenCTM();
    if (!path || !ctm) return null;
    const length = path.getTotalLength();
    for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85, 0.1, 0.9]) {
      const p = path.getPointAtLength(length * f).matrixTransform(ctm);
      if (owner(p.x, p.y) === id) return { x: p.x, y: p.y };
    }
    return null;
  }, edgeId);
}
