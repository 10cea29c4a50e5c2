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
  // Most nodes have one edge each way: a one-element literal is exact, where a push onto [] reserves 16 slots,
  // and on a 10k-node graph that spare room was the engine's largest allocation.
  for (const e of doc.edges) {
    const ins = incoming.get(e.target);
    const outs = outgoing.get(e.source);
    if (!ins || !outs) continue;
    if (ins.length) ins.push(e);
    else incoming.set(e.target, [e]);
    if (outs.length) outs.push(e);
    else outgoing.set(e.source, [e]);
  }
  return { nodes, incoming, outgoing };
}

/**
 * Kahn's algorithm. Returns the nodes in dependency order (ties kept in document order, so results are
 * stable) and the nodes left over, which sit on or behind a cycle.
 */
export function topoOrder(index: GraphIndex): { order: string[]; cyclic: string[] } {
  const indeg = new Map<string, number>();
  // The queue is the order: nodes are appended as they become ready and never removed.
  const order: string[] = [];
  // forEach rather than for…of over entries: no [key, value] pair per node.
  index.incoming.forEach((ins, id) => {
    indeg.set(id, ins.length);
    if (ins.length === 0) order.push(id);
  });
  for (let i = 0; i < order.length; i++) {
    for (const e of index.outgoing.get(order[i]!)!) {
      const d = indeg.get(e.target)! - 1;
      indeg.set(e.target, d);
      if (d === 0) order.push(e.target);
    }
  }
  const cyclic: string[] = [];
  if (order.length < indeg.size) indeg.forEach((d, id) => d > 0 && cyclic.push(id));
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

interface StructureMemo {
  nodes: readonly GraphNode[];
  ids: string[];
  index: GraphIndex;
  order: string[];
  cyclic: string[];
}

// Keyed on the edges array: the editor store keeps it (immer structural sharing) through every edit that
// touches no edge, so a parameter or label edit reuses the edge lists and the topological order. Only frozen
// arrays are remembered (the store deep-freezes its documents): one that can change in place could go stale.
const structureMemo = new WeakMap<readonly GraphEdge[], StructureMemo>();

/**
 * `indexGraph` + `topoOrder`, reused while the edges array is the same object and the node ids are the same
 * list. Results are shared between calls: callers must not mutate them (nothing does).
 */
export function indexAndOrder(doc: Pick<GraphDoc, 'nodes' | 'edges'>): { index: GraphIndex; order: string[]; cyclic: string[] } {
  if (!Object.isFrozen(doc.edges)) {
    const index = indexGraph(doc);
    return { index, ...topoOrder(index) };
  }
  const memo = structureMemo.get(doc.edges);
  if (memo && memo.nodes === doc.nodes && Object.isFrozen(doc.nodes)) return memo;
  if (memo && sameIds(memo.ids, doc.nodes)) {
    // Same structure, some node objects replaced: only the id → node map is new.
    const nodes = new Map<string, GraphNode>();
    for (const n of doc.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
    const next: StructureMemo = { ...memo, nodes: doc.nodes, index: { ...memo.index, nodes } };
    structureMemo.set(doc.edges, next);
    return next;
  }
  const index = indexGraph(doc);
  const { order, cyclic } = topoOrder(index);
  const next: StructureMemo = { nodes: doc.nodes, ids: doc.nodes.map((n) => n.id), index, order, cyclic };
  structureMemo.set(doc.edges, next);
  return next;
}

function sameIds(ids: string[], nodes: readonly GraphNode[]): boolean {
  if (ids.length !== nodes.length) return false;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== nodes[i]!.id) return false;
  return true;
}
