// The analysis reuses per-node work across document revisions (memoised on the store's frozen node objects and
// edges array). A seeded walk of random edits through the store checks after every one that the incremental
// result equals a from-scratch one on a structured clone (unfrozen, so nothing can be reused).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, type AnalysisOptions } from '../../src/core/analysis';
import { freeze } from 'immer';
import { parseGraph } from '../../src/core/format';
import { inferShapes } from '../../src/core/infer';
import { getOp, opTypes } from '../../src/core/ops';
import type { ParamSpec } from '../../src/core/params';
import type { GraphIndex } from '../../src/core/graph';
import type { ShapeReport } from '../../src/core/infer';
import type { GraphDoc, ParamValue } from '../../src/core/types';
import { addNode, connect, removeElements, setLabel, setParams } from '../../src/state/commands';
import { createEditorStore, EditRefused, type EditorStore } from '../../src/state/store';
import { rng as mulberry32 } from '../../scripts/make-samples';

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T,>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const template = (name: string): GraphDoc => {
  const parsed = parseGraph(readFileSync(new URL(`../../templates/${name}.json`, import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(`${name} does not parse`);
  return parsed.doc;
};

/** Mostly values the op accepts (so shapes flow and change), some it refuses (so diagnostics come and go). */
function paramValue(rng: Rng, field: string, spec: ParamSpec): ParamValue {
  if (rng() < 0.1) return pick(rng, [0, -3, 1.5, 'abc']);
  if (field === 'height' || field === 'width') return int(rng, 60, 580);
  switch (spec.type) {
    case 'int':
      return int(rng, spec.min ?? 1, Math.min(spec.max ?? 8, (spec.min ?? 1) + 7));
    case 'float':
      return (spec.min ?? 0) + rng() * 0.5;
    case 'bool':
      return rng() < 0.5;
    case 'choice':
      return pick(rng, spec.choices); // crop/pad mode "like" adds a port, other modes drop it
    case 'padding':
      return pick(rng, ['valid', 'same', 0, 1, 2] as const);
  }
}

function step(rng: Rng, store: EditorStore): string {
  const { doc } = store.getState();
  const anyNode = () => (doc.nodes.length ? pick(rng, doc.nodes).id : 'ghost');
  const r = rng();
  if (r < 0.4) {
    const node = pick(rng, doc.nodes);
    const specs = Object.entries(getOp(node.op)?.params ?? {});
    if (!specs.length) return 'setParams (none)';
    const [field, spec] = pick(rng, specs);
    const patch = { [field]: paramValue(rng, field, spec) };
    setParams(store, node.id, patch);
    return `setParams ${node.id} ${JSON.stringify(patch)}`;
  }
  if (r < 0.5) {
    setLabel(store, anyNode(), pick(rng, ['', 'skip', 'enc → dec']));
    return 'setLabel';
  }
  if (r < 0.6) {
    const source = anyNode();
    const target = anyNode();
    connect(store, { source, target, targetPort: int(rng, 0, 2) });
    return `connect ${source}→${target}`;
  }
  if (r < 0.7) {
    const edges = doc.edges.length ? [pick(rng, doc.edges).id] : [];
    const nodes = rng() < 0.3 ? [anyNode()] : [];
    removeElements(store, { nodes, edges });
    return `remove ${nodes} ${edges}`;
  }
  if (r < 0.78) {
    const op = pick(rng, opTypes());
    try {
      addNode(store, op, { x: int(rng, -500, 500), y: int(rng, -500, 500) });
    } catch (err) {
      if (!(err instanceof EditRefused)) throw err;
    }
    return `addNode ${op}`;
  }
  if (r < 0.9) {
    store.undo();
    return 'undo';
  }
  store.redo();
  return 'redo';
}

// The Map-based peak-memory and longest-path passes the analysis used before its array plan (analysisPlan.ts),
// kept here as the reference the plan must agree with.
function referencePeak(shapes: ShapeReport, index: GraphIndex): number {
  const { order, nodes } = shapes;
  const consumersLeft = new Map<string, number>();
  for (const id of order) for (const e of index.incoming.get(id)!) consumersLeft.set(e.source, (consumersLeft.get(e.source) ?? 0) + 1);
  const returned = (id: string) => index.outgoing.get(id)!.some((e) => nodes.get(e.target)!.op?.type === 'output');
  let live = 0;
  let peak = 0;
  for (const id of order) {
    live += nodes.get(id)!.bytes;
    peak = Math.max(peak, live);
    for (const e of index.incoming.get(id)!) {
      const left = consumersLeft.get(e.source)! - 1;
      consumersLeft.set(e.source, left);
      if (left === 0 && !returned(e.source)) live -= nodes.get(e.source)!.bytes;
    }
    if (!consumersLeft.has(id)) live -= nodes.get(id)!.bytes;
  }
  return peak;
}

function referencePath(shapes: ShapeReport, index: GraphIndex): string[] {
  const depth = new Map<string, number>();
  for (const id of shapes.order) {
    let best = 0;
    for (const e of index.incoming.get(id)!) best = Math.max(best, depth.get(e.source)! + 1);
    depth.set(id, best);
  }
  let end: string | undefined;
  let endIsOutput = false;
  for (const id of shapes.order) {
    if (index.outgoing.get(id)!.length > 0) continue;
    const isOutput = shapes.nodes.get(id)!.op?.type === 'output';
    if (end === undefined || (isOutput && !endIsOutput) || (isOutput === endIsOutput && depth.get(id)! > depth.get(end)!))
      (end = id), (endIsOutput = isOutput);
  }
  const path: string[] = [];
  for (let id = end; id !== undefined; ) {
    path.push(id);
    const d = depth.get(id)!;
    let next: { source: string; port: number } | undefined;
    for (const e of index.incoming.get(id)!)
      if (depth.get(e.source) === d - 1 && (!next || e.targetPort < next.port)) next = { source: e.source, port: e.targetPort };
    id = d === 0 ? undefined : next?.source;
  }
  return path.reverse();
}

describe('incremental analysis', () => {
  for (const [name, seed] of [['paper-crop', 11], ['attention-unet', 12], ['res-unet', 13], ['paper-572', 14]] as const) {
    it(`equals a from-scratch analysis after every random edit (${name}, seed ${seed})`, () => {
      const rng = mulberry32(seed);
      const store = createEditorStore(template(name));
      const options: AnalysisOptions = { solve: false };
      let hits = 0;
      for (let i = 0; i < 250; i++) {
        const what = step(rng, store);
        // Sometimes several edits land between two analyses (the UI skips revisions it never painted).
        if (rng() < 0.2) continue;
        const doc = store.getState().doc;
        const scratchDoc = structuredClone(doc);
        expect(Object.isFrozen(doc.nodes[0]) && !Object.isFrozen(scratchDoc.nodes[0]), 'the store freezes, the clone does not').toBe(true);
        const incremental = analyzeGraph(doc, options);
        expect(incremental, `step ${i}: ${what}`).toEqual(analyzeGraph(scratchDoc, options));
        // The whole report, in the order callers iterate it (Map insertion order, diagnostic order).
        expect([...incremental.shapes.nodes.keys()], `step ${i}: ${what}`).toEqual([...inferShapes(scratchDoc).nodes.keys()]);
        expect(incremental.diagnostics.map((d) => `${d.nodeId} ${d.code} ${d.message}`)).toEqual(analyzeGraph(scratchDoc, options).diagnostics.map((d) => `${d.nodeId} ${d.code} ${d.message}`));
        const { shapes } = incremental;
        expect(incremental.totals.peakBytes, `step ${i}: ${what} (peak)`).toBe(referencePeak(shapes, shapes.index));
        expect(incremental.mainPath.map((p) => p.id), `step ${i}: ${what} (main path)`).toEqual(referencePath(shapes, shapes.index));
        if (i % 25 === 0) {
          // With the size search too (a generous budget, so it always finishes and the two answers can agree).
          const solving: AnalysisOptions = { sizeSearchBudgetMs: 60_000 };
          expect(analyzeGraph(doc, solving), `step ${i}: ${what} (with size search)`).toEqual(analyzeGraph(structuredClone(doc), solving));
        }
        // Reused work shows as the same NodeInfo object in two successive analyses.
        const again = analyzeGraph(doc, options);
        for (const [id, info] of again.shapes.nodes) if (incremental.shapes.nodes.get(id) === info) hits++;
      }
      expect(hits, 'the memo was used (else this test checks nothing)').toBeGreaterThan(100);
    });
  }
});

describe('incremental analysis, hand-made revisions', () => {
  const node = (id: string, op: string, params = {}) => ({ id, op, params, position: { x: 0, y: 0 } });
  const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target, targetPort: 0 });
  // i → a → o1 (output) and a → b → c → o2: o1 returns a's tensor, so it stays alive while b and c run.
  const edges = freeze([edge('i', 'a'), edge('a', 'o1'), edge('a', 'b'), edge('b', 'c'), edge('c', 'o2')], true);
  const conv = { filters: 4, kernel: 3, padding: 'same' };
  const nodes = [node('i', 'input', { channels: 1, height: 16, width: 16 }), node('a', 'conv2d', conv), node('o1', 'output'), node('b', 'conv2d', conv), node('c', 'conv2d', conv), node('o2', 'output')];
  const doc = (list: typeof nodes) => freeze({ nodes: list, edges }, true);

  it('keeps a tensor an output returns alive to the end', () => {
    const analysis = analyzeGraph(doc(nodes));
    // Order i, a, o1, b, c, o2: a (4×16×16 fp32) stays while b and c run, so a, b and c are live at once.
    expect(analysis.totals.peakBytes).toBe(3 * 4 * 16 * 16 * 4);
    expect(analysis.totals.peakBytes).toBe(referencePeak(analysis.shapes, analysis.shapes.index));
  });

  it('notices a node that stops being an output though the edges array is the same', () => {
    const before = doc(nodes);
    expect(analyzeGraph(before).mainPath.map((p) => p.id)).toEqual(['i', 'a', 'b', 'c', 'o2']);
    // The same (frozen) edges array, o2 now a plain activation: o1 is the only output, so the path ends there.
    const after = doc(nodes.map((n) => (n.id === 'o2' ? node('o2', 'activation') : n)));
    const incremental = analyzeGraph(after);
    expect(incremental).toEqual(analyzeGraph(structuredClone(after)));
    expect(incremental.mainPath.map((p) => p.id)).toEqual(['i', 'a', 'o1']);
  });
});

describe('incremental analysis on a 10,000-node graph', () => {
  it('equals the analysis from scratch after label and filter edits (and prints both times)', async () => {
    const { generatedUNet } = await import('../../bench/graphs');
    const store = createEditorStore(generatedUNet(10_000));
    const convs = store.getState().doc.nodes.filter((n) => n.op === 'conv2d').map((n) => n.id);
    analyzeGraph(store.getState().doc);
    const times = { scratch: [] as number[], incremental: [] as number[] };
    for (let i = 0; i < 4; i++) {
      const id = convs[(i * 7919) % convs.length]!;
      if (i % 2) setParams(store, id, { filters: 9 + i });
      else setLabel(store, id, `conv ${i}`);
      const doc = store.getState().doc;
      const clone = structuredClone(doc);
      let t = performance.now();
      const scratch = analyzeGraph(clone);
      times.scratch.push(performance.now() - t);
      t = performance.now();
      const incremental = analyzeGraph(doc);
      times.incremental.push(performance.now() - t);
      expect(incremental).toEqual(scratch);
    }
    // A print, not an assertion: timings depend on the machine and its load (BENCHMARKS.md, bench/analysisEdit.ts).
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
    console.log(`10k-node analysis per edit — from scratch: ${fmt(times.scratch)} ms; incremental: ${fmt(times.incremental)} ms`);
  }, 60_000);
});
