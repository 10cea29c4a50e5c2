import type { ELK, ElkNode } from 'elkjs/lib/elk-api';
import { analyzeGraph } from '../../core/analysis';
import { layoutAsU } from '../../core/builder/uSlots';
import { blockPosition } from '../../core/blocks';
import type { GraphDoc, XY } from '../../core/types';

// The canvas's node box (src/ui/model/handleSides.ts); the editor re-measures, these only space the first layout.
const NODE = { width: 196, height: 64 };

let elk: ELK | undefined;

/** Left-to-right layered layout (ELK), wrapped into rows so a long chain stays on screen. */
async function layered(doc: GraphDoc): Promise<Record<string, XY>> {
  if (!elk) {
    const { default: Elk } = await import('elkjs/lib/elk.bundled.js');
    elk = new Elk();
  }
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '96',
      'elk.spacing.nodeNode': '44',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.wrapping.strategy': 'MULTI_EDGE',
      'elk.aspectRatio': '1.6',
    },
    children: doc.nodes.map((n) => ({ id: n.id, ...NODE })),
    edges: doc.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const result = await elk.layout(graph);
  return Object.fromEntries((result.children ?? []).map((c) => [c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) }]));
}

/**
 * Positions for an imported graph: the builder's U arrangement when the levels can be read from the shapes
 * (encoder down the left, decoder up the right, skips straight across), a layered layout otherwise.
 */
export async function arrangeImported(doc: GraphDoc): Promise<{ doc: GraphDoc; arrangement: 'U' | 'layered' }> {
  let positions: Record<string, XY> | undefined;
  try {
    positions = layoutAsU(doc, analyzeGraph(doc));
  } catch {
    positions = undefined;
  }
  const arrangement = positions ? 'U' : 'layered';
  positions ??= await layered(doc);
  const nodes = doc.nodes.map((n) => ({ ...n, position: positions![n.id] ?? n.position }));
  const blocks = doc.blocks?.map((b) => ({ ...b, position: blockPosition({ nodes }, b.nodes) }));
  return { doc: { ...doc, nodes, ...(blocks ? { blocks } : {}) }, arrangement };
}
