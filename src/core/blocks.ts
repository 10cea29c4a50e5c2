import { indexGraph, type GraphIndex } from './graph';
import type { ShapeReport } from './infer';
import type { GraphBlock, GraphDoc, Shape, XY } from './types';

/**
 * Composite blocks (`GraphDoc.blocks`): which nodes belong together. Everything else about a block is derived
 * from the graph here, so it cannot go stale: its ports (the edges that cross its boundary), its shapes and
 * parameters, and which other blocks are instances of the same type.
 */

/** One port of a block. An input is a tensor from outside (one source node, possibly feeding several members);
 * an output is a member whose tensor leaves the block (or ends the graph). */
export interface BlockPort {
  /** Input: the outside node whose output enters. Output: the member whose output leaves. */
  node: string;
  /** The edges that cross the boundary through this port. */
  edges: string[];
}

export interface BlockInterface {
  inputs: BlockPort[];
  outputs: BlockPort[];
}

/** Each node's block, for documents with blocks (empty map otherwise). */
export function blockOfNode(doc: Pick<GraphDoc, 'blocks'>): Map<string, GraphBlock> {
  const owner = new Map<string, GraphBlock>();
  for (const block of doc.blocks ?? []) for (const id of block.nodes) if (!owner.has(id)) owner.set(id, block);
  return owner;
}

/**
 * The block's ports, from the edges that cross its boundary. Inputs in the order the members read them (members in
 * the block's order, each member's edges by port), so an Up block reads (decoder tensor, skip) as PyTorch's
 * `Up.forward(x1, x2)` does; outputs in member order: members with an edge to a non-member, and members with no
 * outgoing edge at all (the end of the graph, or a member not wired on yet).
 */
export function blockInterface(doc: Pick<GraphDoc, 'nodes' | 'edges'>, block: GraphBlock, index: GraphIndex = indexGraph(doc)): BlockInterface {
  const members = new Set(block.nodes);
  const inputs = new Map<string, BlockPort>();
  const outputs: BlockPort[] = [];
  for (const id of block.nodes) {
    const incoming = [...(index.incoming.get(id) ?? [])].sort((a, b) => a.targetPort - b.targetPort);
    for (const e of incoming) {
      if (members.has(e.source)) continue;
      const port = inputs.get(e.source);
      if (port) port.edges.push(e.id);
      else inputs.set(e.source, { node: e.source, edges: [e.id] });
    }
  }
  for (const id of block.nodes) {
    if (!index.nodes.has(id)) continue;
    const outgoing = index.outgoing.get(id) ?? [];
    const leaving = outgoing.filter((e) => !members.has(e.target));
    if (leaving.length > 0 || outgoing.length === 0) outputs.push({ node: id, edges: leaving.map((e) => e.id) });
  }
  return { inputs: [...inputs.values()], outputs };
}

export interface BlockSummary extends BlockInterface {
  inputs: (BlockPort & { shape?: Shape })[];
  outputs: (BlockPort & { shape?: Shape })[];
  /** Trainable + non-trainable parameters of the members whose shapes are known. */
  parameters: number;
  /** False when some member's shape is unknown, so `parameters` may be short. */
  complete: boolean;
}

/** What a collapsed block shows: its input → output shapes and its parameters, from a shape pass over the graph. */
export function blockSummary(doc: Pick<GraphDoc, 'nodes' | 'edges'>, block: GraphBlock, report: ShapeReport): BlockSummary {
  const ports = blockInterface(doc, block, report.index);
  let parameters = 0;
  let complete = true;
  for (const id of block.nodes) {
    const info = report.nodes.get(id);
    if (!info?.output) complete = false;
    if (info) parameters += info.paramCount.trainable + info.paramCount.nonTrainable;
  }
  return {
    inputs: ports.inputs.map((p) => ({ ...p, shape: report.edges.get(p.edges[0]!) })),
    outputs: ports.outputs.map((p) => ({ ...p, shape: report.nodes.get(p.node)?.output })),
    parameters,
    complete,
  };
}

export type GroupCheck = { ok: true; members: string[] } | { ok: false; reason: string };

/**
 * Whether these nodes can form a new block: they exist and none is in a block already. `members` are the ids in
 * document order (the order the block keeps).
 */
export function checkGroupable(doc: Pick<GraphDoc, 'nodes' | 'blocks'>, ids: readonly string[]): GroupCheck {
  const wanted = new Set(ids);
  if (wanted.size === 0) return { ok: false, reason: 'select the nodes to group first' };
  const members = doc.nodes.filter((n) => wanted.has(n.id)).map((n) => n.id);
  const missing = [...wanted].filter((id) => !members.includes(id));
  if (missing.length) return { ok: false, reason: `${missing.length === 1 ? 'node' : 'nodes'} ${missing.map((m) => `"${m}"`).join(', ')} not in the graph` };
  const owner = blockOfNode(doc);
  const taken = members.filter((id) => owner.has(id));
  if (taken.length)
    return { ok: false, reason: `"${taken[0]}" is already in block "${owner.get(taken[0]!)!.id}" (${owner.get(taken[0]!)!.name}); ungroup it first` };
  return { ok: true, members };
}

/** Where a new collapsed block sits: the middle of its members' positions. */
export function blockPosition(doc: Pick<GraphDoc, 'nodes'>, members: readonly string[]): XY {
  const wanted = new Set(members);
  const at = doc.nodes.filter((n) => wanted.has(n.id)).map((n) => n.position);
  if (at.length === 0) return { x: 0, y: 0 };
  const mid = (k: 'x' | 'y') => (Math.min(...at.map((p) => p[k])) + Math.max(...at.map((p) => p[k]))) / 2;
  return { x: Math.round(mid('x')), y: Math.round(mid('y')) };
}

/** The blocks of the same type as `block` (same name), itself included, in document order. */
export function instancesOf(doc: Pick<GraphDoc, 'blocks'>, block: GraphBlock): GraphBlock[] {
  return (doc.blocks ?? []).filter((b) => b.name === block.name);
}

/**
 * For "apply to all instances": the node at the same place as `nodeId` in every other instance of its block —
 * the member at the same index, where that instance has the same ops in the same order (a "Down" whose members
 * were edited apart is left out rather than guessed at). Empty when the node is in no block.
 */
export function counterparts(doc: Pick<GraphDoc, 'nodes' | 'blocks'>, nodeId: string): string[] {
  const block = blockOfNode(doc).get(nodeId);
  if (!block) return [];
  const opOf = new Map(doc.nodes.map((n) => [n.id, n.op]));
  const signature = (b: GraphBlock) => b.nodes.map((id) => opOf.get(id)).join('\u0000');
  const mine = signature(block);
  const at = block.nodes.indexOf(nodeId);
  return instancesOf(doc, block)
    .filter((b) => b !== block && signature(b) === mine)
    .map((b) => b.nodes[at]!);
}

/**
 * Drops members that are no longer nodes and blocks left empty; removes `blocks` when none remain (the document's one
 * spelling of "no blocks"). Works on an immer draft or a plain document; commands that remove nodes call it.
 */
export function pruneBlocks(draft: Pick<GraphDoc, 'nodes' | 'blocks'>): void {
  if (!draft.blocks) return;
  const ids = new Set(draft.nodes.map((n) => n.id));
  for (let i = draft.blocks.length - 1; i >= 0; i--) {
    const block = draft.blocks[i]!;
    if (block.nodes.some((id) => !ids.has(id))) block.nodes = block.nodes.filter((id) => ids.has(id));
    if (block.nodes.length === 0) draft.blocks.splice(i, 1);
  }
  if (draft.blocks.length === 0) delete draft.blocks;
}
