/** Per-sample tensor shape, channels-first as users read it (C×H×W). Batch is carried separately. */
export interface Shape {
  c: number;
  h: number;
  w: number;
}

export type ParamValue = number | boolean | string;
export type Params = Record<string, ParamValue>;

export interface XY {
  x: number;
  y: number;
}

export interface GraphNode {
  id: string;
  op: string;
  params: Params;
  position: XY;
  label?: string;
}

/**
 * An edge feeds the single output of `source` into input port `targetPort` of `target`.
 * Port order matters: concat's channel layout is the order of its ports.
 */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  targetPort: number;
}

/**
 * A composite block: named nodes drawn and exported as one unit (DoubleConv, Down, Up). The graph stays the nodes
 * and edges; a block only says which nodes belong together. Its ports are not stored: its inputs are the tensors
 * that edges carry in from outside the block, its outputs the members whose tensors leave it (`core/blocks.ts`),
 * so a block can never disagree with its wiring.
 */
export interface GraphBlock {
  /** Unique among node, edge and block ids. */
  id: string;
  /** The block's type, shared by its instances (e.g. every "Down"): the PyTorch class name and "apply to all". */
  name: string;
  /** Member node ids, in document order; a node belongs to at most one block. */
  nodes: string[];
  /** Drawn as one box (its input → output shapes and params) instead of its members. */
  collapsed: boolean;
  /** Where the collapsed box sits. */
  position: XY;
}

export const GRAPH_FORMAT = 'unet-studio/graph';
/** Version 2 added composite blocks (`blocks`). */
export const GRAPH_VERSION = 2;

export interface GraphDoc {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  name: string;
  description?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Composite blocks; absent when there are none (never an empty list, so documents compare equal after a save). */
  blocks?: GraphBlock[];
}

export const formatShape = (s: Shape | undefined): string => (s ? `${s.c}×${s.h}×${s.w}` : '?');
