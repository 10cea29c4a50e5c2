// The analysis reuses per-node work across document revisions (memoised on the store's frozen node objects and
// edges array). A seeded walk of random edits through the store checks after every one that the incremental
// result equals a from-scratch one on a structured clone (unfrozen, so nothing can be reused).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, type AnalysisOptions } from '../../src/core/analysis';
import { parseGraph } from '../../src/core/format';
import { inferShapes } from '../../src/core/infer';
import { getOp, opTypes } from '../../src/core/ops';
import type { ParamSpec } from '../../src/core/params';
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
