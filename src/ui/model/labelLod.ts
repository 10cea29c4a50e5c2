import type { GraphDoc, Shape, XY } from '../../core/types';
import { formatShape } from '../../core/types';
import { BoxGrid, bezierAt, bezierControls, detourLabelPoint, detourPoints, type Detour } from './edgeGeometry';
import type { Box, HandleSides } from './handleSides';

/**
 * Level of detail for the shape labels. Below zoom 1 a label keeps its on-screen size (it is drawn larger on the
 * canvas), so the C×H×W stays readable at any zoom; then not all labels fit, and the ones that would cover an
 * already placed label are hidden, most telling first: the input, every change of resolution (the level
 * boundaries of a U-Net), the main path, then the rest. Zooming in shows more, until all are shown at zoom 1.
 */

/** Label zoom steps: the culling is recomputed only when the zoom crosses one (2^¼ apart, about 19 %). */
export const zoomStep = (zoom: number): number => Math.min(1, 2 ** (Math.floor(Math.log2(Math.max(zoom, 1e-3)) * 4) / 4));

/** How much larger than its flow size a label is drawn at this zoom (1 from zoom 1 up). */
export const labelScale = (zoom: number): number => Math.min(8, Math.max(1, 1 / zoom));

/** A label's size at zoom 1 in canvas px (ShapeEdge.css: 10.5 px mono, 6 px padding, 18 px tall). */
const CHAR_WIDTH = 6.4;
const PADDING = 14;
const HEIGHT = 18;
const MARGIN = 3;

export interface LabelInputs {
  doc: GraphDoc;
  boxes: Map<string, Box>;
  anchors: Map<string, Map<string, XY>>;
  sides: HandleSides;
  detours: ReadonlyMap<string, Detour>;
  edgeShapes: Map<string, Shape | undefined>;
  /** Input H×W of each node's first input, to spot where the resolution changes. */
  nodeOutput: Map<string, Shape | undefined>;
  mainPath: readonly string[];
  /** Always shown: selected edges and edges into an error. */
  keep: ReadonlySet<string>;
}

/** Where each edge's label sits (the middle of its curve or of its detour's long run), in canvas px. */
export function labelPoints({ doc, anchors, sides, detours }: Pick<LabelInputs, 'doc' | 'anchors' | 'sides' | 'detours'>): Map<string, XY> {
  const points = new Map<string, XY>();
  for (const e of doc.edges) {
    const s = anchors.get(e.source)?.get('out');
    const t = anchors.get(e.target)?.get(`in-${e.targetPort}`);
    const sourceSide = sides.outputs.get(e.source);
    const targetSide = sides.inputs.get(e.target)?.get(e.targetPort);
    if (!s || !t || !sourceSide || !targetSide) continue;
    const detour = detours.get(e.id);
    points.set(e.id, detour ? detourLabelPoint(detourPoints(s, sourceSide, t, targetSide, detour)) : bezierAt(bezierControls(s, sourceSide, t, targetSide), 0.5));
  }
  return points;
}

export interface LabelLod {
  /** Labels that do not fit at this zoom step. */
  hidden: Set<string>;
  /**
   * Shown labels that cover part of a node (they are drawn above the nodes when zoomed out): they let clicks
   * through, so the node's dots under them stay reachable; a click there still selects the edge underneath.
   */
  overNode: Set<string>;
}

/** Above this many edges the labels are not culled (the pass is quadratic in the worst case). */
const MAX_CULLED_EDGES = 1500;

/** Whether labels are culled at all: below zoom 1, on graphs small enough for it. */
export const culledAt = (edgeCount: number, zoom: number): boolean => zoom < 1 && edgeCount <= MAX_CULLED_EDGES;

/** Which labels are hidden, and which cover a node, at this zoom step (all shown from zoom 1 up). */
export function labelLod(inputs: LabelInputs, zoom: number): LabelLod {
  const hidden = new Set<string>();
  const overNode = new Set<string>();
  if (!culledAt(inputs.doc.edges.length, zoom)) return { hidden, overNode };
  const nodes = new BoxGrid(inputs.boxes);
  const scale = labelScale(zoom);
  const points = labelPoints(inputs);
  const { doc, edgeShapes, nodeOutput, mainPath, keep } = inputs;
  const onPath = new Map(mainPath.map((id, i) => [id, i]));
  const inputOf = new Map<string, string>();
  for (const e of doc.edges) if (e.targetPort === 0) inputOf.set(e.target, e.source);
  const rank = (e: GraphDoc['edges'][number]): number => {
    if (keep.has(e.id)) return 0;
    const out = nodeOutput.get(e.source);
    const before = nodeOutput.get(inputOf.get(e.source) ?? '');
    const resolutionChange = !inputOf.has(e.source) || (out && before && (out.h * 1.5 < before.h || out.h > before.h * 1.5));
    const main = onPath.has(e.source) && onPath.has(e.target);
    return resolutionChange && main ? 1 : main ? 2 : resolutionChange ? 3 : 4;
  };
  const order = doc.edges
    .map((e, i) => ({ e, i, r: rank(e), path: onPath.get(e.source) ?? Infinity }))
    .sort((a, b) => a.r - b.r || a.path - b.path || a.i - b.i);
  const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
  for (const { e } of order) {
    const p = points.get(e.id);
    if (!p) continue;
    const w = ((formatShape(edgeShapes.get(e.id)).length * CHAR_WIDTH + PADDING) * scale) / 2 + MARGIN * scale;
    const h = (HEIGHT * scale) / 2 + MARGIN * scale;
    const box = { x0: p.x - w, y0: p.y - h, x1: p.x + w, y1: p.y + h };
    const clash = placed.some((b) => box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1);
    if (clash && !keep.has(e.id)) {
      hidden.add(e.id);
      continue;
    }
    placed.push(box);
    if (nodes.overlaps(box.x0 + MARGIN * scale, box.y0 + MARGIN * scale, box.x1 - MARGIN * scale, box.y1 - MARGIN * scale, new Set())) overNode.add(e.id);
  }
  return { hidden, overNode };
}
