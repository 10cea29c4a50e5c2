import { getViewportForBounds, type Viewport } from '@xyflow/react';
import type { GraphDoc } from '../../core/types';
import { NODE_HEIGHT, NODE_WIDTH } from './handleSides';

/** From this many nodes on, a graph opens on its start instead of fitting all of it (see `openingNodes`). */
export const FIT_ALL_UP_TO = 300;
/** How many nodes, from the inputs on, the first view of a large graph frames. */
export const OPENING_NODES = 8;

/**
 * Which nodes the first view frames: all of them for a graph of up to FIT_ALL_UP_TO nodes (undefined), else the
 * first OPENING_NODES reached breadth-first from the nodes without inputs. Fitting a 10,000-node graph would
 * zoom out until every node is a speck and make the canvas draw thousands of them; this opens readable, at the
 * input, and the minimap and "fit view" show the rest.
 */
export function openingNodes(doc: GraphDoc, limit = OPENING_NODES): { id: string }[] | undefined {
  if (doc.nodes.length <= FIT_ALL_UP_TO) return undefined;
  const consumers = new Map<string, string[]>();
  const fed = new Set<string>();
  for (const e of doc.edges) {
    fed.add(e.target);
    const list = consumers.get(e.source);
    if (list) list.push(e.target);
    else consumers.set(e.source, [e.target]);
  }
  const queue = doc.nodes.filter((n) => !fed.has(n.id)).map((n) => n.id);
  // A graph that is all cycle (no source) still opens somewhere: at its first node.
  if (queue.length === 0) queue.push(doc.nodes[0]!.id);
  const seen = new Set<string>();
  for (let i = 0; i < queue.length && seen.size < limit; i++) {
    const id = queue[i]!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of consumers.get(id) ?? []) if (!seen.has(next)) queue.push(next);
  }
  return [...seen].map((id) => ({ id }));
}

/** Canvas zoom limits (Canvas.tsx passes them to React Flow). */
export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 2.5;

/**
 * The viewport that frames `openingNodes(doc)` in a `width`×`height` canvas at zoom ≤ 1, or undefined for a small
 * graph (fit all of it). Computed from the document's positions and the default node size, not with React
 * Flow's fitView: that fits measured nodes only, and a large graph's nodes are measured once drawn, in view.
 */
export function openingViewport(doc: GraphDoc, width: number, height: number): Viewport | undefined {
  const ids = openingNodes(doc);
  if (!ids || width <= 0 || height <= 0) return undefined;
  const framed = new Set(ids.map((n) => n.id));
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of doc.nodes) {
    if (!framed.has(n.id)) continue;
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + NODE_WIDTH);
    y1 = Math.max(y1, n.position.y + NODE_HEIGHT);
  }
  return getViewportForBounds({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, width, height, MIN_ZOOM, 1, 0.08);
}
