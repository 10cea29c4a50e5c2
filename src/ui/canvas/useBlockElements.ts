import type { Dimensions, EdgeChange, NodeChange } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { GraphBlock, XY } from '../../core/types';
import { moveBlock } from '../../state/commands';
import type { EditorState, EditorStore } from '../../state/store';
import { useAnalysis, useStoreState } from '../EditorContext';
import {
  BLOCK_HEIGHT,
  BLOCK_WIDTH,
  collapsedRouting,
  frameBox,
  portSides,
  routedEdge,
  type BlockFlowNode,
  type CanvasNode,
  type CollapsedRouting,
  type FrameFlowNode,
} from '../model/blockView';
import type { OpFlowNode, ShapeFlowEdge } from '../model/flowModel';
import { NODE_HEIGHT, NODE_WIDTH, type Box } from '../model/handleSides';

const selectDoc = (s: EditorState) => s.doc;
const selectSelectedNodes = (s: EditorState) => s.selection.nodes;

interface FlowElements {
  nodes: OpFlowNode[];
  edges: ShapeFlowEdge[];
  onNodesChange(changes: NodeChange<OpFlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<ShapeFlowEdge>[]): void;
  finishDrag(positions: Record<string, XY>, commit: (positions: Record<string, XY>) => void): void;
}

/**
 * Composite blocks on the canvas, layered over the plain elements (`useFlowElements`): frames behind expanded
 * blocks, one box per collapsed block with the crossing edges re-ended at its handles. A document without blocks
 * passes through untouched (same arrays), so a large plain graph pays nothing. A collapsed block's box stands for
 * its members: selecting it selects them (Delete, Copy, Duplicate act on them), dragging it moves the block.
 */
export function useBlockElements(store: EditorStore, flow: FlowElements) {
  const { onNodesChange: plainNodesChange, finishDrag: plainFinishDrag } = flow;
  const doc = useStoreState(store, selectDoc);
  const selectedIds = useStoreState(store, selectSelectedNodes);
  const analysis = useAnalysis();
  const blocks = doc.blocks;
  // View-only state of the boxes, never in history: measured sizes, positions during a drag.
  const [sizes, setSizes] = useState<Record<string, Dimensions>>({});
  const [dragging, setDragging] = useState<Record<string, XY> | null>(null);
  const boxCache = useRef(new Map<string, { deps: unknown[]; node: BlockFlowNode }>()).current;
  const frameCache = useRef(new Map<string, { deps: unknown[]; node: FrameFlowNode }>()).current;
  const edgeCache = useRef(new Map<string, { edge: ShapeFlowEdge; routing: CollapsedRouting; routed: ShapeFlowEdge | null }>()).current;
  const lastNodes = useRef<CanvasNode[]>([]);
  const lastEdges = useRef<ShapeFlowEdge[]>([]);

  const routing = useMemo(() => (blocks?.some((b) => b.collapsed) ? collapsedRouting(doc, analysis.shapes) : undefined), [blocks, doc, analysis]);
  const selected = useMemo(() => new Set(selectedIds), [selectedIds]);

  const nodes = useMemo<CanvasNode[]>(() => {
    if (!blocks) return flow.nodes;
    const byId = new Map(flow.nodes.map((n) => [n.id, n]));
    const boxAt = (b: GraphBlock) => dragging?.[b.id] ?? b.position;
    const boxOf = (id: string): Box | undefined => {
      const hidden = routing?.hiddenIn.get(id);
      const block = hidden ? blocks.find((b) => b.id === hidden) : undefined;
      if (block) return { position: boxAt(block), width: BLOCK_WIDTH, height: BLOCK_HEIGHT };
      const n = byId.get(id);
      return n && { position: n.position, width: n.measured?.width ?? n.initialWidth ?? NODE_WIDTH, height: n.measured?.height ?? n.initialHeight ?? NODE_HEIGHT };
    };
    const frames: FrameFlowNode[] = [];
    const boxes: BlockFlowNode[] = [];
    for (const b of blocks) {
      if (b.collapsed) boxes.push(boxNode(b, boxAt(b), boxOf));
      else {
        const frame = frameNode(b, b.nodes.map((id) => byId.get(id)));
        if (frame) frames.push(frame);
      }
    }
    const plain = routing ? flow.nodes.filter((n) => !routing.hiddenIn.has(n.id)) : flow.nodes;
    // Frames first: drawn behind the nodes they hold.
    const list = [...frames, ...plain, ...boxes];
    return (lastNodes.current = sameItems(lastNodes.current, list) ? lastNodes.current : list);

    function boxNode(b: GraphBlock, position: XY, boxOf: (id: string) => Box | undefined): BlockFlowNode {
      const summary = routing!.summaries.get(b.id)!;
      const sides = portSides(b, position, routing!, doc, boxOf);
      const isSelected = b.nodes.every((id) => selected.has(id));
      const partlySelected = !isSelected && b.nodes.some((id) => selected.has(id));
      const size = sizes[b.id];
      const shapes = JSON.stringify([summary.inputs.map((p) => p.shape), summary.outputs.map((p) => p.shape), sides, summary.parameters, summary.complete]);
      const deps = [b, position.x, position.y, shapes, isSelected, partlySelected, size];
      const hit = boxCache.get(b.id);
      if (hit && same(hit.deps, deps)) return hit.node;
      const node: BlockFlowNode = {
        id: b.id,
        type: 'block',
        position,
        selected: isSelected,
        ...(size ? { measured: size } : { initialWidth: BLOCK_WIDTH, initialHeight: BLOCK_HEIGHT }),
        data: {
          blockId: b.id,
          name: b.name,
          inputs: summary.inputs.map((p, k) => ({ shape: p.shape, side: sides.inputs[k]! })),
          outputs: summary.outputs.map((p, k) => ({ shape: p.shape, side: sides.outputs[k]! })),
          parameters: summary.parameters,
          complete: summary.complete,
          members: b.nodes.length,
          partlySelected,
        },
      };
      boxCache.set(b.id, { deps, node });
      return node;
    }

    function frameNode(b: GraphBlock, members: (OpFlowNode | undefined)[]): FrameFlowNode | undefined {
      const box = frameBox(members);
      if (!box) return undefined;
      const deps = [b, box.position.x, box.position.y, box.width, box.height];
      const hit = frameCache.get(b.id);
      if (hit && same(hit.deps, deps)) return hit.node;
      const { width, height } = box;
      const node: FrameFlowNode = {
        id: b.id,
        type: 'blockFrame',
        position: box.position,
        width,
        height,
        measured: { width, height },
        selectable: false,
        draggable: false,
        focusable: false,
        connectable: false,
        zIndex: -1,
        data: { blockId: b.id, name: b.name, members: b.nodes },
      };
      frameCache.set(b.id, { deps, node });
      return node;
    }
  }, [blocks, flow.nodes, routing, dragging, sizes, selected, doc, boxCache, frameCache]);

  const edges = useMemo<ShapeFlowEdge[]>(() => {
    if (!routing) return flow.edges;
    const list: ShapeFlowEdge[] = [];
    for (const e of flow.edges) {
      const hit = edgeCache.get(e.id);
      // Kept per edge while its plain edge and its routing are the same: React Flow then skips it.
      let routed = hit && hit.edge === e && hit.routing === routing ? hit.routed : routedEdge(e, routing);
      if (hit && hit.edge === e && routed && hit.routed && sameRoute(hit.routed, routed)) routed = hit.routed;
      edgeCache.set(e.id, { edge: e, routing, routed });
      if (routed) list.push(routed);
    }
    if (edgeCache.size > flow.edges.length) {
      const ids = new Set(flow.edges.map((e) => e.id));
      for (const id of edgeCache.keys()) if (!ids.has(id)) edgeCache.delete(id);
    }
    return (lastEdges.current = sameItems(lastEdges.current, list) ? lastEdges.current : list);
  }, [flow.edges, routing, edgeCache]);

  const blockById = useCallback((id: string) => store.getState().doc.blocks?.find((b) => b.id === id), [store]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const plain: NodeChange<OpFlowNode>[] = [];
      const measured: Record<string, Dimensions> = {};
      const moves: Record<string, XY> = {};
      const picks: { id: string; selected: boolean }[] = [];
      for (const c of changes) {
        const block = 'id' in c ? blockById(c.id) : undefined;
        if (!block) {
          plain.push(c as NodeChange<OpFlowNode>);
          continue;
        }
        // A frame's size is its members' bounding box; only a box is measured.
        if (c.type === 'dimensions' && c.dimensions) {
          if (block.collapsed) measured[block.id] = c.dimensions;
        }
        else if (c.type === 'position' && c.position && c.dragging) moves[c.id] = c.position;
        else if (c.type === 'select') picks.push({ id: c.id, selected: c.selected });
      }
      plainNodesChange(plain);
      if (Object.keys(measured).length) setSizes((prev) => ({ ...prev, ...measured }));
      if (Object.keys(moves).length) setDragging((prev) => ({ ...prev, ...moves }));
      if (picks.length) {
        // A box stands for its members: (de)selecting it (de)selects them.
        const { doc, selection } = store.getState();
        const next = new Set(selection.nodes);
        for (const p of picks) for (const id of doc.blocks?.find((b) => b.id === p.id)?.nodes ?? []) p.selected ? next.add(id) : next.delete(id);
        store.setSelection({ nodes: [...next] });
      }
    },
    [plainNodesChange, blockById, store],
  );

  /** A dragged box moves its block (one undoable step); the other dragged nodes move as before. */
  const finishDrag = useCallback(
    (positions: Record<string, XY>, commit: (positions: Record<string, XY>) => void) => {
      const rest: Record<string, XY> = {};
      for (const [id, at] of Object.entries(positions)) {
        if (blockById(id)) moveBlock(store, id, { x: Math.round(at.x), y: Math.round(at.y) }, { final: true });
        else rest[id] = at;
      }
      setDragging(null);
      plainFinishDrag(rest, commit);
    },
    [plainFinishDrag, blockById, store],
  );

  return { nodes, edges, onNodesChange, onEdgesChange: flow.onEdgesChange, finishDrag };
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

const sameRoute = (a: ShapeFlowEdge, b: ShapeFlowEdge) =>
  a.source === b.source && a.target === b.target && a.sourceHandle === b.sourceHandle && a.targetHandle === b.targetHandle && a.selected === b.selected && a.data?.error === b.data?.error && a.data?.shape === b.data?.shape;
