import { pruneBlocks } from '../core/blocks';
import type { GraphDoc, XY } from '../core/types';
import { inputPortsOf } from './connections';

/** JSON writes -0 as 0, so a -0 kept in the document would not come back equal from a save: store 0. */
export const plusZero = <T,>(v: T): T => (Object.is(v, -0) ? (0 as T) : v);
/** A canvas position as the document keeps it (no -0). */
export const at = (p: XY): XY => ({ x: plusZero(p.x), y: plusZero(p.y) });

/**
 * Renumbers the inputs of variadic nodes (concat, add) to 0..N−1, keeping their order, so removing input 1 of three
 * leaves ports 0 and 1 rather than a hole. Nodes with named ports are left alone: their port numbers mean something.
 */
export function compactVariadicPorts(draft: Pick<GraphDoc, 'nodes' | 'edges'>, targets: Iterable<string>): void {
  for (const target of new Set(targets)) {
    const node = draft.nodes.find((n) => n.id === target);
    const spec = node && inputPortsOf(node);
    if (!spec || 'names' in spec.ports) continue;
    const incoming = draft.edges.filter((e) => e.target === target).sort((a, b) => a.targetPort - b.targetPort);
    incoming.forEach((edge, i) => {
      if (edge.targetPort !== i) edge.targetPort = i;
    });
  }
}

/**
 * Removes nodes (with every edge touching them and their place in any block) and edges, then compacts the variadic nodes that lost an input.
 * Works on an immer draft or a plain document.
 */
export function removeFromDoc(draft: Pick<GraphDoc, 'nodes' | 'edges' | 'blocks'>, nodes: Iterable<string>, edges: Iterable<string>): void {
  const goneNodes = new Set(nodes);
  const goneEdges = new Set(edges);
  const lostInput = new Set<string>();
  for (let i = draft.edges.length - 1; i >= 0; i--) {
    const e = draft.edges[i]!;
    if (goneEdges.has(e.id) || goneNodes.has(e.source) || goneNodes.has(e.target)) {
      lostInput.add(e.target);
      draft.edges.splice(i, 1);
    }
  }
  for (let i = draft.nodes.length - 1; i >= 0; i--) if (goneNodes.has(draft.nodes[i]!.id)) draft.nodes.splice(i, 1);
  if (goneNodes.size > 0) pruneBlocks(draft);
  compactVariadicPorts(draft, [...lostInput].filter((id) => !goneNodes.has(id)));
}

/** "conv2d_1", "3 nodes", "2 nodes and 1 edge": what an edit touched, for history labels. */
export function describeElements(nodes: readonly string[], edges: readonly string[]): string {
  if (nodes.length === 1 && edges.length === 0) return nodes[0]!;
  if (nodes.length === 0 && edges.length === 1) return `edge ${edges[0]!}`;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const parts = [nodes.length ? count(nodes.length, 'node') : '', edges.length ? count(edges.length, 'edge') : ''];
  return parts.filter(Boolean).join(' and ') || 'nothing';
}
