/**
 * Editor responsiveness in a real browser: the time from a parameter edit in the inspector until every edge label
 * on the canvas shows the new shapes and the frame is painted. Measured in the production build (vite build +
 * preview, like the browser tests) on the paper U-Net and on a generated ~1,000-node graph opened through the
 * "Open" button. The peer is the core's `analyzeGraph` for the same edited document, timed in the same page: the
 * ratio says how much the UI (React, React Flow, the panels, layout and paint) adds on top of the analysis itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { serializeGraph } from '../src/core/format';
import { inferShapes } from '../src/core/infer';
import { formatShape, type GraphDoc, type Params } from '../src/core/types';
import { CHROMIUM_FLAGS, chromiumPath } from '../test/e2e/browser';
import type { UnetStudioDebugHook } from '../src/ui/debugHook';
import { generatedUNet } from './graphs';
import { table, type Bench } from './measure';

/** The page's window with the editor's read-only debug hook. */
type DebugWindow = Window & { __unetStudio?: UnetStudioDebugHook };

/** Pause between edits: longer than the autosave delay (400 ms), so one edit's save does not land in the next. */
const SETTLE_MS = 600;
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The core bundled on its own for the peer measurement; the page gets it as `window.__unetCore`. */
const CORE_GLOBAL = '__unetCore';

interface EditCase {
  what: string;
  nodeId: string;
  field: string;
  /** Test id of the inspector field that is edited. */
  testId: string;
  /** The edit alternates between these two values. */
  values: [number, number];
}

interface GraphCase {
  name: string;
  /** Opened through the UI's file chooser; the default template when absent. */
  file?: GraphDoc;
  edits: EditCase[];
  warmup: number;
  runs: number;
}

const CASES: GraphCase[] = [
  {
    name: 'paper-572',
    edits: [
      { what: 'input height 572↔556 (every label changes)', nodeId: 'input', field: 'height', testId: 'param-height', values: [556, 572] },
      { what: 'first conv filters 64↔32 (one label changes)', nodeId: 'enc0_conv1', field: 'filters', testId: 'param-filters', values: [32, 64] },
    ],
    warmup: 3,
    runs: 15,
  },
  {
    name: 'generated U-shape',
    file: generatedUNet(1000),
    edits: [
      { what: 'input height 64↔96 (every label changes)', nodeId: 'input', field: 'height', testId: 'param-height', values: [96, 64] },
      { what: 'first conv filters 8↔16 (one label changes)', nodeId: 'enc0_conv1', field: 'filters', testId: 'param-filters', values: [16, 8] },
    ],
    warmup: 2,
    runs: 9,
  },
  {
    // Issue 11's goal: a 10,000-node graph opens in ≤ 3 s and repaints a label edit in ≤ 100 ms.
    name: 'generated U-shape 10k',
    file: generatedUNet(10000),
    edits: [{ what: 'first conv filters 8↔16 (one label changes)', nodeId: 'enc0_conv1', field: 'filters', testId: 'param-filters', values: [16, 8] }],
    warmup: 1,
    runs: 5,
  },
];

interface EditTiming {
  ok: boolean;
  /** Edit → the last change to the edge labels' DOM. */
  domMs: number;
  /** Edit → after the first frame that shows every label right. */
  paintedMs: number;
  /** The core's analyzeGraph on the document after the edit, same page (incremental: the core bundle's memo holds the previous edits). */
  analysisMs: number;
  /** The same on a structured clone of the document, which nothing can be reused for: the analysis from scratch. */
  scratchMs: number;
  mismatches: string[];
}

/** Every edge label the canvas should show for this document: `edge-label-<id>` → text. */
function expectedLabels(doc: GraphDoc): [string, string][] {
  const { edges } = inferShapes(doc);
  return doc.edges.map((e) => [`edge-label-${e.id}`, formatShape(edges.get(e.id))]);
}

function withParam(doc: GraphDoc, nodeId: string, patch: Params): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, ...patch } } : n)) };
}

/**
 * In the page: types `value` into the field the way React sees typing (one input event) and presses Enter, then waits frame by
 * frame until every edge label matches, and times the analysis of the resulting document with the core bundle.
 */
function editInPage(page: Page, testId: string, value: string, expected: [string, string][], changed: string[]): Promise<EditTiming> {
  return page.evaluate(
    async ({ testId, value, expected, changed, coreGlobal }) => {
      const want = new Map(expected);
      const field = document.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`);
      const layer = document.querySelector('.react-flow__edgelabel-renderer');
      if (!field || !layer) return { ok: false, domMs: 0, paintedMs: 0, analysisMs: 0, scratchMs: 0, mismatches: [`no ${field ? 'edge label layer' : testId}`] };
      // A large graph draws only the edges in view (onlyRenderVisibleElements): every label that is drawn must
      // be right, and at least one of those the edit changes must be among them.
      const labelsMatch = () => {
        const labels = layer.querySelectorAll<HTMLElement>('[data-testid^="edge-label-"]');
        let changedShown = false;
        for (const el of labels) {
          if (want.get(el.dataset.testid!) !== el.textContent) return false;
          if (changed.includes(el.dataset.testid!)) changedShown = true;
        }
        return changedShown;
      };
      const mismatches = () =>
        [...layer.querySelectorAll<HTMLElement>('[data-testid^="edge-label-"]')]
          .filter((el) => want.get(el.dataset.testid!) !== el.textContent)
          .slice(0, 5)
          .map((el) => `${el.dataset.testid}: shows ${el.textContent}, expected ${want.get(el.dataset.testid!)}`);
      const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));
      // A task queued from inside a frame callback runs after that frame is painted.
      const afterPaint = () =>
        new Promise<void>((r) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => r();
          channel.port2.postMessage(0);
        });

      let lastMutation = 0;
      const observer = new MutationObserver(() => (lastMutation = performance.now()));
      observer.observe(layer, { subtree: true, childList: true, characterData: true });
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      // Number fields commit on Enter (ParamField): focus, type, Enter.
      field.focus();
      const t0 = performance.now();
      setValue.call(field, value);
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      let painted = false;
      while (performance.now() - t0 < 30_000) {
        await nextFrame();
        if (labelsMatch()) {
          await afterPaint();
          painted = true;
          break;
        }
      }
      const paintedMs = performance.now() - t0;
      observer.disconnect();
      if (!painted) return { ok: false, domMs: 0, paintedMs, analysisMs: 0, scratchMs: 0, mismatches: mismatches() };

      const core = (window as unknown as Record<string, { analyzeGraph(doc: unknown): unknown }>)[coreGlobal]!;
      const doc = (window as DebugWindow).__unetStudio!.getDoc();
      const a0 = performance.now();
      core.analyzeGraph(doc);
      const analysisMs = performance.now() - a0;
      const clone = structuredClone(doc);
      const s0 = performance.now();
      core.analyzeGraph(clone);
      const scratchMs = performance.now() - s0;
      return { ok: true, domMs: lastMutation - t0, paintedMs, analysisMs, scratchMs, mismatches: [] };
    },
    { testId, value, expected, changed, coreGlobal: CORE_GLOBAL },
  );
}

/** The same wait with nothing changed: what any update pays for the next frame to be drawn. */
async function idleFrameMs(page: Page): Promise<number> {
  const samples = await page.evaluate(async () => {
    const out: number[] = [];
    for (let i = 0; i < 15; i++) {
      await new Promise((r) => setTimeout(r, 30));
      const t0 = performance.now();
      await new Promise((r) => requestAnimationFrame(r));
      await new Promise<void>((r) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => r();
        channel.port2.postMessage(0);
      });
      out.push(performance.now() - t0);
    }
    return out;
  });
  return median(samples);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (t: number) => (t < 10 ? t.toFixed(2) : t.toFixed(1));

async function buildApp(dir: string): Promise<{ appDir: string; coreFile: string }> {
  // A production build: React's development checks would otherwise be measured too.
  process.env.NODE_ENV = 'production';
  const coreDir = join(dir, 'core');
  // BENCH_EDITOR_APP: an app built elsewhere (e.g. from another commit, to compare before/after in one session).
  const appDir = process.env.BENCH_EDITOR_APP ?? join(dir, 'app');
  if (!process.env.BENCH_EDITOR_APP) await build({ root: ROOT, mode: 'production', logLevel: 'warn', build: { outDir: appDir, emptyOutDir: true } });
  await build({
    root: ROOT,
    configFile: false,
    mode: 'production',
    logLevel: 'warn',
    build: {
      outDir: coreDir,
      emptyOutDir: true,
      lib: { entry: join(ROOT, 'src/core/analysis.ts'), formats: ['iife'], name: CORE_GLOBAL, fileName: () => 'core.js' },
    },
  });
  return { appDir, coreFile: join(coreDir, 'core.js') };
}

/** Opens the app, then `file` through the Open button; `openMs` is file chosen → drawn and answering again. */
async function openGraph(browser: Browser, url: string, coreFile: string, file?: GraphDoc): Promise<{ page: Page; openMs?: number }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // tsx compiles this file with esbuild's keepNames, which wraps named functions in a `__name(…)` helper that
  // exists in Node but not in the page the functions passed to page.evaluate run in.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  const canvasReady = (name?: string) =>
    page.waitForFunction(
      (name) => {
        // Drawn: the document is in, the open's progress line is gone and the canvas shows edge labels (a large
        // graph draws only those in view, a small one all of them).
        const doc = (window as DebugWindow).__unetStudio?.getDoc();
        if (!doc || (name && doc.name !== name) || document.querySelector('[data-testid="open-progress"]')) return false;
        const labels = document.querySelectorAll('[data-testid^="edge-label-"]').length;
        return doc.edges.length > 300 ? labels > 0 : labels === doc.edges.length;
      },
      name,
      { timeout: 120_000 },
    );
  await canvasReady();
  let openMs: number | undefined;
  if (file) {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-button').click()]);
    const buffer = Buffer.from(serializeGraph(file));
    const t0 = Date.now();
    await chooser.setFiles({ name: 'generated.json', mimeType: 'application/json', buffer });
    await canvasReady(file.name);
    // Open = until the page is drawn and answers again: the start of the first of three frames in a row that
    // each come within 100 ms (work still running after the first labels show would otherwise go uncounted).
    const responsiveAt = await page.evaluate(async () => {
      const frame = () =>
        new Promise<void>((r) =>
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => r();
            channel.port2.postMessage(0);
          }),
        );
      let quick = 0;
      let since = 0;
      for (;;) {
        const start = Date.now();
        await frame();
        if (Date.now() - start >= 100) quick = 0;
        else if (quick++ === 0) since = start;
        if (quick === 3) return since;
      }
    });
    openMs = responsiveAt - t0;
  }
  await page.addScriptTag({ path: coreFile });
  return { page, openMs };
}

async function measureEdits(page: Page, graph: GraphCase, edit: EditCase, idleMs: number): Promise<string[]> {
  // The layer table starts folded: open it on the Layers tab first.
  // Generous timeouts: a slow build (before a fix) may take minutes to answer a click on a 10,000-node graph.
  await page.getByTestId('tab-layers').click({ timeout: 300_000 });
  await page.getByTestId(`summary-row-${edit.nodeId}`).click({ timeout: 300_000 });
  await page.waitForSelector(`[data-testid="inspector-node"][data-node="${edit.nodeId}"] [data-testid="${edit.testId}"]`);
  const doc = await page.evaluate(() => (window as DebugWindow).__unetStudio!.getDoc());
  const states = edit.values.map((v) => ({ value: String(v), labels: expectedLabels(withParam(doc, edit.nodeId, { [edit.field]: v })) }));
  const changedIds = states[0]!.labels.filter(([id, text], i) => states[1]!.labels[i]![1] !== text || id !== states[1]!.labels[i]![0]).map(([id]) => id);
  const changed = changedIds.length;
  const timings: EditTiming[] = [];
  for (let i = 0; i < graph.warmup + graph.runs; i++) {
    const state = states[i % 2]!;
    const t = await editInPage(page, edit.testId, state.value, state.labels, changedIds);
    if (!t.ok) throw new Error(`${graph.name}, ${edit.what}: the labels never matched after setting ${edit.field}=${state.value}: ${t.mismatches.join('; ')}`);
    if (i >= graph.warmup) timings.push(t);
    // Let the edit's after-work (autosave, effects) finish, as between two edits a person makes.
    await page.waitForTimeout(SETTLE_MS);
  }
  const painted = median(timings.map((t) => t.paintedMs));
  const analysis = median(timings.map((t) => t.analysisMs));
  return [
    graph.name,
    edit.what,
    String(doc.nodes.length),
    `${changed}/${doc.edges.length}`,
    ms(median(timings.map((t) => t.domMs))),
    ms(painted),
    ms(idleMs),
    ms(analysis),
    ms(median(timings.map((t) => t.scratchMs))),
    `${(painted / analysis).toFixed(0)}×`,
    String(timings.length),
  ];
}

const bench: Bench = {
  name: 'editor',
  description: 'inspector edit → every edge label repainted (production build, headless Chromium); peer: core analyzeGraph of the same edit in the same page (incremental; from scratch: on a structured clone)',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'unet-editor-bench-'));
    let server: PreviewServer | undefined;
    let browser: Browser | undefined;
    try {
      const { appDir, coreFile } = await buildApp(dir);
      server = await preview({ root: ROOT, logLevel: 'warn', build: { outDir: appDir }, preview: { host: '127.0.0.1', port: 4190, strictPort: false } });
      const url = server.resolvedUrls?.local[0];
      if (!url) throw new Error('vite preview did not report a URL');
      browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
      const rows: string[][] = [];
      const opens: string[][] = [];
      // BENCH_EDITOR_CASES: only the cases whose name contains it (e.g. "10k").
      const only = process.env.BENCH_EDITOR_CASES;
      for (const graph of CASES.filter((c) => !only || c.name.includes(only))) {
        const { page, openMs } = await openGraph(browser, url, coreFile, graph.file);
        if (openMs !== undefined && graph.file) opens.push([graph.name, String(graph.file.nodes.length), String(graph.file.edges.length), ms(openMs)]);
        await page.waitForTimeout(SETTLE_MS);
        const idleMs = await idleFrameMs(page);
        for (const edit of graph.edits) rows.push(await measureEdits(page, graph, edit, idleMs));
        await page.context().close();
      }
      console.log(
        table(['graph', 'edit (inspector field)', 'nodes', 'labels changed', 'DOM ms', 'painted ms', 'idle frame ms', 'analysis ms (peer)', 'from scratch ms', 'painted/peer', 'edits'], rows),
      );
      console.log('\nOpening a file (Open button → file chosen → drawn, and the page answers frames within 100 ms again), one run each:\n');
      console.log(table(['graph', 'nodes', 'edges', 'open ms'], opens));
      console.log(
        '\nMedians. DOM: edit → last change to the label layer; painted: edit → after the first frame showing every label right' +
          ' (includes waiting for that frame; "idle frame" is that wait with nothing changed). The input-height rows also pay for the input' +
          " inspector's valid-size search, which runs while the input node is selected.",
      );
    } finally {
      await browser?.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
