import type { Dimensions, EdgeChange, NodeChange } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { XY } from '../../core/types';
import type { EditorStore } from '../../state/store';
import { useAnalysis, useStoreState } from '../EditorContext';
import { createNodeDataCache, toFlowEdges, type OpFlowNode, type ShapeFlowEdge } from '../model/flowModel';
import { computeHandleSides, NODE_HEIGHT, NODE_WIDTH, type Box } from '../model/handleSides';

/**
 * React Flow's nodes and edges as a pure function of the store's document + selection, the analysis, and two
 * pieces of view-only state kept here (never in history): measured node sizes and positions during a drag.
 */
export function useFlowElements(store: EditorStore) {
  const { doc, selection } = useStoreState(store);
  const analysis = useAnalysis();
  const [measured, setMeasured] = useState<Record<string, Dimensions>>({});
  const [dragging, setDragging] = useState<Record<string, XY> | null>(null);
  const dataCache = useRef(createNodeDataCache()).current;

  const boxes = useMemo(() => {
    const map = new Map<string, Box>();
    for (const n of doc.nodes) {
      const size = measured[n.id];
      map.set(n.id, { position: dragging?.[n.id] ?? n.position, width: size?.width ?? NODE_WIDTH, height: size?.height ?? NODE_HEIGHT });
    }
    return map;
  }, [doc.nodes, measured, dragging]);
  const sides = useMemo(() => computeHandleSides(boxes, doc.edges), [boxes, doc.edges]);

  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);

  const nodes = useMemo<OpFlowNode[]>(
    () =>
      doc.nodes.map((n) => ({
        id: n.id,
        type: 'op',
        position: dragging?.[n.id] ?? n.position,
        data: dataCache(n, doc, analysis, sides),
        selected: selectedNodes.has(n.id),
        measured: measured[n.id],
      })),
    [doc, analysis, sides, selectedNodes, measured, dragging, dataCache],
  );
  const edges = useMemo<ShapeFlowEdge[]>(() => toFlowEdges(doc, analysis, sides, selectedEdges), [doc, analysis, sides, selectedEdges]);

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

  return { nodes, edges, onNodesChange, onEdgesChange, finishDrag, measured };
}
