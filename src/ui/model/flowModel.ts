import { MarkerType, type Edge, type Node } from '@xyflow/react';
import type { Severity } from '../../core/diagnostics';
import type { OpCategory } from '../../core/op';
import { getOp } from '../../core/ops';
import { withDefaults } from '../../core/params';
import { portsOf } from '../../core/ports';
import type { GraphDoc, GraphEdge, GraphNode, Shape } from '../../core/types';
import type { UiAnalysis } from './analysis';
import type { Detour } from './edgeGeometry';
import type { LabelLod } from './labelLod';
import { defaultSides, type HandleSides, type Side } from './handleSides';

export interface PortView {
  index: number;
  /** Shown next to the handle when the op has several ports; empty for a single `x`. */
  label: string;
  connected: boolean;
  side: Side;
}

/** Everything the generic node renders; derived from the document and the analysis, never stored. */
export interface OpNodeData extends Record<string, unknown> {
  nodeId: string;
  title: string;
  opType: string;
  opLabel: string;
  category: OpCategory | 'unknown';
  summary: string;
  shape?: Shape;
  params: number;
  ports: PortView[];
  /** The side of the node's one output handle; undefined for output nodes (they have none). */
  output?: Side;
  severity?: Severity;
  messages: string[];
}

export interface ShapeEdgeData extends Record<string, unknown> {
  shape?: Shape;
  /** Set when the plain curve would cross a node: the lane the edge runs along instead. */
  detour?: Detour;
  /**
   * Level of detail of the label: hidden when it does not fit at the current zoom (it shows again when zoomed
   * in); 'over-node' when it covers part of a node and lets clicks through to it.
   */
  label?: 'hidden' | 'over-node';
  /** The edge feeds a port that has an error. */
  error: boolean;
}

/**
 * What a node object carries for React Flow: what places its handles and colours the minimap. The rest (title,
 * summary, shape, parameter count, messages) the node component reads live by id (nodeData.ts), so an edit that
 * changes only those leaves React Flow's nodes array, and its O(n) pass over it, alone.
 */
export type OpNodeFrame = Pick<OpNodeData, 'nodeId' | 'opType' | 'category' | 'severity' | 'ports' | 'output'> & Record<string, unknown>;
export type OpFlowNode = Node<OpNodeFrame, 'op'>;
export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

export const targetHandleId = (port: number) => `in-${port}`;
/** A node has one output handle whose id never changes (only its side does), so an edge never names a handle that is not there. */
export const SOURCE_HANDLE_ID = 'out';

export function portFromHandle(handle: string | null | undefined): number {
  const m = /^in-(\d+)$/.exec(handle ?? '');
  return m ? Number(m[1]) : 0;
}

/** Ports as the op defines them: named, or a variadic list with every connected port plus one free slot. */
export function portList(node: GraphNode, usedPorts: number[]): { index: number; label: string }[] {
  const highest = usedPorts.length ? Math.max(...usedPorts) + 1 : 0;
  const spec = portsOf(node)?.ports;
  if (!spec) return Array.from({ length: highest }, (_, i) => ({ index: i, label: '' }));
  if ('names' in spec) {
    const several = spec.names.length > 1;
    return spec.names.map((name, i) => ({ index: i, label: several ? name : '' }));
  }
  const filled = Math.max(spec.variadic.min, highest);
  const used = new Set(usedPorts).size;
  const count = Math.min(spec.variadic.max, filled + (used >= filled ? 1 : 0));
  return Array.from({ length: count }, (_, i) => ({ index: i, label: String(i) }));
}

function safeSummary(node: GraphNode): string {
  const op = getOp(node.op);
  if (!op) return `unknown op "${node.op}"`;
  try {
    return op.summary(withDefaults(op.params, node.params));
  } catch {
    return op.label;
  }
}

/** Connected input ports per node, so building every node's data is one pass over the edges, not one per node. */
export function incomingPorts(doc: Pick<GraphDoc, 'edges'>): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const e of doc.edges) {
    const list = map.get(e.target);
    if (list) list.push(e.targetPort);
    else map.set(e.target, [e.targetPort]);
  }
  return map;
}

export function nodeData(
  node: GraphNode,
  doc: GraphDoc,
  analysis: UiAnalysis,
  sides: HandleSides,
  incoming: Map<string, number[]> = incomingPorts(doc),
): OpNodeData {
  const op = getOp(node.op);
  const row = analysis.rowById.get(node.id);
  const usedPorts = incoming.get(node.id) ?? [];
  const portSides = sides.inputs.get(node.id) ?? new Map<number, Side>();
  const fallback = defaultSides([...portSides.values()], sides.outputs.get(node.id));
  const used = new Set(usedPorts);
  const ports = portList(node, usedPorts).map((p) => ({
    ...p,
    connected: used.has(p.index),
    side: portSides.get(p.index) ?? fallback.input,
  }));
  const isSink = node.op === 'output';
  return {
    nodeId: node.id,
    title: node.label || node.id,
    opType: node.op,
    opLabel: op?.label ?? node.op,
    category: op?.category ?? 'unknown',
    summary: safeSummary(node),
    shape: row?.output,
    params: row?.params.total ?? 0,
    ports,
    output: isSink ? undefined : fallback.output,
    severity: analysis.severity.get(node.id),
    messages: (analysis.byNode.get(node.id) ?? []).map((d) => d.message),
  };
}

const sameShape = (a: Shape | undefined, b: Shape | undefined) => a === b || (!!a && !!b && a.c === b.c && a.h === b.h && a.w === b.w);
const sameList = <T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean = Object.is) =>
  a === b || (a.length === b.length && a.every((x, i) => same(x, b[i]!)));
const samePort = (a: PortView, b: PortView) => a.index === b.index && a.label === b.label && a.connected === b.connected && a.side === b.side;

/** Compares what the node renders, by value: the analysis is a new object after every edit, its content mostly not. */
export function sameNodeData(a: OpNodeData, b: OpNodeData): boolean {
  return (
    a.nodeId === b.nodeId &&
    a.title === b.title &&
    a.opType === b.opType &&
    a.opLabel === b.opLabel &&
    a.category === b.category &&
    a.summary === b.summary &&
    sameShape(a.shape, b.shape) &&
    a.params === b.params &&
    a.severity === b.severity &&
    a.output === b.output &&
    sameList(a.ports, b.ports, samePort) &&
    sameList(a.messages, b.messages)
  );
}

/**
 * Equal content, same data object: React Flow's memoised node components then skip every node an edit did not
 * change (one re-render instead of 1,000 when one conv's filter count changes).
 */
export function createNodeDataCache() {
  const cache = new Map<string, { inputs: unknown[]; sides: HandleSides; sideKey: string; data: OpNodeData }>();
  return {
    get(node: GraphNode, doc: GraphDoc, analysis: UiAnalysis, sides: HandleSides, incoming: Map<string, number[]>): OpNodeData {
      const prev = cache.get(node.id);
      // Same inputs (an edit elsewhere; a drag frame moves handles of a few nodes only): skip building the data
      // at all. The inputs are what the data is made of, by value where the analysis makes new objects every time,
      // so checking all 10,000 nodes of a large graph after an edit is a few comparisons each.
      const sideKey = prev && prev.sides === sides ? prev.sideKey : JSON.stringify([[...(sides.inputs.get(node.id) ?? [])], sides.outputs.get(node.id) ?? '']);
      const row = analysis.rowById.get(node.id);
      const diagnostics = analysis.byNode.get(node.id);
      const inputs = [
        node,
        sideKey,
        String(incoming.get(node.id) ?? ''),
        row?.output?.c,
        row?.output?.h,
        row?.output?.w,
        row?.params.total,
        analysis.severity.get(node.id),
        diagnostics ? diagnostics.map((d) => d.message).join('\u0000') : '',
      ];
      if (prev && prev.inputs.every((x, i) => x === inputs[i])) {
        if (prev.sides !== sides) prev.sides = sides;
        return prev.data;
      }
      const next = nodeData(node, doc, analysis, sides, incoming);
      // Same ports, same list: the handle anchors and edge detours (computed from the port lists, compared by
      // identity) are then not recomputed for an edit that changed only a summary or a shape.
      if (prev && sameList(prev.data.ports, next.ports, samePort)) next.ports = prev.data.ports;
      const data = prev && sameNodeData(prev.data, next) ? prev.data : next;
      cache.set(node.id, { inputs, sides, sideKey, data });
      return data;
    },
    /** How many nodes it holds data for. */
    size: () => cache.size,
    /** Forgets nodes that are gone. */
    keepOnly(ids: ReadonlySet<string>) {
      for (const id of cache.keys()) if (!ids.has(id)) cache.delete(id);
    },
  };
}

/** An edge's stroke: red when it feeds an error, accent when selected. */
export const edgeColour = (error: boolean, selected: boolean) => (error ? '#d1343d' : selected ? '#3461e0' : '#a3aab7');

/** Input ports with an error per node ('all': the node's error is not about one port). */
export function errorPorts(analysis: UiAnalysis): Map<string, Set<number | 'all'>> {
  const badPorts = new Map<string, Set<number | 'all'>>();
  for (const d of analysis.diagnostics) {
    if (d.severity !== 'error' || !d.nodeId) continue;
    const set = badPorts.get(d.nodeId) ?? new Set();
    set.add(d.port ?? 'all');
    badPorts.set(d.nodeId, set);
  }
  return badPorts;
}

/** Whether an edge feeds a port that has an error. */
export function feedsError(e: GraphEdge, badPorts: ReadonlyMap<string, ReadonlySet<number | 'all'>>): boolean {
  const bad = badPorts.get(e.target);
  return !!bad && (bad.has('all') || bad.has(e.targetPort));
}

/** One edge as React Flow draws it. */
export function toFlowEdge(e: GraphEdge, data: ShapeEdgeData, selected: boolean): ShapeFlowEdge {
  return {
    id: e.id,
    type: 'shape',
    source: e.source,
    target: e.target,
    sourceHandle: SOURCE_HANDLE_ID,
    targetHandle: targetHandleId(e.targetPort),
    selected,
    // The arrowhead says which way the tensor flows, whatever the layout.
    markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: edgeColour(data.error, selected) },
    data,
  };
}

export function toFlowEdges(
  doc: GraphDoc,
  analysis: UiAnalysis,
  detours: ReadonlyMap<string, Detour>,
  selected: ReadonlySet<string>,
  lod: LabelLod = { hidden: new Set(), overNode: new Set() },
): ShapeFlowEdge[] {
  const badPorts = errorPorts(analysis);
  return doc.edges.map((e) =>
    toFlowEdge(
      e,
      {
        shape: analysis.edgeShapes.get(e.id),
        error: feedsError(e, badPorts),
        detour: detours.get(e.id),
        label: lod.hidden.has(e.id) ? 'hidden' : lod.overNode.has(e.id) ? 'over-node' : undefined,
      },
      selected.has(e.id),
    ),
  );
}
