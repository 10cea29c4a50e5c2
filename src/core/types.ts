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

export const GRAPH_FORMAT = 'unet-studio/graph';
export const GRAPH_VERSION = 1;

export interface GraphDoc {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  name: string;
  description?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const formatShape = (s: Shape | undefined): string => (s ? `${s.c}×${s.h}×${s.w}` : '?');
