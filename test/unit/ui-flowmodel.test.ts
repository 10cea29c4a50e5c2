import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../src/core/format';
import type { GraphDoc, Params } from '../../src/core/types';
import { analyze } from '../../src/ui/model/analysis';
import { createNodeDataCache, incomingPorts } from '../../src/ui/model/flowModel';
import { computeHandleSides } from '../../src/ui/model/handleSides';

const parsed = parseGraph(readFileSync(new URL('../../templates/paper-572.json', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error('templates/paper-572.json does not parse');
const paper = parsed.doc;

function allData(cache: ReturnType<typeof createNodeDataCache>, doc: GraphDoc) {
  const boxes = new Map(doc.nodes.map((n) => [n.id, { position: n.position, width: 196, height: 64 }]));
  const sides = computeHandleSides(boxes, doc.edges);
  const analysis = analyze(doc);
  const incoming = incomingPorts(doc);
  return new Map(doc.nodes.map((n) => [n.id, cache.get(n, doc, analysis, sides, incoming)]));
}

const withParam = (doc: GraphDoc, id: string, patch: Params): GraphDoc => ({
  ...doc,
  nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...patch } } : n)),
});

describe('node data cache', () => {
  it('keeps the data object of every node whose rendering did not change', () => {
    const cache = createNodeDataCache();
    const before = allData(cache, paper);
    const after = allData(cache, withParam(paper, 'enc0_conv1', { filters: 32 }));
    const changed = [...after].filter(([id, data]) => before.get(id) !== data).map(([id]) => id);
    // The edited conv (summary, shape) and the next conv (its parameter count) render differently; nothing else.
    expect(changed.sort()).toEqual(['enc0_conv1', 'enc0_conv2']);
    expect(after.get('enc0_conv1')!.shape).toEqual({ c: 32, h: 570, w: 570 });
  });

  it('gives every node new data when every shape changes', () => {
    const cache = createNodeDataCache();
    const before = allData(cache, paper);
    const after = allData(cache, withParam(paper, 'input', { height: 556 }));
    const kept = [...after].filter(([id, data]) => before.get(id) === data && data.shape);
    expect(kept).toEqual([]);
  });
});
