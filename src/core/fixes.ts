import { produce, type Draft } from 'immer';
import type { Fix, FixAction } from './diagnostics';
import { IdAllocator, insertedNodeIdBase } from './ids';
import { getOp } from './ops';
import { withDefaults } from './params';
import type { GraphDoc, GraphEdge, GraphNode } from './types';

/** A fix that no longer matches the document (stale, or hand-written wrongly). */
export class FixError extends Error {
  override name = 'FixError';
}

/**
 * Applies every action of a fix, in order, to a copy of the document. Unchanged nodes and edges are shared
 * with the original and, as immer does, the result is frozen.
 */
export function applyFix(doc: GraphDoc, fix: Fix): GraphDoc {
  return produce(doc, (draft) => {
    for (const action of fix.actions) applyActionTo(draft, action);
  });
}

export function applyAction(doc: GraphDoc, action: FixAction): GraphDoc {
  return produce(doc, (draft) => applyActionTo(draft, action));
}

/**
 * Mutating form, for callers that already hold an immer draft (the editor store records the patches for
 * undo). Throws FixError when the action names a node, port or edge the document does not have.
 */
export function applyActionTo(doc: Draft<GraphDoc>, action: FixAction): void {
  switch (action.kind) {
    case 'setParams': {
      const node = findNode(doc, action.nodeId);
      Object.assign(node.params, action.params);
      return;
    }
    case 'removeEdge': {
      const i = doc.edges.findIndex((e) => e.id === action.edgeId);
      if (i < 0) throw new FixError(`cannot remove edge "${action.edgeId}": it is not in the graph`);
      doc.edges.splice(i, 1);
      return;
    }
    case 'insertBefore':
      insertBefore(doc, action);
      return;
  }
}

function findNode(doc: Draft<GraphDoc>, id: string): Draft<GraphNode> {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) throw new FixError(`node "${id}" is not in the graph`);
  return node;
}

function insertBefore(doc: Draft<GraphDoc>, action: Extract<FixAction, { kind: 'insertBefore' }>) {
  const op = getOp(action.op);
  if (!op) throw new FixError(`cannot insert a node of unknown op "${action.op}"`);
  const target = findNode(doc, action.nodeId);
  const feeding = doc.edges.findIndex((e) => e.target === action.nodeId && e.targetPort === action.port);
  if (feeding < 0) throw new FixError(`nothing feeds port ${action.port} of "${action.nodeId}"`);
  const like = action.likeFrom === undefined ? undefined : findNode(doc, action.likeFrom);
  const old = doc.edges[feeding]!;
  const source = findNode(doc, old.source);

  const ids = new IdAllocator(doc);
  const id = ids.derived(insertedNodeIdBase(action.op, action.nodeId, action.port));
  // Halfway along the edge it splits, so the layout stays readable without a re-layout.
  const position = {
    x: Math.round((source.position.x + target.position.x) / 2),
    y: Math.round((source.position.y + target.position.y) / 2),
  };
  doc.nodes.push({ id, op: action.op, params: withDefaults(op.params, action.params), position });

  const edge = (from: string, to: string, port: number): GraphEdge => ({ id: ids.edge(from, to), source: from, target: to, targetPort: port });
  const replacement = [edge(old.source, id, 0), edge(id, action.nodeId, action.port)];
  if (like) replacement.push(edge(like.id, id, 1));
  doc.edges.splice(feeding, 1, ...replacement);
}
