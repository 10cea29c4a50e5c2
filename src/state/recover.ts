import { formatPath, parseGraph, type FormatError } from '../core/format';
import { migrateDocument } from '../core/format/migrations';
import { OPS } from '../core/ops';
import { GRAPH_VERSION } from '../core/types';
import type { GraphDoc } from '../core/types';

export interface RecoveredDocument {
  doc: GraphDoc;
  /** What had to be reset or dropped to make the document valid, one line each; empty when nothing was. */
  repaired: string[];
  /** What was migrated from an older format version (a renamed or dropped param), one line each. */
  updated: string[];
}

/**
 * Problems the editor itself can leave in a document while the user works (a half-typed param, an edge on a port
 * that a param change removed). The file format refuses them, but they must not cost the user a whole autosave.
 */
const REPAIRABLE = new Set<FormatError['code']>(['bad-param', 'unknown-param', 'bad-port', 'port-taken']);
const PARAM_PATH = /^nodes\[(\d+)\]\.params(?:\.([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*")\])$/;
const EDGE_PATH = /^edges\[(\d+)\]\.targetPort$/;
const MAX_ROUNDS = 3;

type Raw = { nodes: { id?: unknown; params: Record<string, unknown> }[]; edges: unknown[] };

/**
 * Validates with the format parser; where the only problems are repairable ones, resets those params to their
 * defaults and drops those edges (repeating, since a reset param can change a node's ports). Null when the document
 * is not recoverable. Never throws.
 */
export function recoverGraph(input: unknown): RecoveredDocument | null {
  const repaired: string[] = [];
  let updated: string[] = [];
  let current = input;
  try {
    for (let round = 0; round <= MAX_ROUNDS; round++) {
      // Every error, not the first 20 and a count: the count line is not a problem to repair, and a document with 21
      // repairable problems must come back as one with 20 does.
      const parsed = parseGraph(current, { maxErrors: Infinity });
      if (parsed.ok) return { doc: parsed.doc, repaired, updated: round === 0 ? (parsed.migrated ?? []) : updated };
      if (round === MAX_ROUNDS || !parsed.errors.every((e) => REPAIRABLE.has(e.code))) return null;
      let next = structuredClone(typeof current === 'string' ? JSON.parse(current) : current) as Raw & Record<string, unknown>;
      if (round === 0 && next.version !== GRAPH_VERSION) {
        // Repair what the parser reports, which is about the migrated document: migrate first (once), keeping the notes.
        const migrated = migrateDocument(next, { ops: OPS, target: GRAPH_VERSION });
        next = migrated.doc as Raw & Record<string, unknown>;
        updated = migrated.notes.map((n) => `${formatPath(n.at)}: ${n.message}`);
      }
      const dropEdges = new Set<number>();
      for (const error of parsed.errors) {
        const param = PARAM_PATH.exec(error.path);
        const edge = EDGE_PATH.exec(error.path);
        if (param) {
          const node = next.nodes[Number(param[1])]!;
          const field = param[2] ?? (JSON.parse(param[3]!) as string);
          delete node.params[field];
          repaired.push(`${String(node.id)}.${field}: ${error.message} — reset to its default`);
        } else if (edge) {
          dropEdges.add(Number(edge[1]));
          repaired.push(`${error.message} — edge removed`);
        } else return null;
      }
      next.edges = next.edges.filter((_, i) => !dropEdges.has(i));
      current = next;
    }
  } catch {
    // A shape the parser let through but the repair did not expect: treat as unrecoverable.
  }
  return null;
}
