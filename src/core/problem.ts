import type { ParamValue } from './types';

/**
 * The one problem type. Whatever finds it — shape inference, an op's rule, the compiler, the weights loader, the
 * U-Net options, the runtime's backend choice — a problem says the same things: which node, which field, what was
 * wrong (and what was expected, in the message), how bad, and the fixes that would clear it.
 */
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

export interface Problem {
  severity: Severity;
  /** Stable machine-readable code, e.g. `concat-mismatch`, `shape-mismatch`, `backend-unavailable`. */
  code: string;
  /** What is wrong and what was expected, in words: `expected an integer ≥ 1, got -2`. */
  message: string;
  /** The node it is about. */
  nodeId?: string;
  /** The field within it (or on its own, without a node): a param, an option path `inputSize.h`, a tensor, a backend. */
  field?: string;
  /** The input port it is about. */
  port?: number;
  fixes?: Fix[];
  /**
   * Set when the cause is the spatial size reaching the layer, so another input size can clear it (the input-size
   * search runs only for these; any other error blocks it). Absent means no input size helps.
   */
  inputSizeCanFix?: boolean;
}

/** An error problem from its parts (the compiler, the weights loader, the runtime make these). */
export const errorProblem = (code: string, message: string, where: { nodeId?: string; field?: string } = {}): Problem => ({
  severity: 'error',
  code,
  message,
  ...(where.nodeId !== undefined ? { nodeId: where.nodeId } : {}),
  ...(where.field !== undefined ? { field: where.field } : {}),
});

/**
 * One line for a person: `enc0_conv1.filters: expected …`. Messages that already start with their node (the core's
 * often do) or with their field as a full name of its own (a tfjs weight `enc0_conv1/kernel: …`, whose layer name
 * need not be the node id) are not prefixed twice.
 */
export function problemLine(p: Pick<Problem, 'message' | 'nodeId' | 'field'>): string {
  const where = [p.nodeId, p.field].filter((s): s is string => s !== undefined && s !== '').join('.');
  if (!where) return p.message;
  if (p.nodeId && (p.message.startsWith(`${p.nodeId}:`) || p.message.startsWith(`${p.nodeId}.`))) return p.message;
  if (p.field && p.message.startsWith(`${p.field}:`)) return p.message;
  return `${where}: ${p.message}`;
}
