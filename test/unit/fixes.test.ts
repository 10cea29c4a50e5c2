import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Fix } from '../../src/core/diagnostics';
import { applyAction, applyFix, FixError } from '../../src/core/fixes';
import { uniqueId } from '../../src/core/ids';
import { inferShapes } from '../../src/core/infer';
import type { GraphDoc } from '../../src/core/types';

const load = (path: string): GraphDoc => JSON.parse(readFileSync(new URL(`../fixtures/cli/${path}`, import.meta.url), 'utf8')) as GraphDoc;
const odd = load('two-branch-odd.json');
const paper = load('paper-572.json');
const errors = (doc: GraphDoc) => inferShapes(doc).diagnostics.filter((d) => d.severity === 'error');
const concatFixes = (doc: GraphDoc): Fix[] => errors(doc).find((d) => d.code === 'concat-mismatch')!.fixes!;

describe('applyFix with the fixes concat offers', () => {
  it('inserting crop(like) before the larger input clears the mismatch', () => {
    const before = structuredClone(odd);
    const crop = concatFixes(odd).find((f) => f.label.startsWith('Insert crop'))!;
    const fixed = applyFix(odd, crop);
    expect(errors(fixed)).toEqual([]);
    expect(odd).toEqual(before); // pure: the original is untouched

    const node = fixed.nodes.find((n) => n.id === 'crop_join_0')!;
    expect(node).toMatchObject({ op: 'crop', params: { mode: 'like' } });
    // Halfway between the branch it cuts (left at -100,200) and the concat (0,300).
    expect(node.position).toEqual({ x: -50, y: 250 });
    const wires = fixed.edges.filter((e) => e.source === 'crop_join_0' || e.target === 'crop_join_0');
    expect(wires.map((e) => [e.source, e.target, e.targetPort])).toEqual([
      ['left', 'crop_join_0', 0],
      ['crop_join_0', 'join', 0],
      ['right', 'crop_join_0', 1],
    ]);
    expect(fixed.edges.some((e) => e.source === 'left' && e.target === 'join')).toBe(false);
    expect(inferShapes(fixed).nodes.get('join')!.output).toEqual({ c: 8, h: 7, w: 7 });
  });

  it('inserting pad(like) before the smaller input clears it too', () => {
    const pad = concatFixes(odd).find((f) => f.label.startsWith('Insert pad'))!;
    const fixed = applyFix(odd, pad);
    expect(errors(fixed)).toEqual([]);
    expect(inferShapes(fixed).nodes.get('join')!.output).toEqual({ c: 8, h: 8, w: 8 });
    expect(fixed.nodes.map((n) => n.id)).toContain('pad_join_1');
  });

  it('keeps new node and edge ids unique when the same spot is fixed twice', () => {
    const crop = concatFixes(odd).find((f) => f.label.startsWith('Insert crop'))!;
    const twice = applyFix(applyFix(odd, crop), crop);
    expect(twice.nodes.map((n) => n.id).filter((id) => id.startsWith('crop_join_0'))).toEqual(['crop_join_0', 'crop_join_0_2']);
    expect(new Set(twice.edges.map((e) => e.id)).size).toBe(twice.edges.length);
    expect(errors(twice)).toEqual([]);
  });
});

describe('applyAction', () => {
  it('setParams merges into the node, leaving the others as they were', () => {
    const doc = applyAction(paper, { kind: 'setParams', nodeId: 'input', params: { height: 570 } });
    expect(doc.nodes[0]!.params).toEqual({ ...paper.nodes[0]!.params, height: 570 });
    expect(paper.nodes[0]!.params.height).toBe(572);
    expect(doc.nodes[1]).toBe(paper.nodes[1]); // structural sharing
  });

  it('removeEdge removes exactly that edge', () => {
    const doc = applyAction(odd, { kind: 'removeEdge', edgeId: 'e_right_join' });
    expect(doc.edges.map((e) => e.id)).toEqual(odd.edges.map((e) => e.id).filter((id) => id !== 'e_right_join'));
    expect(errors(doc).map((d) => d.code)).toContain('unconnected-input');
  });

  it('refuses stale or wrong actions with a clear FixError', () => {
    expect(() => applyAction(odd, { kind: 'setParams', nodeId: 'gone', params: {} })).toThrow(new FixError('node "gone" is not in the graph'));
    expect(() => applyAction(odd, { kind: 'removeEdge', edgeId: 'nope' })).toThrow('cannot remove edge "nope": it is not in the graph');
    expect(() => applyAction(odd, { kind: 'insertBefore', nodeId: 'join', port: 5, op: 'crop', params: {} })).toThrow('nothing feeds port 5 of "join"');
    expect(() => applyAction(odd, { kind: 'insertBefore', nodeId: 'join', port: 0, op: 'warp', params: {} })).toThrow('unknown op "warp"');
    expect(() => applyAction(odd, { kind: 'insertBefore', nodeId: 'join', port: 0, op: 'crop', params: {}, likeFrom: 'ghost' })).toThrow(FixError);
  });

  it('uniqueId appends the first free suffix', () => {
    expect(uniqueId('a', new Set())).toBe('a');
    expect(uniqueId('a', new Set(['a', 'a_2']))).toBe('a_3');
  });
});
