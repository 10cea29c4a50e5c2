import type { GraphEdge, GraphNode, XY } from '../../core/types';
import { NODE_HEIGHT, NODE_WIDTH } from './handleSides';

/** Room kept between a pasted node and its neighbours. */
const GAP = 20;
/** Room kept between a pasted node and a connection drawn past it. */
const EDGE_CLEARANCE = 24;
const STEP = 20;
/** How far (in canvas px) to look for a free spot before giving up and going below the whole graph. */
const REACH = 600;

interface Rect {
  x: number;
  y: number;
}

const overlaps = (a: Rect, b: Rect) =>
  Math.abs(a.x - b.x) < NODE_WIDTH + GAP && Math.abs(a.y - b.y) < NODE_HEIGHT + GAP;

/** Whether the segment a→b passes through the axis-aligned box [x0,x1]×[y0,y1] (Liang–Barsky clipping). */
function segmentHitsBox(a: XY, b: XY, x0: number, y0: number, x1: number, y1: number): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const sides: [number, number][] = [
    [-dx, a.x - x0],
    [dx, x1 - a.x],
    [-dy, a.y - y0],
    [dy, y1 - a.y],
  ];
  for (const [p, q] of sides) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

const centre = (p: XY): XY => ({ x: p.x + NODE_WIDTH / 2, y: p.y + NODE_HEIGHT / 2 });

/**
 * The shift for pasted nodes: the nearest one (at least a step away, preferring right and down) at which none of
 * them lands on a node already in the graph or on a connection between two of them (a copy sitting on an edge
 * reads as if the edge came out of it). Connections are taken as the straight line between node centres, which
 * the drawn curve stays close to.
 */
export function freePasteOffset(existing: readonly GraphNode[], pasted: readonly Pick<GraphNode, 'position'>[], edges: readonly GraphEdge[] = []): XY {
  if (pasted.length === 0) return { x: STEP * 2, y: STEP * 2 };
  const others = existing.map((n) => n.position);
  const at = new Map(existing.map((n) => [n.id, n.position]));
  const segments = edges.flatMap((e) => {
    const a = at.get(e.source);
    const b = at.get(e.target);
    return a && b ? [[centre(a), centre(b)] as const] : [];
  });
  const fits = (dx: number, dy: number) =>
    pasted.every((p) => {
      const moved = { x: p.position.x + dx, y: p.position.y + dy };
      if (others.some((o) => overlaps(moved, o))) return false;
      const [x0, y0] = [moved.x - EDGE_CLEARANCE, moved.y - EDGE_CLEARANCE];
      const [x1, y1] = [moved.x + NODE_WIDTH + EDGE_CLEARANCE, moved.y + NODE_HEIGHT + EDGE_CLEARANCE];
      return !segments.some(([a, b]) => segmentHitsBox(a, b, x0, y0, x1, y1));
    });
  const candidates: XY[] = [];
  for (let dy = -REACH; dy <= REACH; dy += STEP)
    for (let dx = -REACH; dx <= REACH; dx += STEP) if (Math.hypot(dx, dy) >= STEP * 2) candidates.push({ x: dx, y: dy });
  // Nearest first; on ties right/down before left/up, so repeated pastes cascade the usual way.
  candidates.sort((a, b) => Math.hypot(a.x, a.y) - Math.hypot(b.x, b.y) || b.y - a.y || b.x - a.x);
  const free = candidates.find((c) => fits(c.x, c.y));
  if (free) return free;
  const bottom = Math.max(...others.map((o) => o.y), 0) + NODE_HEIGHT + GAP * 2;
  const top = Math.min(...pasted.map((p) => p.position.y));
  return { x: 0, y: bottom - top };
}
