import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../src/core/infer';
import { isCleanShapeReport, nearestValid, validSizes } from '../../src/core/solver';
import type { GraphDoc } from '../../src/core/types';

const load = (path: string): GraphDoc => JSON.parse(readFileSync(new URL(`../fixtures/cli/${path}`, import.meta.url), 'utf8')) as GraphDoc;
// Built by bench/graphs.ts independently of the template builder.
const paper = load('paper-572.json');
const twoBranch = load('two-branch.json');

describe('validSizes', () => {
  it('finds the paper sizes: every pooled size even, so 16 apart, the smallest 188', () => {
    expect(validSizes(paper, { min: 1, max: 300 })).toEqual([188, 204, 220, 236, 252, 268, 284, 300]);
    const sizes = validSizes(paper, { min: 64, max: 1024 });
    expect(sizes).toContain(572);
    expect(sizes).not.toContain(570);
    expect(sizes.every((s) => s % 16 === 572 % 16)).toBe(true);
    expect(sizes).toHaveLength(53);
  });

  it('agrees with the engine: every listed size is clean, every other size is not', () => {
    const sizes = new Set(validSizes(twoBranch, { min: 1, max: 40 }));
    for (let s = 1; s <= 40; s++) expect(isCleanShapeReport(inferShapes(twoBranch, { input: { h: s, w: s } })), `size ${s}`).toBe(sizes.has(s));
    expect([...sizes]).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40]);
  });

  it('clamps to the input limits and returns nothing for an empty range or a structurally broken graph', () => {
    expect(validSizes(twoBranch, { min: -5, max: 3 })).toEqual([2]);
    expect(validSizes(twoBranch, { min: 16380, max: 20000 })).toEqual([16380, 16382, 16384]);
    expect(validSizes(twoBranch, { min: 10, max: 5 })).toEqual([]);
    const broken = { ...twoBranch, nodes: twoBranch.nodes.map((n) => (n.id === 'head' ? { ...n, op: 'mystery' } : n)) };
    expect(validSizes(broken, { min: 1, max: 64 })).toEqual([]);
  });
});

describe('nearestValid', () => {
  it('paper at 570: 556 below, 572 above, nearest first', () => {
    const r = nearestValid(paper, { h: 570, w: 570 });
    expect(r.h).toEqual({ below: 556, above: 572 });
    expect(r.w).toEqual({ below: 556, above: 572 });
    expect(r.suggestions).toEqual([{ h: 572, w: 572 }, { h: 556, w: 556 }]);
  });

  it('a valid size is its own nearest', () => {
    const r = nearestValid(paper, { h: 572, w: 572 });
    expect(r.h).toEqual({ below: 572, above: 572 });
    expect(r.suggestions).toEqual([{ h: 572, w: 572 }]);
  });

  it('searches H and W separately when they differ', () => {
    const r = nearestValid(paper, { h: 570, w: 600 });
    expect(r.h).toEqual({ below: 556, above: 572 });
    expect(r.w).toEqual({ below: 588, above: 604 });
    expect(r.suggestions).toEqual([{ h: 572, w: 604 }, { h: 556, w: 588 }]);
    // Only H is wrong here: W keeps its value.
    const onlyH = nearestValid(twoBranch, { h: 15, w: 16 });
    expect(onlyH.suggestions).toEqual([{ h: 16, w: 16 }, { h: 14, w: 16 }]);
  });

  it('handles graphs whose valid sizes differ per dimension (a fixed-size crop)', () => {
    // input → crop to 100×40 → output: H must be ≥ 100, W ≥ 40.
    const crop: GraphDoc = {
      ...twoBranch,
      nodes: [
        { id: 'input', op: 'input', params: { height: 30, width: 30 }, position: { x: 0, y: 0 } },
        { id: 'crop', op: 'crop', params: { mode: 'size', height: 100, width: 40 }, position: { x: 0, y: 100 } },
        { id: 'output', op: 'output', params: {}, position: { x: 0, y: 200 } },
      ],
      edges: [
        { id: 'e1', source: 'input', target: 'crop', targetPort: 0 },
        { id: 'e2', source: 'crop', target: 'output', targetPort: 0 },
      ],
    };
    const r = nearestValid(crop, { h: 30, w: 30 });
    expect(r.h).toEqual({ below: undefined, above: 100 });
    expect(r.w).toEqual({ below: undefined, above: 40 });
    expect(r.suggestions).toEqual([{ h: 100, w: 40 }]);
  });

  it('gives up within maxDistance, and at once on structural errors', () => {
    expect(nearestValid(paper, { h: 570, w: 570 }, { maxDistance: 1 }).suggestions).toEqual([]);
    const broken = { ...paper, edges: paper.edges.filter((e) => e.target !== 'cat2') };
    expect(nearestValid(broken, { h: 570, w: 570 })).toEqual({ h: {}, w: {}, suggestions: [] });
  });
});
