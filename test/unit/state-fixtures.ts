import type { GraphDoc, GraphEdge, GraphNode } from '../../src/core/types';

// Small graphs shared by the editor-state tests (commands, clipboard).

export const node = (id: string, op: string, params: GraphNode['params'] = {}, x = 0): GraphNode => ({
  id,
  op,
  params,
  position: { x, y: 0 },
});
export const edge = (source: string, target: string, targetPort = 0): GraphEdge => ({
  id: `${source}-${target}-${targetPort}`,
  source,
  target,
  targetPort,
});

/** input feeds three convs a, b, c; concat `cat` joins them in that order; `output` takes cat. */
export function fanDoc(): GraphDoc {
  return {
    format: 'unet-studio/graph',
    version: 2,
    name: 'fan',
    nodes: [
      node('input', 'input', { channels: 1, height: 32, width: 32 }),
      node('a', 'conv2d', { filters: 8, padding: 'same' }, 100),
      node('b', 'conv2d', { filters: 4, padding: 'same' }, 100),
      node('c', 'conv2d', { filters: 2, padding: 'same' }, 100),
      node('cat', 'concat', {}, 200),
      node('output', 'output', {}, 300),
    ],
    edges: [
      edge('input', 'a'),
      edge('input', 'b'),
      edge('input', 'c'),
      edge('a', 'cat', 0),
      edge('b', 'cat', 1),
      edge('c', 'cat', 2),
      edge('cat', 'output'),
    ],
  };
}

export const portsInto = (doc: GraphDoc, target: string) =>
  doc.edges
    .filter((e) => e.target === target)
    .sort((x, y) => x.targetPort - y.targetPort)
    .map((e) => [e.source, e.targetPort]);

export const findNode = (doc: GraphDoc, id: string) => doc.nodes.find((n) => n.id === id);

