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
  /** The side of each node's one output handle (nodes with consumers only). */
  outputs: Map<string, Side>;
}

export const opposite: Record<Side, Side> = { left: 'right', right: 'left', top: 'bottom', bottom: 'top' };

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

/**
 * Gives every node a direction the data flows through it, so its dots read the same way wherever its
 * neighbours sit: one output, on the side facing most of its consumers; a single input always straight across
 * from it; further inputs (a concat's skip, a crop's `like`) on the side facing their source, never on the output's.
 * Nodes without consumers take the direction their first input arrives from.
 */
export function computeHandleSides(boxes: Map<string, Box>, edges: readonly GraphEdge[]): HandleSides {
  const live = edges.filter((e) => boxes.has(e.source) && boxes.has(e.target));
  const votes = new Map<string, Map<Side, number>>();
  const incoming = new Map<string, GraphEdge[]>();
  for (const e of live) {
    const side = facingSide(boxes.get(e.source)!, boxes.get(e.target)!);
    const counts = votes.get(e.source) ?? new Map<Side, number>();
    counts.set(side, (counts.get(side) ?? 0) + 1);
    votes.set(e.source, counts);
    const list = incoming.get(e.target) ?? [];
    list.push(e);
    incoming.set(e.target, list);
  }
  const outputs = new Map<string, Side>();
  // Most consumers win. A tie goes to the side straight across from where port 0's data comes in (the encoder's
  // conv feeding its pool below and its skip to the right keeps flowing down), then right before bottom.
  const ORDER: Side[] = ['right', 'bottom', 'left', 'top'];
  for (const [id, counts] of votes) {
    const most = Math.max(...counts.values());
    const tied = ORDER.filter((s) => counts.get(s) === most);
    const main = incoming.get(id)?.find((e) => e.targetPort === 0);
    const through = main ? opposite[facingSide(boxes.get(id)!, boxes.get(main.source)!)] : undefined;
    outputs.set(id, through && tied.includes(through) ? through : tied[0]!);
  }
  const inputs = new Map<string, Map<number, Side>>();
  for (const [id, list] of incoming) {
    const target = boxes.get(id)!;
    const sorted = [...list].sort((a, b) => a.targetPort - b.targetPort);
    const ports = new Map<number, Side>();
    const out = outputs.get(id);
    const single = new Set(sorted.map((e) => e.targetPort)).size === 1;
    for (const e of sorted) {
      if (ports.has(e.targetPort)) continue;
      const source = boxes.get(e.source)!;
      let side = facingSide(target, source);
      if (out !== undefined && single) side = opposite[out];
      else if (side === out) side = perpendicularSide(side, target, source);
      ports.set(e.targetPort, side);
    }
    inputs.set(id, ports);
  }
  return { inputs, outputs };
}

/** Where unconnected ports and the output go: the output across from the inputs, else left → right. */
export function defaultSides(inputSides: Side[], output: Side | undefined): { input: Side; output: Side } {
  const input = output ? opposite[output] : (inputSides[0] ?? 'left');
  return { input, output: output ?? opposite[input] };
}
