import type { GraphNode, XY } from '../../core/types';
import { NODE_HEIGHT, NODE_WIDTH } from './handleSides';

/** Room kept between a pasted node and its neighbours. */
const GAP = 20;
const STEP = 20;
/** How far (in canvas px) to look for a free spot before giving up and going below the whole graph. */
const REACH = 600;

interface Rect {
  x: number;
  y: number;
}

const overlaps = (a: Rect, b: Rect) =>
  Math.abs(a.x - b.x) < NODE_WIDTH + GAP && Math.abs(a.y - b.y) < NODE_HEIGHT + GAP;

/**
 * The shift for pasted nodes: the nearest one (at least a step away, preferring right and down) at which none of
 * them lands on a node already in the graph. A paste that only nudged by a fixed amount used to cover the
 * neighbours of the copied nodes.
 */
export function freePasteOffset(existing: readonly GraphNode[], pasted: readonly Pick<GraphNode, 'position'>[]): XY {
  if (pasted.length === 0) return { x: STEP * 2, y: STEP * 2 };
  const others = existing.map((n) => n.position);
  const fits = (dx: number, dy: number) =>
    pasted.every((p) => {
      const moved = { x: p.position.x + dx, y: p.position.y + dy };
      return others.every((o) => !overlaps(moved, o));
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
