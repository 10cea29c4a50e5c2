import type { OpDef, ParamMigration } from '../op';
import { quote } from '../text';
import type { PathSegment } from './errors';

/**
 * How documents written by older versions are brought up to the current one, before validation. Two kinds:
 * - a format migration (this file's FORMAT_MIGRATIONS): the document's shape changed, e.g. version 2 adding
 *   composite blocks. One entry, with the schema change and GRAPH_VERSION raised to its `version`;
 * - a param migration, declared in the op's own file (`migrations` on defineOp): a param renamed or dropped at a
 *   version, so a file that still uses the old name keeps its value instead of failing or being reset.
 * Every change made is reported (`MigrationNote`): the import shows them as warnings, the autosave restore lists them.
 */

type Rec = Record<string, unknown>;
const record = (v: unknown): Rec | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined);

export interface FormatMigration {
  /** The version this migration produces, from a document of `version - 1`. */
  version: number;
  /** What changed, for release notes and the migration report. */
  describe: string;
  /** The document of `version - 1` (plain JSON, already checked to be a graph envelope) → one of `version`. */
  up(doc: Rec, note: (at: PathSegment[], message: string) => void): Rec;
}

/** Format migrations, oldest first. */
export const FORMAT_MIGRATIONS: readonly FormatMigration[] = [
  {
    version: 2,
    describe: 'composite blocks: an optional "blocks" list (id, name, member nodes, collapsed, position)',
    // A version-1 file has no blocks, and a "blocks" field in one was never ours: it is dropped with a note rather
    // than read with rules it was not written under.
    up(doc, note) {
      if (!Object.hasOwn(doc, 'blocks')) return doc;
      const { blocks: _blocks, ...rest } = doc;
      note(['blocks'], 'dropped: version 1 has no "blocks" field (composite blocks came in version 2)');
      return rest;
    },
  },
];

export interface MigrationNote {
  at: PathSegment[];
  message: string;
}

/** The version a registry and its format migrations write: the newest version any of them names (at least 1). */
export function latestVersion(ops: readonly OpDef[], formatMigrations: readonly FormatMigration[] = FORMAT_MIGRATIONS): number {
  let latest = 1;
  for (const m of formatMigrations) latest = Math.max(latest, m.version);
  for (const op of ops) for (const m of op.migrations ?? []) latest = Math.max(latest, m.version);
  return latest;
}

/** One op's param migration applied to one node's params, in place on a copy; notes what it did. */
function migrateParams(params: Rec, migration: ParamMigration, at: PathSegment[], op: string, note: (at: PathSegment[], message: string) => void) {
  for (const [from, to] of Object.entries(migration.rename ?? {})) {
    if (!Object.hasOwn(params, from)) continue;
    if (Object.hasOwn(params, to)) note([...at, from], `${op} renamed ${quote(from)} to ${quote(to)} in version ${migration.version}; both were given, ${quote(from)} was dropped`);
    else {
      params[to] = params[from];
      note([...at, to], `was ${quote(from)} (${op} renamed it in version ${migration.version}); the value is kept`);
    }
    delete params[from];
  }
  for (const [name, why] of Object.entries(migration.drop ?? {})) {
    if (!Object.hasOwn(params, name)) continue;
    note([...at, name], `dropped: ${op} has no ${quote(name)} since version ${migration.version} (${why})`);
    delete params[name];
  }
}

export interface MigrationContext {
  ops: readonly OpDef[];
  formatMigrations?: readonly FormatMigration[];
  /** The version to migrate to; the newest the registry knows by default. */
  target?: number;
}

/**
 * `doc` (a graph envelope of version `doc.version`, between 1 and the target) brought to the target version:
 * for each version step, the format migration of that version, then the param migrations of that version of each
 * node's op. Returns a new document (the input is not changed) and what was changed.
 */
export function migrateDocument(doc: Rec, context: MigrationContext): { doc: Rec; notes: MigrationNote[] } {
  const formatMigrations = context.formatMigrations ?? FORMAT_MIGRATIONS;
  const target = context.target ?? latestVersion(context.ops, formatMigrations);
  const byType = new Map(context.ops.map((op) => [op.type, op]));
  const notes: MigrationNote[] = [];
  const note = (at: PathSegment[], message: string) => void notes.push({ at, message });
  const from = typeof doc.version === 'number' ? doc.version : target;
  let current: Rec = { ...doc };
  for (let version = from + 1; version <= target; version++) {
    const step = formatMigrations.find((m) => m.version === version);
    if (step) current = step.up(current, note);
    if (!Array.isArray(current.nodes)) continue;
    current.nodes = current.nodes.map((raw, i) => {
      const node = record(raw);
      const op = typeof node?.op === 'string' ? byType.get(node.op) : undefined;
      const params = record(node?.params);
      const migrations = (op?.migrations ?? []).filter((m) => m.version === version);
      if (!node || !op || !params || migrations.length === 0) return raw;
      const copy = { ...params };
      for (const m of migrations) migrateParams(copy, m, ['nodes', i, 'params'], op.type, note);
      return { ...node, params: copy };
    });
  }
  current.version = target;
  return { doc: current, notes };
}
