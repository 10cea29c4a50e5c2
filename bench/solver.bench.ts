/**
 * The input-size search (`src/core/solver.ts`) on the graphs of issue 11, where it used to dominate analysis:
 * `analyzeGraph` with the search (the default, run after every edit) against the same analysis without it (the
 * peer, `solve: false`), plus the search calls the UI and CLI make directly. BENCH_FULL=1 adds the 50,000-node
 * graphs (before the analytic search these took minutes each; expect ~1 min in all).
 */
import { existsSync, readFileSync } from 'node:fs';
import { analyzeGraph } from '../src/core/analysis';
import { nearestValid, validSizes } from '../src/core/solver';
import type { GraphDoc } from '../src/core/types';
import { buildUNet, cropBomb, generatedUNet, PAPER, uncroppedUNet, validChain } from './graphs';
import { measure, table, type Bench, type Timing } from './measure';

const TEMPLATE = new URL('../templates/paper-572.json', import.meta.url);
const paper = (): GraphDoc =>
  existsSync(TEMPLATE) ? (JSON.parse(readFileSync(TEMPLATE, 'utf8')) as GraphDoc) : buildUNet(PAPER, 'paper-572');

const ms = (t: number) => (t < 1 ? t.toFixed(3) : t < 100 ? t.toFixed(2) : t.toFixed(0));

/** Few runs for slow calls: one timed run when a single call takes over a second. */
function time(fn: () => unknown): Timing {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  if (first > 1000) return { medianMs: first, minMs: first, runs: 1 };
  return measure(fn, { warmup: first > 50 ? 1 : 5, minRuns: first > 50 ? 3 : 15, minMs: 300 });
}

interface Case {
  name: string;
  doc: GraphDoc;
  input?: { h: number; w: number };
}

const bench: Bench = {
  name: 'solver',
  description: 'input-size search inside analyzeGraph on the issue-11 graphs; peer: the same analysis without the search',
  run() {
    const full = process.env.BENCH_FULL === '1';
    const cases: Case[] = [
      { name: 'paper U-Net at 570 (invalid: 556/572 nearest)', doc: paper(), input: { h: 570, w: 570 } },
      { name: 'paper U-Net at 570×600', doc: paper(), input: { h: 570, w: 600 } },
      { name: 'same-padded U-Net, 1,000 nodes, at 63 (16-multiples valid)', doc: generatedUNet(1000), input: { h: 63, w: 63 } },
      { name: 'uncropped valid U-Net (no size valid)', doc: uncroppedUNet(203) },
      { name: '16384² → conv → 200 ReLU → crop 16384', doc: cropBomb(200) },
      { name: '16384² → conv → 2,000 ReLU → crop 16384', doc: cropBomb(2000) },
      { name: '2,000 valid convs at 572', doc: validChain(2000) },
    ];
    if (full)
      cases.push(
        { name: '16384² → conv → 50,000 ReLU → crop 16384', doc: cropBomb(50000) },
        { name: '50,000 valid convs at 572', doc: validChain(50000) },
      );

    const rows: string[][] = [];
    for (const c of cases) {
      const without = time(() => analyzeGraph(c.doc, { input: c.input, solve: false }));
      const withSearch = time(() => analyzeGraph(c.doc, { input: c.input }));
      const a = analyzeGraph(c.doc, { input: c.input });
      const hint = a.diagnostics.find((d) => d.code === 'input-size');
      const verdict = hint ? hint.message.replace(/^.*nearest valid sizes: /, '') : a.errorCount ? 'none' : 'valid';
      rows.push([
        c.name,
        String(c.doc.nodes.length),
        ms(without.medianMs),
        ms(withSearch.medianMs),
        `${(withSearch.medianMs / without.medianMs).toFixed(1)}×`,
        verdict,
      ]);
    }
    console.log(table(['graph', 'nodes', 'analyze, no search ms (peer)', 'analyze + search ms', 'ratio', 'suggested'], rows));

    const doc = paper();
    const direct = [
      ['nearestValid(paper, 570×570)', time(() => nearestValid(doc, { h: 570, w: 570 }))],
      ['validSizes(paper, 64..1024)', time(() => validSizes(doc, { min: 64, max: 1024 }))],
      ['validSizes(paper, 1..16384)', time(() => validSizes(doc, { min: 1, max: 16384 }))],
    ] as const;
    console.log('\nDirect calls (UI input panel, `unet-studio sizes`):\n');
    console.log(table(['call', 'median ms', 'runs'], direct.map(([what, t]) => [what, ms(t.medianMs), String(t.runs)])));
  },
};

export default bench;
