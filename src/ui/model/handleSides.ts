import type { GraphEdge, XY } from '../../core/types';

export type Side = 'left' | 'right' | 'top' | 'bottom';

export interface Box {
  position: XY;
  width: number;
  height: number;
}

/** Default node size before React Flow has measured it (matches OpNode.css). */
export const NODE_WIDTH = 196;
export const NODE_HEIGHT = 64;

export interface HandleSides {
  /** Side of each connected input port, per node. */
  inputs: Map<string, Map<number, Side>>;
  /** Sides that carry outgoing edges, per node (first = most used). */
  outputs: Map<string, Side[]>;
  /** Side of the source handle each edge leaves from. */
  edgeSource: Map<string, Side>;
}

const opposite: Record<Side, Side> = { left: 'right', right: 'left', top: 'bottom', bottom: 'top' };

/**
 * Which side of the source node an edge should leave from, facing the target. Slightly favours horizontal
 * flow, so a left-to-right layout stays left-to-right while a column (the U template's encoder) flows down.
 */
export function facingSide(from: Box, to: Box): Side {
  const dx = to.position.x + to.width / 2 - (from.position.x + from.width / 2);
  const dy = to.position.y + to.height / 2 - (from.position.y + from.height / 2);
  // Compare the gaps between the boxes, not the centres: wide nodes side by side read as a row.
  const gapX = Math.abs(dx) - (from.width + to.width) / 2;
  const gapY = Math.abs(dy) - (from.height + to.height) / 2;
  if (gapX > 0 && gapX >= gapY) return dx > 0 ? 'right' : 'left';
  if (gapY > 0) return dy > 0 ? 'bottom' : 'top';
  return Math.abs(dx) >= Math.abs(dy) ? (dx > 0 ? 'right' : 'left') : dy > 0 ? 'bottom' : 'top';
}

/** The side across the other axis, towards `to` (an input that would share a side with the output moves here). */
function perpendicularSide(side: Side, from: Box, to: Box): Side {
  const dx = to.position.x + to.width / 2 - (from.position.x + from.width / 2);
  const dy = to.position.y + to.height / 2 - (from.position.y + from.height / 2);
  return side === 'left' || side === 'right' ? (dy > 0 ? 'bottom' : 'top') : dx > 0 ? 'right' : 'left';
}

/** Puts every edge end on the side of its node that faces the other end, so any layout reads cleanly. */
export function computeHandleSides(boxes: Map<string, Box>, edges: readonly GraphEdge[]): HandleSides {
  const inputs = new Map<string, Map<number, Side>>();
  const outputCounts = new Map<string, Map<Side, number>>();
  const edgeSource = new Map<string, Side>();
  const live = edges.filter((e) => boxes.has(e.source) && boxes.has(e.target));
  for (const e of live) {
    const side = facingSide(boxes.get(e.source)!, boxes.get(e.target)!);
    edgeSource.set(e.id, side);
    const counts = outputCounts.get(e.source) ?? new Map<Side, number>();
    counts.set(side, (counts.get(side) ?? 0) + 1);
    outputCounts.set(e.source, counts);
  }
  for (const e of live) {
    const target = boxes.get(e.target)!;
    const source = boxes.get(e.source)!;
    let side = opposite[edgeSource.get(e.id)!];
    // A second input arriving beside the output (crop's `like` next to its result) enters from above/below instead.
    if (outputCounts.get(e.target)?.has(side)) side = perpendicularSide(side, target, source);
    const ports = inputs.get(e.target) ?? new Map<number, Side>();
    if (!ports.has(e.targetPort)) ports.set(e.targetPort, side);
    inputs.set(e.target, ports);
  }
  const outputs = new Map<string, Side[]>();
  for (const [id, counts] of outputCounts) outputs.set(id, [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s));
  return { inputs, outputs, edgeSource };
}

/** Where unconnected ports and the first output handle go: across from the inputs, else left → right. */
export function defaultSides(inputSides: Side[], outputSides: Side[]): { input: Side; output: Side } {
  const input = inputSides[0] ?? (outputSides[0] ? opposite[outputSides[0]] : 'left');
  const output = outputSides[0] ?? opposite[input];
  return { input, output };
}
