import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  SelectionMode,
  useReactFlow,
  useStoreApi,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type InternalNode,
  type Node,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { getOp } from '../../core/ops';
import { addNode, connect, insertOnEdge, isValidConnection, moveNodes, type Connection as GraphConnection } from '../../state/commands';
import { useEditor } from '../EditorContext';
import ShapeEdge from '../edges/ShapeEdge';
import type { CanvasNode } from '../model/blockView';
import { portFromHandle, type OpFlowNode, type ShapeFlowEdge } from '../model/flowModel';
import { NODE_HEIGHT, NODE_WIDTH } from '../model/handleSides';
import { labelScale } from '../model/labelLod';
import { IconMap } from '../icons';
import { MAX_ZOOM, MIN_ZOOM, openingNodes, openingViewport } from '../model/openingView';
import BlockNode, { BlockFrame } from '../nodes/BlockNode';
import OpNode from '../nodes/OpNode';
import './Canvas.css';
import { NodeMenu, useNodeMenu } from './NodeMenu';
import { QuickAdd, type QuickAddRequest } from './QuickAdd';
import { useBlockElements } from './useBlockElements';
import { useFlowElements } from './useFlowElements';
import { NodeDataContext } from '../model/nodeData';
import { warmParseWorker } from '../model/parseInBackground';
import { CATEGORY_COLOURS } from '../model/diagramSvg';

/** The drag type the palette uses to carry an op name onto the canvas. */
export const OP_DRAG_TYPE = 'application/x-unet-studio-op';

const nodeTypes = { op: OpNode, block: BlockNode, blockFrame: BlockFrame };
const edgeTypes = { shape: ShapeEdge };
const SNAP_GRID: [number, number] = [10, 10];
const FIT_ALL = { padding: 0.08 };
/**
 * From this many nodes on, the canvas draws only the nodes and edges in view. Small graphs draw everything, so
 * the whole diagram is in the DOM (the image export and the browser tests read it).
 */
export const VISIBLE_ONLY_ABOVE = 300;

/** Above this many nodes the minimap is off until the user turns it on. */
const MINIMAP_AUTO_MAX_NODES = 2000;

function minimapColour(node: Node): string {
  if (node.type === 'blockFrame') return 'transparent';
  if (node.type === 'block') return '#6b7280';
  const data = (node as OpFlowNode).data;
  if (data?.severity === 'error') return '#d1343d';
  if (data?.severity === 'warning') return '#e0a030';
  return CATEGORY_COLOURS[data?.category ?? ''] ?? '#9ca3af';
}

const toGraphConnection = (c: Connection | Edge): GraphConnection => ({
  source: c.source,
  target: c.target,
  targetPort: portFromHandle(c.targetHandle),
});

/**
 * React Flow reports broken handles, unknown node types and the like only in development builds; log them in
 * every build, so a user's console and the browser tests (which fail on any warning) see them too.
 */
const reportFlowProblem = (code: string, message: string) => console.warn(`[React Flow #${code}] ${message}`);

/** The edge under a screen point: its line or its shape label. */
function edgeAt(x: number, y: number): string | undefined {
  for (const el of document.elementsFromPoint(x, y)) {
    const label = el.closest<HTMLElement>('[data-testid^="edge-label-"]');
    if (label) return label.dataset.testid!.slice('edge-label-'.length);
    const edge = el.closest<HTMLElement>('.react-flow__edge');
    if (edge?.dataset.id) return edge.dataset.id;
    if (el.closest('.react-flow__node')) return undefined;
  }
  return undefined;
}

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

export function Canvas() {
  const { store, notify, importFile } = useEditor();
  // Composite blocks (frames, collapsed boxes) are drawn over the plain elements.
  const plain = useFlowElements(store);
  const { nodeDataSource } = plain;
  const { nodes, edges, onNodesChange, onEdgesChange, finishDrag } = useBlockElements(store, plain);
  const { screenToFlowPosition, setViewport } = useReactFlow();
  const nodeMenu = useNodeMenu();
  const [fileOver, setFileOver] = useState(false);
  const [quickAdd, setQuickAdd] = useState<(QuickAddRequest & { flow: { x: number; y: number } }) | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const flowStore = useStoreApi();
  // The minimap covers nodes on a small canvas, and on a huge graph it draws every node (one SVG element and one
  // store subscription each, updated on every pan and edit): off by default there, a button toggles it.
  const [wide] = useState(() => typeof window === 'undefined' || window.innerWidth >= 1280);
  const [minimapChoice, setMinimap] = useState<boolean | null>(null);
  const minimap = minimapChoice ?? (wide && nodes.length <= MINIMAP_AUTO_MAX_NODES);

  // Shape labels keep a readable size when zoomed out: the zoom drives a CSS variable (no re-render per frame),
  // and `data-lod` lifts the labels above the nodes while they are drawn larger than their slot.
  useEffect(() => {
    const apply = (zoom: number) => {
      const el = canvasRef.current;
      if (!el) return;
      el.style.setProperty('--label-scale', labelScale(zoom).toFixed(3));
      el.dataset.lod = zoom < 1 ? 'far' : 'near';
    };
    apply(flowStore.getState().transform[2]);
    let last = flowStore.getState().transform[2];
    return flowStore.subscribe((s) => {
      if (s.transform[2] !== last) apply((last = s.transform[2]));
    });
  }, [flowStore]);
  // The first view: the whole graph (fitView below), or the start of a large one (a restored 10,000-node autosave).
  const [fitAll] = useState(() => openingNodes(store.getState().doc) === undefined);
  useEffect(() => {
    // React Flow has measured its container by now (its effects run before this one).
    const { width, height } = flowStore.getState();
    const view = openingViewport(store.getState().doc, width, height);
    if (view) void setViewport(view);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on mount
  }, []);

  const onNodeDragStop = useCallback(
    (_: unknown, __: Node, dragged: Node[]) =>
      finishDrag(Object.fromEntries(dragged.map((n) => [n.id, n.position])), (positions) => moveNodes(store, positions, { final: true })),
    [finishDrag, store],
  );

  const checkConnection = useCallback((c: Connection | Edge) => isValidConnection(store.getState().doc, toGraphConnection(c)).ok, [store]);

  const onConnect = useCallback(
    (c: Connection) => {
      const result = connect(store, toGraphConnection(c));
      if (!result.ok) notify(result.reason, 'error');
    },
    [store, notify],
  );

  // React Flow only says "invalid"; tell the user why the drop was refused. An output dropped on empty canvas
  // offers the ops to add there, already connected.
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState<InternalNode>) => {
      const dragged = state.from && state.to ? Math.hypot(state.to.x - state.from.x, state.to.y - state.from.y) > 24 : false;
      if (!state.toHandle && dragged && state.fromNode && state.fromHandle?.type === 'source') {
        const point = 'changedTouches' in event ? event.changedTouches[0]! : event;
        const bounds = canvasRef.current?.getBoundingClientRect();
        if (!bounds) return;
        setQuickAdd({
          at: { x: point.clientX - bounds.left, y: point.clientY - bounds.top },
          source: state.fromNode.id,
          flow: screenToFlowPosition({ x: point.clientX, y: point.clientY }),
        });
        return;
      }
      if (state.isValid !== false || !state.toHandle || !state.fromNode || !state.toNode) return;
      const fromSource = state.fromHandle?.type === 'source';
      const conn: GraphConnection = fromSource
        ? { source: state.fromNode.id, target: state.toNode.id, targetPort: portFromHandle(state.toHandle.id) }
        : { source: state.toNode.id, target: state.fromNode.id, targetPort: portFromHandle(state.fromHandle?.id) };
      const check = isValidConnection(store.getState().doc, conn);
      if (!check.ok) notify(check.reason, 'error');
    },
    [store, notify, screenToFlowPosition],
  );

  const addFromDrop = useCallback(
    (op: string) => {
      if (!quickAdd) return;
      setQuickAdd(null);
      const id = addNode(store, op, { x: Math.round(quickAdd.flow.x), y: Math.round(quickAdd.flow.y - NODE_HEIGHT / 2) });
      const result = connect(store, { source: quickAdd.source, target: id, targetPort: 0 });
      if (!result.ok) notify(result.reason, 'error');
    },
    [quickAdd, store, notify],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    const types = Array.from(e.dataTransfer.types);
    if (!types.includes(OP_DRAG_TYPE) && !types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = types.includes('Files') ? 'copy' : 'move';
    if (types.includes('Files')) setFileOver(true);
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      setFileOver(false);
      const op = e.dataTransfer.getData(OP_DRAG_TYPE);
      if (op && getOp(op)) {
        e.preventDefault();
        const at = screenToFlowPosition({ x: e.clientX, y: e.clientY });
        const position = { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - NODE_HEIGHT / 2) };
        // Dropped on a connection: the op goes in between, one step instead of add + two connects.
        const onEdge = edgeAt(e.clientX, e.clientY);
        if (onEdge && insertOnEdge(store, op, onEdge, position).ok) return;
        addNode(store, op, position);
        return;
      }
      const files = Array.from(e.dataTransfer.files);
      if (files.length) {
        e.preventDefault();
        void importFile(files);
      }
    },
    [screenToFlowPosition, store, importFile],
  );

  return (
    <div
      ref={canvasRef}
      className="canvas"
      data-testid="canvas"
      onDragOver={onDragOver}
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        setFileOver(true);
        warmParseWorker();
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as globalThis.Node | null)) setFileOver(false);
      }}
      onDrop={onDrop}
    >
      <NodeDataContext.Provider value={nodeDataSource}>
        <ReactFlow<CanvasNode, ShapeFlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onNodeDragStop={onNodeDragStop}
          onNodeContextMenu={nodeMenu.onNodeContextMenu}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={checkConnection}
          deleteKeyCode={null}
          selectionKeyCode={null}
          multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
          selectionOnDrag
          selectionMode={SelectionMode.Partial}
          panOnDrag={[1, 2]}
          panOnScroll
          zoomOnDoubleClick={false}
          snapToGrid
          snapGrid={SNAP_GRID}
          minZoom={MIN_ZOOM}
          maxZoom={MAX_ZOOM}
          fitView={fitAll}
          fitViewOptions={FIT_ALL}
          attributionPosition="top-right"
          elevateEdgesOnSelect
          // Large graphs draw only what is on screen: a 10,000-node graph would otherwise mount every node and edge.
          onlyRenderVisibleElements={nodes.length > VISIBLE_ONLY_ABOVE}
          onError={reportFlowProblem}
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cdd2da" />
          {minimap && (
            <MiniMap
              pannable
              zoomable
              nodeColor={minimapColour}
              nodeStrokeWidth={0}
              nodeBorderRadius={4}
              maskColor="rgba(240, 242, 245, 0.7)"
              style={{ width: 150, height: 110 }}
            />
          )}
          <Controls showInteractive={false}>
            <ControlButton
              onClick={() => setMinimap(!minimap)}
              title={minimap ? 'Hide the minimap' : 'Show the minimap'}
              aria-label={minimap ? 'Hide the minimap' : 'Show the minimap'}
              aria-pressed={minimap}
              data-testid="toggle-minimap"
            >
              <IconMap size={14} />
            </ControlButton>
          </Controls>
        </ReactFlow>
      </NodeDataContext.Provider>
      {nodes.length === 0 && (
        <div className="canvas-empty" data-testid="canvas-empty">
          <div className="canvas-empty-title">An empty graph</div>
          <div>Add an Input from the palette, pick a template, or drop a .json graph here.</div>
        </div>
      )}
      {nodeMenu.menu && <NodeMenu at={nodeMenu.menu} onClose={nodeMenu.close} />}
      {quickAdd && <QuickAdd request={quickAdd} onPick={addFromDrop} onClose={() => setQuickAdd(null)} />}
      {fileOver && (
        <div className="canvas-drop-hint" data-testid="drop-hint">
          Drop a UNet Studio <span className="mono">.json</span> graph to open it
        </div>
      )}
    </div>
  );
}
