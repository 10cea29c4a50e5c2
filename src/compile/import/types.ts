import type { GraphDoc } from '../../core/types';
import type { StateDict } from '../stateDict';

export type ImportFormat = 'onnx' | 'keras' | 'tfjs';

/** A model opened from another tool: our graph, its weights in PyTorch layout keyed by node id, and notes. */
export interface ImportedModel {
  format: ImportFormat;
  doc: GraphDoc;
  weights: StateDict;
  /** Things the user should know (a dynamic size analysed at a chosen size, nodes dropped as no-ops, …). */
  warnings: string[];
}

export interface ImportOptions {
  /** The input H×W to analyse (and fold size arithmetic) at; required only when the model leaves it open. */
  inputSize?: { h: number; w: number };
  /** The document name (default: from the file or the model). */
  name?: string;
}

/** One foreign op type the importer cannot map, with where it occurs. */
export interface UnsupportedOp {
  opType: string;
  /** Names of the nodes of that type (or that use of it). */
  nodes: string[];
  /** Why, when the type is known but this use of it is not (e.g. "group=32 (grouped convolution)"). */
  reason?: string;
}

/**
 * A model that cannot be opened. Nothing is half-imported: `problems` lists every located problem,
 * `unsupported` every op type with its nodes and counts, `summary` what the rest of the model would need.
 */
export class ImportError extends Error {
  override name = 'ImportError';
  constructor(
    readonly format: ImportFormat | 'pytorch',
    readonly problems: string[],
    readonly unsupported: UnsupportedOp[] = [],
    readonly summary: string[] = [],
  ) {
    super(describeImportError(problems, unsupported));
  }
}

export function describeImportError(problems: string[], unsupported: UnsupportedOp[]): string {
  const lines: string[] = [];
  if (unsupported.length) {
    const total = unsupported.reduce((n, u) => n + u.nodes.length, 0);
    lines.push(`${total} node${total === 1 ? '' : 's'} of ${unsupported.length} unsupported kind${unsupported.length === 1 ? '' : 's'}:`);
    for (const u of unsupported) {
      const names = u.nodes.slice(0, 4).join(', ') + (u.nodes.length > 4 ? `, … (${u.nodes.length - 4} more)` : '');
      lines.push(`  ${u.opType} ×${u.nodes.length}${u.reason ? ` — ${u.reason}` : ''}: ${names}`);
    }
  }
  lines.push(...problems);
  return lines.join('\n');
}

/** Groups unsupported uses by op type and reason, in first-seen order. */
export function groupUnsupported(items: { opType: string; node: string; reason?: string }[]): UnsupportedOp[] {
  const groups = new Map<string, UnsupportedOp>();
  for (const it of items) {
    const key = `${it.opType}\u0000${it.reason ?? ''}`;
    const g = groups.get(key) ?? { opType: it.opType, nodes: [], ...(it.reason ? { reason: it.reason } : {}) };
    g.nodes.push(it.node);
    groups.set(key, g);
  }
  return [...groups.values()];
}
