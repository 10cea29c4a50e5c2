import { useStore, type Dimensions, type EdgeChange, type NodeChange } from '@xyflow/react';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { XY } from '../../core/types';
import { shallow } from 'zustand/shallow';
import type { EditorState, EditorStore } from '../../state/store';
import { useAnalysis, useStoreState } from '../EditorContext';
import { createNodeDataCache, errorPorts, feedsError, incomingPorts, toFlowEdge, type OpFlowNode, type OpNodeData, type OpNodeFrame, type ShapeFlowEdge } from '../model/flowModel';
import { createNodeDataSource } from '../model/nodeData';
import { computeDetours, handleAnchors } from '../model/edgeGeometry';
import { computeHandleSides, NODE_HEIGHT, NODE_WIDTH, type Box } from '../model/handleSides';
import { culledAt, labelLod, zoomStep, type LabelLod } from '../model/labelLod';

const selectDocAndSelection = ({ doc, selection }: EditorState) => ({ doc, selection });
import { estimatedHandles } from '../model/handleSlots';

/**
 * React Flow's nodes and edges as a pure function of the store's document + selection, the analysis, and two
 * pieces of view-only state kept here (never in history): measured node sizes and positions during a drag.
 */
export function useFlowElements(store: EditorStore) {
  const { doc, selection } = useStoreState(store, selectDocAndSelection, shallow);
  const analysis = useAnalysis();
  const [measured, setMeasured] = useState<Record<string, Dimensions>>({});
  const [dragging, setDragging] = useState<Record<string, XY> | null>(null);
  const dataCache = useRef(createNodeDataCache()).current;

  // Kept while no node moved, resized, came or went: a parameter edit then skips the handle sides, anchors and
  // detours below, which are O(n) or worse on a 10,000-node graph.
  // Nodes not drawn yet take the size most drawn nodes have (op nodes are one size unless many ports stretch them):
  // drawing more of a large graph (opening it, panning) then leaves their boxes, and every edge's route, as they were.
  const lastTypical = useRef<Dimensions>({ width: NODE_WIDTH, height: NODE_HEIGHT });
  const typical = useMemo(() => {
    const next = typicalSize(measured) ?? lastTypical.current;
    const prev = lastTypical.current;
    return (lastTypical.current = next.width === prev.width && next.height === prev.height ? prev : next);
  }, [measured]);
  const lastBoxes = useRef<Map<string, Box> | null>(null);
  const boxes = useMemo(() => {
    const map = new Map<string, Box>();
    for (const n of doc.nodes) {
      const size = measured[n.id] ?? typical;
      map.set(n.id, { position: dragging?.[n.id] ?? n.position, width: size.width, height: size.height });
    }
    if (lastBoxes.current && sameBoxes(lastBoxes.current, map)) return lastBoxes.current;
    return (lastBoxes.current = map);
  }, [doc.nodes, measured, dragging, typical]);
  const sides = useMemo(() => computeHandleSides(boxes, doc.edges), [boxes, doc.edges]);

  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);

  // Unchanged elements keep their object identity, so React Flow skips them: during a drag only the moved node
  // and its edges re-render, which keeps a 1,000-node graph smooth.
  const nodeCache = useRef(new IdentityCache<OpFlowNode>()).current;
  const frameCache = useRef(new IdentityCache<OpNodeFrame>()).current;
  const edgeCache = useRef(new IdentityCache<ShapeFlowEdge>()).current;

  const docEdges = doc.edges;
  const incoming = useMemo(() => incomingPorts({ edges: docEdges }), [docEdges]);
  const nodeDatas = useMemo(() => {
    const datas = doc.nodes.map((n) => dataCache.get(n, doc, analysis, sides, incoming));
    if (dataCache.size() > doc.nodes.length) dataCache.keepOnly(new Set(doc.nodes.map((n) => n.id)));
    return datas;
  }, [doc, analysis, sides, incoming, dataCache]);
  // The node components read their data from here (nodeData.ts): nodes rendered in this pass see it at once,
  // nodes already drawn hear of it before the frame is painted.
  const nodeDataSource = useRef(createNodeDataSource()).current;
  const byId = useMemo(() => new Map(nodeDatas.map((d) => [d.nodeId, d])), [nodeDatas]);
  nodeDataSource.set(byId);
  useLayoutEffect(() => nodeDataSource.notify(), [nodeDataSource, byId]);

  // Edges whose curve would cross a node go around it, on the nearest clear lane.
  // The node data cache keeps unchanged nodes' data (and ports) objects, so the port lists are compared by identity.
  const lastPorts = useRef<Map<string, OpNodeData['ports']> | null>(null);
  const ports = useMemo(() => {
    const map = new Map(nodeDatas.map((d) => [d.nodeId, d.ports]));
    const prev = lastPorts.current;
    if (prev && prev.size === map.size && [...map].every(([id, list]) => prev.get(id) === list)) return prev;
    return (lastPorts.current = map);
  }, [nodeDatas]);
  const anchors = useMemo(() => handleAnchors(boxes, sides, ports), [boxes, sides, ports]);
  const detours = useMemo(() => computeDetours(boxes, doc.edges, sides, anchors), [boxes, doc.edges, sides, anchors]);

  // Which shape labels fit at this zoom (recomputed only when the zoom crosses a step).
  const zoom = useStore((s) => zoomStep(s.transform[2]));
  const lod = useMemo(() => {
    // A graph too large to cull shows every label: skip gathering what the culling would read.
    if (!culledAt(doc.edges.length, zoom)) return NO_LOD;
    const keep = new Set(selection.edges);
    for (const d of analysis.diagnostics)
      if (d.severity === 'error' && d.nodeId) for (const e of doc.edges) if (e.target === d.nodeId) keep.add(e.id);
    const nodeOutput = new Map(analysis.rows.map((r) => [r.id, r.output]));
    const mainPath = analysis.mainPath.map((p) => p.id);
    return labelLod({ doc, boxes, anchors, sides, detours, edgeShapes: analysis.edgeShapes, nodeOutput, mainPath, keep }, zoom);
  }, [doc, boxes, anchors, sides, detours, analysis, selection.edges, zoom]);

  // Each node and edge object is rebuilt only when what it shows changed, and the arrays keep their identity when
  // no element changed: React Flow then skips its per-update passes over all nodes and edges (adopting nodes,
  // rebuilding the connection lookup), which cost O(n) per edit on a 10,000-node graph.
  const lastNodes = useRef<OpFlowNode[]>([]);
  const nodes = useMemo<OpFlowNode[]>(() => {
    const list = doc.nodes.map((n, i) => {
      const position = dragging?.[n.id] ?? n.position;
      const data = nodeDatas[i]!;
      const frame = frameCache.get(n.id, [data.opType, data.category, data.severity, data.ports, data.output], () => toFrame(data));
      const selected = selectedNodes.has(n.id);
      const size = measured[n.id];
      return nodeCache.get(n.id, [position.x, position.y, frame, selected, size, typical], () => toFlowNode(n.id, position, frame, selected, size, typical));
    });
    nodeCache.sweep();
    frameCache.sweep();
    return (lastNodes.current = sameItems(lastNodes.current, list) ? lastNodes.current : list);
  }, [doc.nodes, nodeDatas, selectedNodes, measured, dragging, typical, nodeCache, frameCache]);

  const badPorts = useMemo(() => errorPorts(analysis), [analysis]);
  const lastEdges = useRef<ShapeFlowEdge[]>([]);
  const edges = useMemo<ShapeFlowEdge[]>(() => {
    const list = doc.edges.map((e) => {
      // No shape here: the labels read it from the analysis (edgeShapes.ts), so an edit that changes shapes only
      // leaves this array as it was.
      const error = feedsError(e, badPorts);
      const detour = detours.get(e.id);
      const label = lod.hidden.has(e.id) ? 'hidden' : lod.overNode.has(e.id) ? 'over-node' : undefined;
      const selected = selectedEdges.has(e.id);
      const deps = [e, error, detour?.axis, detour?.lane, label, selected];
      return edgeCache.get(e.id, deps, () => toFlowEdge(e, { error, detour, label }, selected));
    });
    edgeCache.sweep();
    return (lastEdges.current = sameItems(lastEdges.current, list) ? lastEdges.current : list);
  }, [doc.edges, badPorts, detours, selectedEdges, lod, edgeCache]);

  const onNodesChange = useCallback(
    (changes: NodeChange<OpFlowNode>[]) => {
      const sizes: Record<string, Dimensions> = {};
      const moves: Record<string, XY> = {};
      let selectionChanged = false;
      const picked = new Set(store.getState().selection.nodes);
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) sizes[c.id] = c.dimensions;
        else if (c.type === 'position' && c.position && c.dragging) moves[c.id] = c.position;
        else if (c.type === 'select') {
          selectionChanged = true;
          if (c.selected) picked.add(c.id);
          else picked.delete(c.id);
        }
      }
      if (Object.keys(sizes).length) setMeasured((prev) => ({ ...prev, ...sizes }));
      if (Object.keys(moves).length) setDragging((prev) => ({ ...prev, ...moves }));
      if (selectionChanged) store.setSelection({ nodes: [...picked] });
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<ShapeFlowEdge>[]) => {
      const picked = new Set(store.getState().selection.edges);
      let selectionChanged = false;
      for (const c of changes)
        if (c.type === 'select') {
          selectionChanged = true;
          if (c.selected) picked.add(c.id);
          else picked.delete(c.id);
        }
      if (selectionChanged) store.setSelection({ edges: [...picked] });
    },
    [store],
  );

  /** Ends a drag: the final positions become one undoable "Move" step. */
  const finishDrag = useCallback(
    (positions: Record<string, XY>, commit: (positions: Record<string, XY>) => void) => {
      setDragging(null);
      commit(positions);
    },
    [],
  );

  return { nodes, edges, nodeDataSource, onNodesChange, onEdgesChange, finishDrag };
}

const NO_LOD: LabelLod = { hidden: new Set(), overNode: new Set() };

const toFrame = ({ nodeId, opType, category, severity, ports, output }: OpNodeData): OpNodeFrame => ({ nodeId, opType, category, severity, ports, output });

function toFlowNode(id: string, position: XY, data: OpNodeFrame, selected: boolean, size: Dimensions | undefined, typical: Dimensions): OpFlowNode {
  return size
    ? { id, type: 'op', position, data, selected, measured: size }
    : // Not drawn yet: a size and handles estimated from the layout let React Flow place it and its edges
      // without drawing it (with onlyRenderVisibleElements, an off-screen node is never drawn).
      { id, type: 'op', position, data, selected, initialWidth: typical.width, initialHeight: typical.height, handles: estimatedHandles(data, typical.width, typical.height) };
}

/** The most common measured size; undefined before any node was measured. */
function typicalSize(measured: Record<string, Dimensions>): Dimensions | undefined {
  const counts = new Map<string, { size: Dimensions; n: number }>();
  let best: { size: Dimensions; n: number } | undefined;
  for (const size of Object.values(measured)) {
    const key = `${size.width}x${size.height}`;
    const entry = counts.get(key) ?? { size, n: 0 };
    entry.n++;
    counts.set(key, entry);
    if (!best || entry.n > best.n) best = entry;
  }
  return best?.size;
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Returns the previous object for an id while its dependencies are the same (by identity). */
class IdentityCache<T> {
  private entries = new Map<string, { deps: unknown[]; value: T }>();
  private seen = new Set<string>();

  get(id: string, deps: unknown[], make: () => T): T {
    this.seen.add(id);
    const hit = this.entries.get(id);
    if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) return hit.value;
    const value = make();
    this.entries.set(id, { deps, value });
    return value;
  }

  /** Forgets ids not used since the last sweep (deleted elements). */
  sweep(): void {
    if (this.entries.size > this.seen.size) for (const id of this.entries.keys()) if (!this.seen.has(id)) this.entries.delete(id);
    this.seen.clear();
  }
}

/** Same nodes at the same places and sizes. */
function sameBoxes(a: Map<string, Box>, b: Map<string, Box>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, x] of b) {
    const y = a.get(id);
    if (!y || y.position.x !== x.position.x || y.position.y !== x.position.y || y.width !== x.width || y.height !== x.height) return false;
  }
  return true;
}
