import type { Node } from '@xyflow/react';
import { blockSummary } from '../../core/blocks';
import type { ShapeReport } from '../../core/infer';
import type { GraphBlock, GraphDoc, Shape, XY } from '../../core/types';
import type { OpFlowNode, ShapeFlowEdge } from './flowModel';
import { facingSide, NODE_HEIGHT, NODE_WIDTH, type Box, type Side } from './handleSides';

/**
 * How composite blocks (`GraphDoc.blocks`) change what the canvas draws, as pure functions of the plain canvas
 * elements: an expanded block adds a frame behind its members (members keep their absolute positions; the frame
 * follows their bounding box); a collapsed block replaces its members by one box, the edges that cross its boundary
 * end at the box's handles (one per port) and the edges inside it are not drawn.
 */

export interface BlockPortView {
  /** The tensor through this port (unknown while the graph has an error upstream). */
  shape?: Shape;
  side: Side;
}

/** What a collapsed block's box shows; derived, never stored. */
export interface BlockNodeData extends Record<string, unknown> {
  blockId: string;
  name: string;
  inputs: BlockPortView[];
  outputs: BlockPortView[];
  parameters: number;
  /** False when some member's shape is unknown: `parameters` may be short. */
  complete: boolean;
  members: number;
  /** Some members are selected (from the layer table or a problem), not all: the box says it holds the selection. */
  partlySelected: boolean;
}

export interface BlockFrameData extends Record<string, unknown> {
  blockId: string;
  name: string;
  members: string[];
}

export type BlockFlowNode = Node<BlockNodeData, 'block'>;
export type FrameFlowNode = Node<BlockFrameData, 'blockFrame'>;
export type CanvasNode = OpFlowNode | BlockFlowNode | FrameFlowNode;

export const blockInputHandle = (port: number) => `in-${port}`;
export const blockOutputHandle = (port: number) => `out-${port}`;

/** Room around the members inside a frame, and the frame's header above them. */
export const FRAME_PAD = 14;
export const FRAME_HEAD = 30;
/** A collapsed block's box before it is measured (matches Block.css). */
export const BLOCK_WIDTH = 400;
export const BLOCK_HEIGHT = 132;

/** Where each collapsed block's ports are: the edges that cross its boundary, by edge id. */
export interface CollapsedRouting {
  /** Member node id → its collapsed block's id. */
  hiddenIn: Map<string, string>;
  /** Edge id → input port of its target's collapsed block (only the first edge of each port: the rest draw the same line). */
  inputPort: Map<string, number>;
  /** Member id → output port of its collapsed block. */
  outputPort: Map<string, number>;
  /** The blocks' summaries, by block id. */
  summaries: Map<string, ReturnType<typeof blockSummary>>;
}

export function collapsedRouting(doc: GraphDoc, report: ShapeReport): CollapsedRouting {
  const routing: CollapsedRouting = { hiddenIn: new Map(), inputPort: new Map(), outputPort: new Map(), summaries: new Map() };
  for (const block of doc.blocks ?? []) {
    if (!block.collapsed) continue;
    const summary = blockSummary(doc, block, report);
    routing.summaries.set(block.id, summary);
    for (const id of block.nodes) routing.hiddenIn.set(id, block.id);
    summary.inputs.forEach((p, k) => routing.inputPort.set(p.edges[0]!, k));
    summary.outputs.forEach((p, k) => routing.outputPort.set(p.node, k));
  }
  return routing;
}

/**
 * An edge as drawn: unchanged when neither end is hidden in a collapsed block; `null` when it is not drawn (inside
 * one collapsed block, or a second edge through the same input port); otherwise re-ended at the blocks' handles.
 * Its id stays, so its shape label is the edge's own.
 */
export function routedEdge(edge: ShapeFlowEdge, routing: CollapsedRouting): ShapeFlowEdge | null {
  const from = routing.hiddenIn.get(edge.source);
  const to = routing.hiddenIn.get(edge.target);
  if (!from && !to) return edge;
  if (from && from === to) return null;
  let target = edge.target;
  let targetHandle = edge.targetHandle;
  if (to) {
    const port = routing.inputPort.get(edge.id);
    if (port === undefined) return null;
    target = to;
    targetHandle = blockInputHandle(port);
  }
  let source = edge.source;
  let sourceHandle = edge.sourceHandle;
  if (from) {
    source = from;
    sourceHandle = blockOutputHandle(routing.outputPort.get(edge.source) ?? 0);
  }
  // The detour and the label's level of detail were worked out for the members' positions, not the box's.
  return { ...edge, source, target, sourceHandle, targetHandle, data: { ...edge.data!, detour: undefined, label: undefined } };
}

/** The frame around an expanded block's members (as drawn now: during a drag, where they are dragged). */
export function frameBox(members: readonly (OpFlowNode | undefined)[]): Box | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of members) {
    if (!n) continue;
    const width = n.measured?.width ?? n.initialWidth ?? NODE_WIDTH;
    const height = n.measured?.height ?? n.initialHeight ?? NODE_HEIGHT;
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
    maxX = Math.max(maxX, n.position.x + width);
    maxY = Math.max(maxY, n.position.y + height);
  }
  if (minX === Infinity) return undefined;
  return {
    position: { x: minX - FRAME_PAD, y: minY - FRAME_PAD - FRAME_HEAD },
    width: maxX - minX + 2 * FRAME_PAD,
    height: maxY - minY + 2 * FRAME_PAD + FRAME_HEAD,
  };
}

/**
 * The side of each port of a collapsed block, facing the node (or box) at the other end, so an edge from a box
 * below enters from the bottom as it does on an op node.
 */
export function portSides(
  block: GraphBlock,
  at: XY,
  routing: CollapsedRouting,
  doc: Pick<GraphDoc, 'edges'>,
  boxOf: (nodeId: string) => Box | undefined,
): { inputs: Side[]; outputs: Side[] } {
  const summary = routing.summaries.get(block.id)!;
  const me: Box = { position: at, width: BLOCK_WIDTH, height: BLOCK_HEIGHT };
  const toward = (other: Box | undefined, fallback: Side) => (other ? facingSide(me, other) : fallback);
  const inputs = summary.inputs.map((p) => toward(boxOf(p.node), 'left'));
  const outputs = summary.outputs.map((p) => {
    const edge = p.edges[0] ? doc.edges.find((e) => e.id === p.edges[0]) : undefined;
    return toward(edge ? boxOf(edge.target) : undefined, 'right');
  });
  return { inputs, outputs };
}

/** The block whose members are exactly this selection, if any (the inspector then shows the block). */
export function selectedBlock(doc: Pick<GraphDoc, 'blocks'>, nodes: readonly string[]): GraphBlock | undefined {
  if (nodes.length === 0) return undefined;
  const picked = new Set(nodes);
  return doc.blocks?.find((b) => b.nodes.length === picked.size && b.nodes.every((id) => picked.has(id)));
}
