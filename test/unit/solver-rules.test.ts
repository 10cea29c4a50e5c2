/**
 * The analytic input-size search against the definition it replaces: one full shape pass per candidate size.
 * Random graphs of every op (random params, skips, second inputs, crops and pads to fixed sizes) and every
 * template, compared answer for answer; plus the time budget and the per-op size rules on their own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { inferShapes } from '../../src/core/infer';
import { OPS } from '../../src/core/ops';
import { isCleanShapeReport, nearestValid, searchValidSizes, sizeIndependentErrors, validSizes, type NearestSizes, type NearestValid } from '../../src/core/solver';
import type { GraphDoc, GraphEdge, GraphNode, Params } from '../../src/core/types';
import { planSizes, validAlong } from '../../src/core/sizeSets';
import { rng as mulberry32 } from '../../scripts/make-samples';

type Graph = Pick<GraphDoc, 'nodes' | 'edges'>;
const MIN = 1;
const MAX = 16384;

/** The search as it was: every candidate size is one inferShapes pass (solver.ts before the size rules). */
function bruteForce(doc: Graph, size: { h: number; w: number }, maxDistance: number): NearestValid {
  const none: NearestValid = { h: {}, w: {}, suggestions: [] };
  const clamp = (n: number) => Math.min(MAX, Math.max(MIN, n));
  if (sizeIndependentErrors(inferShapes(doc, { input: { h: clamp(size.h), w: clamp(size.w) } })).length) return none;
  const seen = new Map<string, boolean>();
  const test = (h: number, w: number) => {
    if (h < MIN || w < MIN || h > MAX || w > MAX) return false;
    const key = `${h}x${w}`;
    if (!seen.has(key)) seen.set(key, isCleanShapeReport(inferShapes(doc, { input: { h, w } })));
    return seen.get(key)!;
  };
  const scan = (t: (s: number) => boolean, from: number, step: 1 | -1) => {
    for (let d = 0; d <= maxDistance; d++) {
      const s = from + step * d;
      if (s < MIN || s > MAX) return undefined;
      if (t(s)) return s;
    }
    return undefined;
  };
  const { h, w } = size;
  let hRef = h;
  let wRef = w;
  if (!test(h, w)) {
    let square: number | undefined;
    for (let d = 0; d <= maxDistance + Math.abs(h - w) && square === undefined; d++) {
      if (test(w + d, w + d)) square = w + d;
      else if (d > 0 && test(w - d, w - d)) square = w - d;
    }
    if (square === undefined) return none;
    hRef = wRef = square;
  }
  const hNear: NearestSizes = { below: scan((s) => test(s, wRef), h, -1), above: scan((s) => test(s, wRef), h, 1) };
  const wNear: NearestSizes = { below: scan((s) => test(hRef, s), w, -1), above: scan((s) => test(hRef, s), w, 1) };
  const nearer = (x: number, n: NearestSizes) =>
    n.below === undefined || n.above === undefined ? [n.below ?? n.above, undefined] : x - n.below < n.above - x ? [n.below, n.above] : [n.above, n.below];
  const [hFirst, hSecond] = nearer(h, hNear);
  const [wFirst, wSecond] = nearer(w, wNear);
  const suggestions: { h: number; w: number }[] = [];
  const offer = (sh: number | undefined, sw: number | undefined) => {
    if (sh === undefined || sw === undefined || suggestions.some((s) => s.h === sh && s.w === sw)) return;
    if (test(sh, sw)) suggestions.push({ h: sh, w: sw });
  };
  offer(hFirst, wFirst);
  offer(hSecond ?? hFirst, wSecond ?? wFirst);
  return { h: hNear, w: wNear, suggestions };
}

const bruteSquares = (doc: Graph, min: number, max: number) => {
  if (sizeIndependentErrors(inferShapes(doc, { input: { h: min, w: min } })).length) return [];
  const sizes: number[] = [];
  for (let s = min; s <= max; s++) if (isCleanShapeReport(inferShapes(doc, { input: { h: s, w: s } }))) sizes.push(s);
  return sizes;
};

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T,>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** A random DAG from the input: every op, small random params, random skips; often broken, sometimes valid. */
function randomGraph(rng: Rng): GraphDoc {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const channels = new Map<string, number>();
  const add = (id: string, op: string, params: Params, sources: string[], c: number) => {
    nodes.push({ id, op, params, position: { x: 0, y: nodes.length * 100 } });
    sources.forEach((source, port) => edges.push({ id: `e${edges.length}`, source, target: id, targetPort: port }));
    channels.set(id, c);
    return id;
  };
  const ids = [add('in', 'input', { channels: 4, height: int(rng, 8, 90), width: int(rng, 8, 90) }, [], 4)];
  if (rng() < 0.2) ids.push(add('in2', 'input', { channels: 4, height: int(rng, 4, 40), width: int(rng, 4, 40) }, [], 4));
  const padding = () => pick(rng, ['valid', 'same', 0, 1, 2] as const);
  const steps = int(rng, 1, 9);
  for (let i = 0; i < steps; i++) {
    const x = rng() < 0.7 ? ids[ids.length - 1]! : pick(rng, ids);
    const y = pick(rng, ids);
    const cx = channels.get(x)!;
    const id = `n${i}`;
    const size = () => ({ mode: 'size', height: int(rng, 1, 60), width: rng() < 0.5 ? int(rng, 1, 60) : undefined });
    const fixed = (p: { mode: string; height: number; width?: number }) => ({ ...p, width: p.width ?? p.height });
    switch (int(rng, 0, 12)) {
      case 0:
        ids.push(add(id, 'conv2d', { filters: 4, kernel: int(rng, 1, 5), stride: int(rng, 1, 3), dilation: rng() < 0.8 ? 1 : 2, padding: padding() }, [x], 4));
        break;
      case 1:
        ids.push(add(id, pick(rng, ['maxPool2d', 'avgPool2d']), { size: int(rng, 1, 4), stride: int(rng, 1, 3), padding: pick(rng, ['valid', 'same']) }, [x], cx));
        break;
      case 2:
        ids.push(add(id, 'conv2dTranspose', { filters: 4, kernel: int(rng, 1, 4), stride: int(rng, 1, 3), padding: pick(rng, ['valid', 'same', 0, 1, 3] as const) }, [x], 4));
        break;
      case 3:
        ids.push(add(id, 'upsample', { factor: int(rng, 1, 3) }, [x], cx));
        break;
      case 4:
        ids.push(add(id, 'concat', {}, [x, y], cx + channels.get(y)!));
        break;
      case 5:
        ids.push(add(id, 'add', {}, [x, y], cx));
        break;
      case 6:
        ids.push(rng() < 0.5 ? add(id, 'crop', { mode: 'like' }, [x, y], cx) : add(id, 'crop', fixed(size()), [x], cx));
        break;
      case 7: {
        const fill = rng() < 0.4 ? 'reflect' : 'zero';
        ids.push(rng() < 0.5 ? add(id, 'pad', { mode: 'like', fill }, [x, y], cx) : add(id, 'pad', { ...fixed(size()), fill }, [x], cx));
        break;
      }
      case 8:
        ids.push(add(id, 'depthToSpace', { blockSize: 2 }, [x], cx / 4));
        break;
      case 9:
        ids.push(add(id, 'residualBlock', { filters: 4, kernel: pick(rng, [1, 3, 5]), stride: int(rng, 1, 3), shortcut: 'conv' }, [x], 4));
        break;
      case 10:
        ids.push(add(id, 'attentionGate', { filters: 2 }, [x, y], cx));
        break;
      default:
        ids.push(add(id, pick(rng, ['activation', 'batchNorm', 'dropout']), {}, [x], cx));
    }
  }
  add('out', 'output', {}, [ids[ids.length - 1]!], 0);
  return { format: 'unet-studio/graph', version: 2, name: 'random', nodes, edges };
}

const strip = (r: NearestValid) => ({ h: r.h, w: r.w, suggestions: r.suggestions });

describe('the analytic search agrees with one shape pass per size', () => {
  it('on 400 random graphs of every op: nearestValid at three sizes and validSizes over 1..130', () => {
    const rng = mulberry32(20261122);
    let withSuggestions = 0;
    let valid = 0;
    let rulesChecked = 0;
    for (let g = 0; g < 400; g++) {
      const doc = randomGraph(rng);
      const input = doc.nodes[0]!.params;
      const sizes = [
        { h: input.height as number, w: input.width as number },
        { h: int(rng, 1, 120), w: int(rng, 1, 120) },
        { h: int(rng, 1, 40), w: int(rng, 1, 40) },
      ];
      for (const size of sizes) {
        const expected = bruteForce(doc, size, 48);
        const got = nearestValid(doc, size, { maxDistance: 48, budgetMs: 60_000 });
        expect(strip(got), `graph ${g} at ${size.h}×${size.w}: ${JSON.stringify(doc)}`).toEqual(expected);
        expect(got.partial).toBeUndefined();
        if (expected.suggestions.length) withSuggestions++;
        if (expected.h.below === size.h && expected.w.below === size.w) valid++;
      }
      const squares = bruteSquares(doc, 1, 130);
      expect(validSizes(doc, { min: 1, max: 130 }, { budgetMs: 60_000 }), `graph ${g}: ${JSON.stringify(doc)}`).toEqual(squares);
      // The rules themselves, not only the answers (a disagreement would fall back to shape passes and hide here).
      const base = inferShapes(doc, { input: { h: 64, w: 64 } });
      const plan = sizeIndependentErrors(base).length ? undefined : planSizes(base);
      if (plan && squares.length) {
        rulesChecked++;
        const hs = validAlong(plan, 'h', 1, 130, Infinity)!;
        const ws = validAlong(plan, 'w', 1, 130, Infinity)!;
        for (let i = 0; i < 30; i++) {
          const [h, w] = [int(rng, 1, 130), int(rng, 1, 130)];
          const clean = isCleanShapeReport(inferShapes(doc, { input: { h, w } }));
          expect(hs[h - 1] === 1 && ws[w - 1] === 1, `graph ${g} at ${h}×${w}: ${JSON.stringify(doc)}`).toBe(clean);
        }
      }
    }
    // The generator must exercise both outcomes, or the comparison proves little.
    expect(withSuggestions).toBeGreaterThan(150);
    expect(valid).toBeGreaterThan(40);
    expect(rulesChecked).toBeGreaterThan(100);
  });

  const dir = new URL('../../templates/', import.meta.url);
  it.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('on templates/%s at sizes around its own', (file) => {
    const doc = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as GraphDoc;
    const input = doc.nodes.find((n) => n.op === 'input')!.params;
    const h0 = (input.height as number) ?? 572;
    for (const size of [{ h: h0, w: h0 }, { h: h0 - 3, w: h0 + 5 }, { h: 101, w: 77 }])
      expect(strip(nearestValid(doc, size, { maxDistance: 40, budgetMs: 60_000 }))).toEqual(bruteForce(doc, size, 40));
    expect(validSizes(doc, { min: h0 - 40, max: h0 + 40 })).toEqual(bruteSquares(doc, h0 - 40, h0 + 40));
  });
});

/** input 1×1×16384 → 3×3 valid conv → `n` ReLUs → crop to 16384² (issue 11): no size is valid. */
function cropBomb(n: number): GraphDoc {
  const nodes: GraphNode[] = [{ id: 'input', op: 'input', params: { channels: 1, height: 16384, width: 16384 }, position: { x: 0, y: 0 } }];
  nodes.push({ id: 'conv', op: 'conv2d', params: { filters: 1, kernel: 3 }, position: { x: 0, y: 0 } });
  for (let i = 0; i < n; i++) nodes.push({ id: `a${i}`, op: 'activation', params: {}, position: { x: 0, y: 0 } });
  nodes.push({ id: 'crop', op: 'crop', params: { mode: 'size', height: 16384, width: 16384 }, position: { x: 0, y: 0 } });
  nodes.push({ id: 'output', op: 'output', params: {}, position: { x: 0, y: 0 } });
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i]!.id, target: n.id, targetPort: 0 }));
  return { format: 'unet-studio/graph', version: 2, name: 'bomb', nodes, edges };
}

describe('the search is bounded', () => {
  it('the issue-11 crop bomb (20,000 activations): no valid size, answered without a shape pass per size', () => {
    const doc = cropBomb(20_000);
    const t0 = performance.now();
    const analysis = analyzeGraph(doc);
    const r = nearestValid(doc, { h: 16384, w: 16384 }, { budgetMs: 60_000 });
    const elapsed = performance.now() - t0;
    expect(r).toEqual({ h: {}, w: {}, suggestions: [] });
    expect(analysis.diagnostics.map((d) => d.code)).toContain('crop-too-large');
    // One shape pass of 20,000 nodes takes ~20 ms; the brute-force search made over 1,000 of them.
    expect(elapsed).toBeLessThan(20_000);
  });

  it('a budget of 0 ms answers at once, flagged partial, in nearestValid, validSizes and analyzeGraph', () => {
    const doc = cropBomb(10);
    expect(nearestValid(doc, { h: 100, w: 100 }, { budgetMs: 0 }).partial).toEqual({ radius: 0, budgetMs: 0 });
    const sizes = searchValidSizes(doc, { min: 1, max: 16384 }, { budgetMs: 0 });
    expect(sizes).toMatchObject({ complete: false, checkedUpTo: 0, sizes: [] });
    const analysis = analyzeGraph(doc, { input: { h: 100, w: 100 }, sizeSearchBudgetMs: 0 });
    expect(analysis.diagnostics.find((d) => d.code === 'input-size-search')?.message).toMatch(/stopped after 0 ms/);
  });
});

describe('op size rules', () => {
  it('every op with inputs declares one (ops without fall back to a shape pass per size)', () => {
    const missing = OPS.filter((op) => op.type !== 'input' && !op.size).map((op) => op.type);
    expect(missing).toEqual([]);
  });
});
