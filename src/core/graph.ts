import type { GraphDoc, GraphEdge, GraphNode } from './types';

export interface GraphIndex {
  nodes: Map<string, GraphNode>;
  /** Edges into each node, whose source and target both exist. */
  incoming: Map<string, GraphEdge[]>;
  outgoing: Map<string, GraphEdge[]>;
}

export function indexGraph(doc: Pick<GraphDoc, 'nodes' | 'edges'>): GraphIndex {
  const nodes = new Map<string, GraphNode>();
  for (const n of doc.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const id of nodes.keys()) {
    incoming.set(id, []);
    outgoing.set(id, []);
  }
  for (const e of doc.edges) {
    const ins = incoming.get(e.target);
    const outs = outgoing.get(e.source);
    if (!ins || !outs) continue;
    ins.push(e);
    outs.push(e);
  }
  return { nodes, incoming, outgoing };
}

/**
 * Kahn's algorithm. Returns the nodes in dependency order (ties kept in document order, so results are
 * stable) and the nodes left over, which sit on or behind a cycle.
 */
export function topoOrder(index: GraphIndex): { order: string[]; cyclic: string[] } {
  const indeg = new Map<string, number>();
  for (const [id, ins] of index.incoming) indeg.set(id, ins.length);
  const ready: string[] = [];
  for (const [id, d] of indeg) if (d === 0) ready.push(id);
  const order: string[] = [];
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    order.push(id);
    for (const e of index.outgoing.get(id)!) {
      const d = indeg.get(e.target)! - 1;
      indeg.set(e.target, d);
      if (d === 0) ready.push(e.target);
    }
  }
  const cyclic = [...indeg.keys()].filter((id) => indeg.get(id)! > 0);
  return { order, cyclic };
}

/** Whether adding source→target would close a cycle (target already reaches source). */
export function wouldCreateCycle(doc: Pick<GraphDoc, 'nodes' | 'edges'>, source: string, target: string): boolean {
  if (source === target) return true;
  const out = new Map<string, string[]>();
  for (const e of doc.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>([target]);
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return true;
    for (const t of out.get(id) ?? []) if (!seen.has(t)) (seen.add(t), stack.push(t));
  }
  return false;
}
