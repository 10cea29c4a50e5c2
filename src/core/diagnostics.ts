import type { ParamValue } from './types';

export type Severity = 'error' | 'warning';

/** A graph edit expressed as data, so the UI, the CLI and tests can apply the same fix. */
export type FixAction =
  | { kind: 'setParams'; nodeId: string; params: Record<string, ParamValue> }
  /**
   * Insert a new node on the edge that feeds `port` of `nodeId`. The existing source goes into port 0 of the
   * new node; when `likeFrom` is set, that node's output also feeds the new node's port 1 (crop/pad "like").
   */
  | {
      kind: 'insertBefore';
      nodeId: string;
      port: number;
      op: string;
      params: Record<string, ParamValue>;
      likeFrom?: string;
    }
  | { kind: 'removeEdge'; edgeId: string };

export interface Fix {
  label: string;
  actions: FixAction[];
}

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `concat-mismatch`. */
  code: string;
  message: string;
  nodeId?: string;
  port?: number;
  field?: string;
  fixes?: Fix[];
  /**
   * Set when the cause is the spatial size reaching the layer, so another input size can clear it (the input-size
   * search runs only for these; any other error blocks it). Absent means no input size helps.
   */
  inputSizeCanFix?: boolean;
}

/** What an op's shape rule reports; the engine attaches the node id. */
export type OpIssue = Omit<Diagnostic, 'nodeId'>;
