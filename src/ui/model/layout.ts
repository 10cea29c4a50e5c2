import type { ELK as ElkApi, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphDoc, XY } from '../../core/types';
import { NODE_HEIGHT, NODE_WIDTH } from './handleSides';
import { portList } from './flowModel';

// ELK is large (~1.5 MB): loaded on first use, on the main thread (no worker to configure).
let elk: ElkApi | undefined;

export interface Size {
  width: number;
  height: number;
}

/**
 * Layered left-to-right layout by ELK: every connection points right, one layer per step of the longest path.
 * Input ports keep their order (concat's channel order reads top to bottom), and the spacing leaves room for the
 * shape labels on the edges.
 */
export async function layoutLeftToRight(doc: GraphDoc, sizes: Record<string, Size | undefined>): Promise<Record<string, XY>> {
  if (!elk) {
    const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
    elk = new ELK();
  }
  const children = doc.nodes.map((n) => {
    const used = doc.edges.filter((e) => e.target === n.id).map((e) => e.targetPort);
    return {
      id: n.id,
      width: sizes[n.id]?.width ?? NODE_WIDTH,
      height: sizes[n.id]?.height ?? NODE_HEIGHT,
      layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
      ports: [
        ...portList(n, used).map((p) => ({
          id: `${n.id}::in${p.index}`,
          width: 1,
          height: 1,
          layoutOptions: { 'elk.port.side': 'WEST', 'elk.port.index': String(p.index) },
        })),
        { id: `${n.id}::out`, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'EAST' } },
      ],
    };
  });
  // ELK refuses edges to unknown ports; a broken edge (reported by the analysis) is simply left out.
  const ports = new Set(children.flatMap((c) => c.ports.map((p) => p.id)));
  const edges = doc.edges
    .map((e) => ({ id: e.id, sources: [`${e.source}::out`], targets: [`${e.target}::in${e.targetPort}`] }))
    .filter((e) => ports.has(e.sources[0]!) && ports.has(e.targets[0]!));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '96',
      'elk.spacing.nodeNode': '44',
      'elk.layered.spacing.edgeNodeBetweenLayers': '24',
      // The main path on one straight row; skips get rows of their own above or below it (the canvas routes
      // them around the nodes in between). No wrapping: a wrapped row reads as a snake with edges through nodes.
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children,
    edges,
  };
  const result = await elk.layout(graph);
  return rowsPerLayer(result.children ?? []);
}

/** Vertical distance between the rows of one layer. */
const ROW_PITCH = NODE_HEIGHT + 56;

/**
 * ELK's layers, with the nodes of each layer on rows counted from the top: the longest path (a layer of one node)
 * becomes one straight row, and ELK's few-pixel port jitter (a staircase on a U-Net) is gone. Edges that then pass
 * nodes are routed around them by the canvas.
 */
function rowsPerLayer(children: ElkNode[]): Record<string, XY> {
  const layers = new Map<number, ElkNode[]>();
  for (const c of children) {
    const x = Math.round(c.x ?? 0);
    layers.set(x, [...(layers.get(x) ?? []), c]);
  }
  const positions: Record<string, XY> = {};
  for (const [x, nodes] of layers) {
    nodes.sort((a, b) => (a.y ?? 0) - (b.y ?? 0));
    nodes.forEach((n, row) => (positions[n.id] = { x: Math.round(x / 10) * 10, y: row * ROW_PITCH }));
  }
  return positions;
}
