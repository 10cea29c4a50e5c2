import type { GraphEdge, XY } from '../../core/types';
import type { Box, HandleSides, Side } from './handleSides';

/**
 * Where edges run, computed from node boxes alone (no DOM), so the canvas, the routing around nodes and the SVG
 * export agree: handle anchors, React Flow's bezier, and a detour lane for an edge whose bezier would cross a node.
 */

/** One side's handles in order: inputs by port, then the output (the order OpNode renders them in). */
export interface SideSlots {
  inputs: number[];
  output: boolean;
}

/** Fraction along the side for the k-th of n handles: spread evenly (OpNode.css places them the same way). */
export const slotFraction = (k: number, n: number) => (k + 1) / (n + 1);

export function anchorOn(box: Box, side: Side, fraction: number): XY {
  const { x, y } = box.position;
  switch (side) {
    case 'left':
      return { x, y: y + box.height * fraction };
    case 'right':
      return { x: x + box.width, y: y + box.height * fraction };
    case 'top':
      return { x: x + box.width * fraction, y };
    case 'bottom':
      return { x: x + box.width * fraction, y: y + box.height };
  }
}

/** Handle anchors of every node from its port sides: `in-<port>` and `out` per node. */
export function handleAnchors(boxes: Map<string, Box>, sides: HandleSides, ports: Map<string, { index: number; side: Side }[]>): Map<string, Map<string, XY>> {
  const out = new Map<string, Map<string, XY>>();
  for (const [id, box] of boxes) {
    const bySide = new Map<Side, string[]>();
    const push = (side: Side, handle: string) => bySide.set(side, [...(bySide.get(side) ?? []), handle]);
    for (const p of ports.get(id) ?? []) push(p.side, `in-${p.index}`);
    const output = sides.outputs.get(id);
    if (output) push(output, 'out');
    const anchors = new Map<string, XY>();
    for (const [side, handles] of bySide) handles.forEach((h, k) => anchors.set(h, anchorOn(box, side, slotFraction(k, handles.length))));
    out.set(id, anchors);
  }
  return out;
}

const DIRECTION: Record<Side, XY> = { left: { x: -1, y: 0 }, right: { x: 1, y: 0 }, top: { x: 0, y: -1 }, bottom: { x: 0, y: 1 } };

/** React Flow's default bezier control offset (curvature 0.25), so samples follow the drawn curve. */
function controlOffset(distance: number): number {
  return distance >= 0 ? 0.5 * distance : 0.25 * 25 * Math.sqrt(-distance);
}

function control(side: Side, from: XY, to: XY): XY {
  switch (side) {
    case 'left':
      return { x: from.x - controlOffset(from.x - to.x), y: from.y };
    case 'right':
      return { x: from.x + controlOffset(to.x - from.x), y: from.y };
    case 'top':
      return { x: from.x, y: from.y - controlOffset(from.y - to.y) };
    case 'bottom':
      return { x: from.x, y: from.y + controlOffset(to.y - from.y) };
  }
}

/** The cubic bezier React Flow draws from a source handle to a target handle: its four control points. */
export function bezierControls(source: XY, sourceSide: Side, target: XY, targetSide: Side): [XY, XY, XY, XY] {
  return [source, control(sourceSide, source, target), control(targetSide, target, source), target];
}

export function bezierAt([p0, p1, p2, p3]: [XY, XY, XY, XY], t: number): XY {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return { x: a * p0.x + b * p1.x + c * p2.x + d * p3.x, y: a * p0.y + b * p1.y + c * p2.y + d * p3.y };
}

/** A detour: leave the source, run along a lane (a horizontal line at `lane` y, or a vertical one at x), enter the target. */
export interface Detour {
  axis: 'h' | 'v';
  lane: number;
}

/** How far an edge keeps from the nodes it goes around. */
const CLEARANCE = 28;
/** How far a detour runs straight out of its handle before turning. */
export const STUB = 20;

/** Boxes bucketed on a coarse grid, so the crossing tests stay cheap on a 1,000-node graph. */
export class BoxGrid {
  private cells = new Map<string, string[]>();
  constructor(
    private boxes: Map<string, Box>,
    private size = 240,
  ) {
    for (const [id, b] of boxes)
      for (let cx = Math.floor(b.position.x / size); cx <= Math.floor((b.position.x + b.width) / size); cx++)
        for (let cy = Math.floor(b.position.y / size); cy <= Math.floor((b.position.y + b.height) / size); cy++) {
          const key = `${cx},${cy}`;
          const list = this.cells.get(key);
          if (list) list.push(id);
          else this.cells.set(key, [id]);
        }
  }

  /** Whether any node (other than those in `skip`) overlaps the rectangle. */
  overlaps(x0: number, y0: number, x1: number, y1: number, skip: ReadonlySet<string>): boolean {
    for (let cx = Math.floor(x0 / this.size); cx <= Math.floor(x1 / this.size); cx++)
      for (let cy = Math.floor(y0 / this.size); cy <= Math.floor(y1 / this.size); cy++)
        for (const id of this.cells.get(`${cx},${cy}`) ?? []) {
          if (skip.has(id)) continue;
          const b = this.boxes.get(id)!;
          if (x0 < b.position.x + b.width && b.position.x < x1 && y0 < b.position.y + b.height && b.position.y < y1) return true;
        }
    return false;
  }

  /** The node a point lies inside (shrunk by `inset`), other than those in `skip`. */
  hit(p: XY, skip: ReadonlySet<string>, inset = 4): string | undefined {
    for (const id of this.cells.get(`${Math.floor(p.x / this.size)},${Math.floor(p.y / this.size)}`) ?? []) {
      if (skip.has(id)) continue;
      const b = this.boxes.get(id)!;
      if (p.x > b.position.x + inset && p.x < b.position.x + b.width - inset && p.y > b.position.y + inset && p.y < b.position.y + b.height - inset)
        return id;
    }
    return undefined;
  }
}

const isHorizontal = (side: Side) => side === 'left' || side === 'right';

/**
 * For each edge whose bezier would run through a node other than its two ends, the nearest lane clear of every
 * node between them: a skip drawn across a row of nodes goes around it instead.
 */
export function computeDetours(
  boxes: Map<string, Box>,
  edges: readonly GraphEdge[],
  sides: HandleSides,
  anchors: Map<string, Map<string, XY>>,
): Map<string, Detour> {
  const grid = new BoxGrid(boxes);
  const detours = new Map<string, Detour>();
  // Lanes already taken: a later detour running alongside one keeps its distance (nested skips stack up).
  const taken: Taken[] = [];
  const crossing: { e: GraphEdge; s: XY; t: XY; sourceSide: Side; targetSide: Side; span: number }[] = [];
  for (const e of edges) {
    const sourceSide = sides.outputs.get(e.source);
    const targetSide = sides.inputs.get(e.target)?.get(e.targetPort);
    const s = anchors.get(e.source)?.get('out');
    const t = anchors.get(e.target)?.get(`in-${e.targetPort}`);
    if (!sourceSide || !targetSide || !s || !t) continue;
    const curve = bezierControls(s, sourceSide, t, targetSide);
    const ends = new Set([e.source, e.target]);
    let crosses = false;
    for (let k = 1; k < 24 && !crosses; k++) crosses = grid.hit(bezierAt(curve, k / 24), ends) !== undefined;
    if (crosses) crossing.push({ e, s, t, sourceSide, targetSide, span: isHorizontal(sourceSide) ? Math.abs(t.x - s.x) : Math.abs(t.y - s.y) });
  }
  // Shortest first, so nested skips stack outwards like the arcs of a diagram drawn by hand.
  crossing.sort((a, b) => a.span - b.span);
  for (const { e, s, t, sourceSide, targetSide } of crossing) {
    const axis = isHorizontal(sourceSide) ? 'h' : 'v';
    const lane = clearLane(boxes, axis, s, t, sourceSide, targetSide, new Set([e.source, e.target]), taken);
    detours.set(e.id, { axis, lane: lane.at });
    taken.push(lane);
  }
  return detours;
}

interface Taken {
  axis: 'h' | 'v';
  at: number;
  lo: number;
  hi: number;
}

/** Distance between two detours running side by side. */
const LANE_GAP = 16;

/** The lane nearest the two ends that no node between them (along the lane's run) and no other lane touches. */
function clearLane(
  boxes: Map<string, Box>,
  axis: 'h' | 'v',
  s: XY,
  t: XY,
  sourceSide: Side,
  targetSide: Side,
  ends: ReadonlySet<string>,
  taken: readonly Taken[],
): Taken {
  const along = (p: XY) => (axis === 'h' ? p.x : p.y);
  const across = (p: XY) => (axis === 'h' ? p.y : p.x);
  const s1 = along(s) + (axis === 'h' ? DIRECTION[sourceSide].x : DIRECTION[sourceSide].y) * STUB;
  const t1 = along(t) + (axis === 'h' ? DIRECTION[targetSide].x : DIRECTION[targetSide].y) * STUB;
  const lo = Math.min(s1, t1);
  const hi = Math.max(s1, t1);
  const blocking: [number, number][] = [];
  for (const [id, b] of boxes) {
    if (ends.has(id)) continue;
    const start = axis === 'h' ? b.position.x : b.position.y;
    const length = axis === 'h' ? b.width : b.height;
    if (start + length < lo || start > hi) continue;
    const from = axis === 'h' ? b.position.y : b.position.x;
    blocking.push([from - CLEARANCE, from + (axis === 'h' ? b.height : b.width) + CLEARANCE]);
  }
  // The side (before/after the ends) comes from the nodes alone; lanes already taken on that side push this one
  // further out, so all the skips of a row arc over it on the same side, nested.
  // Free lanes are the points inside no blocking interval (open intervals: touching one's end is free). Merged
  // into disjoint spans once, so a skip across a column of thousands of nodes is O(n log n), not O(n²).
  const spans = mergeOpenIntervals(blocking);
  const cost = (v: number) => Math.abs(v - across(s)) + Math.abs(v - across(t));
  // The free candidates: the two ends' own lanes when free, and every span's edges (always free).
  const candidates = [across(s), across(t)].filter((v) => spanAround(spans, v) === undefined).concat(spans.flat());
  // On a tie, above (or left).
  let at = candidates.reduce((best, v) => (cost(v) < cost(best) || (cost(v) === cost(best) && v < best) ? v : best), candidates[0] ?? across(s));
  const outward = at <= (across(s) + across(t)) / 2 ? -1 : 1;
  const lanes = taken.filter((lane) => lane.axis === axis && lane.hi >= lo && lane.lo <= hi).map((lane): [number, number] => [lane.at - LANE_GAP, lane.at + LANE_GAP]);
  // Still inside a node or another lane's band: move outwards to the nearest free point.
  const hit = spanAround(mergeOpenIntervals([...blocking, ...lanes]), at);
  if (hit) at = outward < 0 ? hit[0] : hit[1];
  return { axis, at, lo, hi };
}

/**
 * Open intervals (a, b) merged into disjoint, sorted spans whose insides are exactly the points inside some
 * interval: overlapping ones merge, touching ones do not (their shared end is inside neither).
 */
export function mergeOpenIntervals(intervals: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = intervals.filter(([a, b]) => a < b).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a < last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The span that has `v` strictly inside it, if any (binary search over mergeOpenIntervals' output). */
export function spanAround(spans: readonly (readonly [number, number])[], v: number): readonly [number, number] | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = spans[mid]!;
    if (v <= a) hi = mid - 1;
    else if (v >= b) lo = mid + 1;
    else return spans[mid];
  }
  return undefined;
}

/** The points of a detour from a source handle to a target handle (stubs out of both handles, then the lane). */
export function detourPoints(s: XY, sourceSide: Side, t: XY, targetSide: Side, detour: Detour): XY[] {
  const s1 = { x: s.x + DIRECTION[sourceSide].x * STUB, y: s.y + DIRECTION[sourceSide].y * STUB };
  const t1 = { x: t.x + DIRECTION[targetSide].x * STUB, y: t.y + DIRECTION[targetSide].y * STUB };
  const onLane = (p: XY): XY => (detour.axis === 'h' ? { x: p.x, y: detour.lane } : { x: detour.lane, y: p.y });
  return [s, s1, onLane(s1), onLane(t1), t1, t];
}

/** An SVG path through the points with rounded corners (radius shrinks on short legs). */
export function roundedPath(points: XY[], radius = 10): string {
  const pts = points.filter((p, i) => i === 0 || p.x !== points[i - 1]!.x || p.y !== points[i - 1]!.y);
  if (pts.length < 2) return '';
  let d = `M${pts[0]!.x} ${pts[0]!.y}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const [a, b, c] = [pts[i - 1]!, pts[i]!, pts[i + 1]!];
    const r = Math.min(radius, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const toward = (p: XY, q: XY, len: number) => {
      const l = Math.hypot(q.x - p.x, q.y - p.y) || 1;
      return { x: p.x + ((q.x - p.x) / l) * len, y: p.y + ((q.y - p.y) / l) * len };
    };
    const p1 = toward(b, a, r);
    const p2 = toward(b, c, r);
    d += ` L${p1.x} ${p1.y} Q${b.x} ${b.y} ${p2.x} ${p2.y}`;
  }
  const last = pts[pts.length - 1]!;
  return `${d} L${last.x} ${last.y}`;
}

/** The middle of the lane run: where a detour's label goes. */
export function detourLabelPoint(points: XY[]): XY {
  const a = points[2]!;
  const b = points[3]!;
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}
