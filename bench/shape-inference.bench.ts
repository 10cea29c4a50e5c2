import { existsSync, readFileSync } from 'node:fs';
import { analyzeGraph } from '../src/core/analysis';
import { indexGraph, topoOrder } from '../src/core/graph';
import { inferShapes } from '../src/core/infer';
import { nearestValid, validSizes } from '../src/core/solver';
import type { GraphDoc } from '../src/core/types';
import { buildUNet, generatedChain, generatedUNet, PAPER } from './graphs';
import { measure, table, type Bench } from './measure';

const TEMPLATE = new URL('../templates/paper-572.json', import.meta.url);

/** The shipped template when it exists (what users load), else the same network built here. */
function paper(): { doc: GraphDoc; source: string } {
  if (existsSync(TEMPLATE)) return { doc: JSON.parse(readFileSync(TEMPLATE, 'utf8')) as GraphDoc, source: 'templates/paper-572.json' };
  return { doc: buildUNet(PAPER, 'paper-572'), source: 'bench/graphs.ts' };
}

const ms = (t: number) => (t < 1 ? t.toFixed(3) : t.toFixed(2));

/** The peer: indexing plus a topological sort of the same graph — the floor any whole-graph pass pays. */
const topoPass = (doc: GraphDoc) => topoOrder(indexGraph(doc));

const TARGETS = { paperMs: 1, tenThousandMs: 20 };

const bench: Bench = {
  name: 'shape-inference',
  description: 'inferShapes on the paper U-Net and generated graphs; peer: index + topological sort of the same graph',
  run() {
    const { doc: paperDoc, source } = paper();
    const graphs: [string, GraphDoc][] = [[`paper U-Net (${source})`, paperDoc]];
    for (const n of [1000, 5000, 10000]) graphs.push([`chain ${n}`, generatedChain(n)], [`U-shape ${n}`, generatedUNet(n)]);

    const rows: string[][] = [];
    const checks: string[] = [];
    for (const [name, doc] of graphs) {
      const result = inferShapes(doc);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length) throw new Error(`${name}: the benchmark graph has errors: ${errors[0]!.message}`);
      const big = doc.nodes.length > 2000;
      const opts = big ? { warmup: 3, minRuns: 9, minMs: 500 } : { warmup: 50, minRuns: 200, minMs: 300 };
      const infer = measure(() => inferShapes(doc), opts);
      const analyze = measure(() => analyzeGraph(doc), opts);
      const peer = measure(() => topoPass(doc), opts);
      rows.push([
        name,
        String(doc.nodes.length),
        ms(infer.medianMs),
        ((infer.medianMs * 1e6) / doc.nodes.length).toFixed(0),
        ms(analyze.medianMs),
        ms(peer.medianMs),
        `${(infer.medianMs / peer.medianMs).toFixed(1)}×`,
        String(infer.runs),
      ]);
      if (name.startsWith('paper')) checks.push(target('paper U-Net inferShapes', infer.medianMs, TARGETS.paperMs));
      if (doc.nodes.length >= 9000) checks.push(target(`${name} inferShapes`, infer.medianMs, TARGETS.tenThousandMs));
    }
    console.log(table(['graph', 'nodes', 'infer ms', 'ns/node', 'analyze ms', 'topo ms (peer)', 'infer/peer', 'runs'], rows));

    const solver = [
      ['nearestValid at 570×570', measure(() => nearestValid(paperDoc, { h: 570, w: 570 }), { minRuns: 30 })],
      ['analyzeGraph at 570×570 (with size search)', measure(() => analyzeGraph(paperDoc, { input: { h: 570, w: 570 } }), { minRuns: 30 })],
      ['validSizes 64..1024 (961 sizes)', measure(() => validSizes(paperDoc, { min: 64, max: 1024 }), { warmup: 1, minRuns: 5 })],
    ] as const;
    console.log(`\nInput-size solver on the paper U-Net:\n`);
    console.log(table(['task', 'median ms', 'runs'], solver.map(([task, t]) => [task, ms(t.medianMs), String(t.runs)])));
    console.log(`\n${checks.join('\n')}`);
  },
};

function target(what: string, measured: number, limit: number): string {
  return `${measured < limit ? 'ok  ' : 'SLOW'} ${what}: ${ms(measured)} ms (target < ${limit} ms)`;
}

export default bench;
