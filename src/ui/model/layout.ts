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
 * Layered left-to-right layout by ELK. Input ports keep their order (concat's channel order reads top to bottom),
 * and the spacing leaves room for the shape labels on the edges.
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
      'elk.edgeRouting': 'SPLINES',
      'elk.layered.spacing.nodeNodeBetweenLayers': '96',
      'elk.spacing.nodeNode': '44',
      'elk.layered.spacing.edgeNodeBetweenLayers': '24',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // A U-Net is one long path: wrap it into rows instead of a strip kilometres wide.
      'elk.layered.wrapping.strategy': 'MULTI_EDGE',
      'elk.aspectRatio': '1.6',
    },
    children,
    edges,
  };
  const result = await elk.layout(graph);
  const positions: Record<string, XY> = {};
  for (const child of result.children ?? []) positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
  return positions;
}
