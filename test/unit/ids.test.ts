// One id rule (core/ids.ts) for the editor's commands, the fixes and the builder: unique, readable, within the limit.
import { describe, expect, it } from 'vitest';
import { FORMAT_LIMITS, parseGraph } from '../../src/core/format';
import { applyAction } from '../../src/core/fixes';
import { edgeIdBase, IdAllocator, insertedNodeIdBase, uniqueId } from '../../src/core/ids';
import { connect } from '../../src/state/commands';
import { createEditorStore } from '../../src/state/store';
import { edge, node } from './format-docs';
import type { GraphDoc } from '../../src/core/types';

const MAX = FORMAT_LIMITS.maxIdLength;
const long = (c: string, n: number = MAX) => c.repeat(n);

const docOf = (nodes: GraphDoc['nodes'], edges: GraphDoc['edges']): GraphDoc => ({ format: 'unet-studio/graph', version: 2, name: 't', nodes, edges });

describe('ids stay within the format limit', () => {
  it('uniqueId cuts the base so the suffix fits', () => {
    const base = long('a', MAX + 10);
    const first = uniqueId(base, new Set());
    expect(first).toHaveLength(MAX);
    const second = uniqueId(base, new Set([first]));
    expect(second).toHaveLength(MAX);
    expect(second.endsWith('_2')).toBe(true);
  });

  it('edge ids from two 63- (and 128-) character node ids', () => {
    for (const n of [63, MAX]) expect(edgeIdBase(long('s', n), long('t', n)).length).toBeLessThanOrEqual(MAX);
    expect(edgeIdBase('input', 'conv2d_1')).toBe('e_input_conv2d_1');
    const ids = new IdAllocator({ nodes: [], edges: [] });
    const a = ids.edge(long('s'), long('t'));
    const b = ids.edge(long('s'), long('t'));
    expect(a).not.toBe(b);
    expect(Math.max(a.length, b.length)).toBeLessThanOrEqual(MAX);
  });

  it('connecting two 63-character nodes in the editor gives a document the parser accepts', () => {
    const s = long('s', 63);
    const t = long('t', 63);
    const store = createEditorStore(docOf([node(s, 'input'), node(t, 'activation')], []));
    const result = connect(store, { source: s, target: t, targetPort: 0 });
    expect(result.ok).toBe(true);
    expect(parseGraph(JSON.parse(JSON.stringify(store.getState().doc))).ok).toBe(true);
  });

  it('insertBefore names the node and its edges within the limit', () => {
    const target = long('c');
    const source = long('i');
    const doc = docOf([node(source, 'input'), node(target, 'activation')], [edge(long('e'), source, target)]);
    expect(insertedNodeIdBase('crop', target, 0).length).toBeLessThanOrEqual(MAX);
    const fixed = applyAction(doc, { kind: 'insertBefore', nodeId: target, port: 0, op: 'activation', params: {} });
    const parsed = parseGraph(JSON.parse(JSON.stringify(fixed)));
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  });
});
