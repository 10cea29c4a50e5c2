import { OPS } from '../ops';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphBlock, type GraphDoc, type GraphEdge, type GraphNode, type Params } from '../types';
import { checkBlocks, checkGraph } from './checks';
import { decodeGraphBytes } from './decode';
import { finishProblems, formatPath, renderFormatError, showValue, type FormatError, type Problem } from './errors';
import { checkJsonValue, readJsonText } from './json';
import { FORMAT_LIMITS } from './limits';
import { migrateDocument, type MigrationNote } from './migrations';
import { BLOCK_FIELDS, DOC_FIELDS, EDGE_FIELDS, NODE_FIELDS, getGraphSchema } from './schema';
import { fromZodIssue } from './zodIssues';

/**
 * `migrated`: what was changed to bring a file of an older version up to this one (a renamed param, a dropped one),
 * one line each; also among `warnings`. Absent for a current file.
 */
export type ParseResult = { ok: true; doc: GraphDoc; warnings: string[]; migrated?: string[] } | { ok: false; errors: FormatError[] };

type Rec = Record<string, unknown>;
const record = (v: unknown): Rec | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined);
export interface ParseOptions {
  /** Errors listed at most; past it one line counts the rest. Default FORMAT_LIMITS.maxErrors; Infinity for all. */
  maxErrors?: number;
}

function safeString(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    return 'unknown error';
  }
}

/**
 * Reads a UNet Studio graph from the bytes of a file (decoded by the one rule in `decode.ts`), JSON text or an
 * already-parsed value. Never throws: every problem becomes a
 * FormatError with a path (`nodes[3].params.kernel`) and a message, most specific first, at most ~20 of them.
 * On success params are complete (missing ones take defaults) and informational fields are gone.
 */
export function parseGraph(input: unknown, options: ParseOptions = {}): ParseResult {
  try {
    return parseOrFail(input, (problems) => ({ ok: false, errors: finishProblems(problems, 'error', options.maxErrors) }));
  } catch (err) {
    return { ok: false, errors: [{ code: 'internal', path: '', message: `could not read the document (${safeString(err)})` }] };
  }
}

function parseOrFail(input: unknown, fail: (problems: Problem[]) => ParseResult): ParseResult {
  if (input instanceof ArrayBuffer) input = new Uint8Array(input);
  if (input instanceof Uint8Array) {
    const decoded = decodeGraphBytes(input);
    if (!decoded.ok) return fail(decoded.problems);
    input = decoded.text;
  }
  let value = input;
  const fromText = typeof input === 'string';
  if (typeof input === 'string') {
    const json = readJsonText(input);
    if (!json.ok) return fail(json.problems);
    value = json.value;
  }
  // JSON.parse output is already plain data; anything else is copied so it cannot change under us.
  const copied = checkJsonValue(value, { copy: !fromText });
  if (!copied.ok) return fail(copied.problems);
  const envelope = checkEnvelope(copied.value);
  if (!envelope.ok) return fail(envelope.problems);
  const { doc, nodes, edges, notes } = migrate(envelope);
  const blocks = Array.isArray(doc.blocks) ? doc.blocks : [];

  const warnings = unknownFields(doc, nodes, edges, blocks);
  const bare = withoutInfo(doc, nodes, edges, blocks);
  const parsed = getGraphSchema().safeParse(bare, { reportInput: true });
  const problems = parsed.success ? [] : parsed.error.issues.flatMap((issue) => fromZodIssue(issue, bare));
  // Not push(...list): a document with 150,000 problems would overflow the stack with that many arguments.
  for (const problem of checkGraph(nodes, edges)) problems.push(problem);
  for (const problem of checkBlocks(nodes, blocks)) problems.push(problem);
  if (!parsed.success || problems.length > 0) return fail(problems);
  const migrated = notes.map((n) => renderFormatError({ code: 'invalid', path: formatPath(n.at), message: n.message }));
  const shown = finishProblems(warnings, 'warning').map(renderFormatError);
  const result = toGraphDoc(parsed.data);
  if (migrated.length === 0) return { ok: true, doc: result, warnings: shown };
  return { ok: true, doc: result, warnings: [...migrated.slice(0, FORMAT_LIMITS.maxErrors), ...shown], migrated };
}

/** A document of an older version, brought to this one (core/format/migrations.ts) before it is validated. */
function migrate(envelope: Extract<Envelope, { ok: true }>): { doc: Rec; nodes: unknown[]; edges: unknown[]; notes: MigrationNote[] } {
  if (envelope.doc.version === GRAPH_VERSION) return { ...envelope, notes: [] };
  const { doc, notes } = migrateDocument(envelope.doc, { ops: OPS, target: GRAPH_VERSION });
  return { doc, nodes: Array.isArray(doc.nodes) ? doc.nodes : [], edges: Array.isArray(doc.edges) ? doc.edges : [], notes };
}

type Envelope = { ok: true; doc: Rec; nodes: unknown[]; edges: unknown[] } | { ok: false; problems: Problem[] };

/** What must hold before it is worth validating nodes: it is our format, a version we read, of a sane size. */
function checkEnvelope(value: unknown): Envelope {
  const doc = record(value);
  const notOurs = `this is not a UNet Studio graph (expected "format": ${JSON.stringify(GRAPH_FORMAT)})`;
  if (!doc) return { ok: false, problems: [{ code: 'not-a-graph', at: [], message: `expected a JSON object, got ${showValue(value)}: ${notOurs}` }] };
  if (doc.format !== GRAPH_FORMAT) {
    const message = doc.format === undefined ? `missing: ${notOurs}` : `expected ${JSON.stringify(GRAPH_FORMAT)}, got ${showValue(doc.format)}: ${notOurs}`;
    return { ok: false, problems: [{ code: 'wrong-format', at: ['format'], message }] };
  }
  const version = doc.version;
  if (typeof version === 'number' && Number.isInteger(version) && version > GRAPH_VERSION)
    return {
      ok: false,
      problems: [{ code: 'newer-version', at: ['version'], message: `made by a newer UNet Studio (version ${version}); this one reads version ${GRAPH_VERSION}` }],
    };
  // Every version from 1 up is read: older ones are migrated.
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    const expected = `1–${GRAPH_VERSION}`;
    return { ok: false, problems: [{ code: 'bad-version', at: ['version'], message: version === undefined ? `missing (expected ${expected})` : `expected ${expected}, got ${showValue(version)}` }] };
  }
  const problems: Problem[] = [];
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  const edges = Array.isArray(doc.edges) ? doc.edges : [];
  const count = (n: number) => n.toLocaleString('en-US');
  if (nodes.length > FORMAT_LIMITS.maxNodes)
    problems.push({ code: 'too-many-nodes', at: ['nodes'], message: `${count(nodes.length)} nodes; the limit is ${count(FORMAT_LIMITS.maxNodes)}` });
  if (edges.length > FORMAT_LIMITS.maxEdges)
    problems.push({ code: 'too-many-edges', at: ['edges'], message: `${count(edges.length)} edges; the limit is ${count(FORMAT_LIMITS.maxEdges)}` });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, doc, nodes, edges };
}

/** Fields we do not know are dropped with a warning, so a typo like `lable` is noticed but does not block a load. */
function unknownFields(doc: Rec, nodes: unknown[], edges: unknown[], blocks: unknown[]): Problem[] {
  const warnings: Problem[] = [];
  const scan = (obj: unknown, known: readonly string[], at: (string | number)[]) => {
    const r = record(obj);
    if (r) for (const key of Object.keys(r)) if (!known.includes(key)) warnings.push({ code: 'invalid', at: [...at, key], message: 'unknown field, ignored' });
  };
  scan(doc, DOC_FIELDS, []);
  nodes.forEach((n, i) => scan(n, NODE_FIELDS, ['nodes', i]));
  edges.forEach((e, i) => scan(e, EDGE_FIELDS, ['edges', i]));
  blocks.forEach((b, i) => scan(b, BLOCK_FIELDS, ['blocks', i]));
  return warnings;
}

/** Informational fields (`info`, `$schema`) are ignored whatever they hold, so they are removed before validation. */
function withoutInfo(doc: Rec, nodes: unknown[], edges: unknown[], blocks: unknown[]): Rec {
  const strip = (v: unknown) => {
    const r = record(v);
    if (!r || !Object.hasOwn(r, 'info')) return v;
    const { info: _info, ...rest } = r;
    return rest;
  };
  const { $schema: _schema, info: _info, ...rest } = doc;
  return {
    ...rest,
    ...(Array.isArray(doc.nodes) ? { nodes: nodes.map(strip) } : {}),
    ...(Array.isArray(doc.edges) ? { edges: edges.map(strip) } : {}),
    ...(Array.isArray(doc.blocks) ? { blocks: blocks.map(strip) } : {}),
  };
}

type Parsed = ReturnType<ReturnType<typeof getGraphSchema>['parse']>;

/** The validated document in canonical field order, with no undefined-valued fields. */
function toGraphDoc(data: Parsed): GraphDoc {
  const nodes: GraphNode[] = data.nodes.map((n) => ({
    id: n.id,
    op: n.op,
    ...(n.label !== undefined ? { label: n.label } : {}),
    params: { ...(n.params as Params) },
    position: { x: n.position.x, y: n.position.y },
  }));
  const edges: GraphEdge[] = data.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, targetPort: e.targetPort }));
  const blocks: GraphBlock[] = (data.blocks ?? []).map((b) => ({
    id: b.id,
    name: b.name,
    nodes: [...b.nodes],
    collapsed: b.collapsed,
    position: { x: b.position.x, y: b.position.y },
  }));
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: data.name,
    ...(data.description !== undefined ? { description: data.description } : {}),
    nodes,
    edges,
    // An empty list is the same as none: one spelling, so a document compares equal after a save and a load.
    ...(blocks.length > 0 ? { blocks } : {}),
  };
}
