import { getOp } from '../ops';
import { checkParam } from '../params';
import type { GraphDoc, GraphEdge, GraphNode } from '../types';
import { checkBlocks, checkGraph, checkPortsInto } from './checks';
import { finishProblems, type FormatError, type PathSegment, type Problem } from './errors';
import { FORMAT_LIMITS } from './limits';
import { getGraphSchema } from './schema';
import { fromZodIssue } from './zodIssues';

/**
 * The format's rules applied to a document already in memory: what `parseGraph` would refuse after `serializeGraph`.
 * The editor's store runs this after every command and refuses a result that does not pass, so every state the
 * editor can reach is one its autosave can restore and its export re-import.
 *
 * Same rules, same messages: problems are worded by the parser's own zod schema and graph checks. For speed (this
 * runs on every edit) a node or edge that is plainly valid skips zod, as `checkParam` does for params, and frozen
 * nodes and edges (the store's are) that passed once are not checked again.
 */
const accepted = new WeakSet<object>();

const NODE_KEYS = new Set(['id', 'op', 'label', 'params', 'position']);
const EDGE_KEYS = new Set(['id', 'source', 'target', 'targetPort']);

const isId = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= FORMAT_LIMITS.maxIdLength;
const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const onlyKeys = (v: Record<string, unknown>, allowed: ReadonlySet<string>) => Object.keys(v).every((k) => allowed.has(k) && v[k] !== undefined);

function plainlyValidNode(node: GraphNode): boolean {
  if (!isPlain(node) || !onlyKeys(node as unknown as Record<string, unknown>, NODE_KEYS) || !isId(node.id)) return false;
  const op = typeof node.op === 'string' ? getOp(node.op) : undefined;
  if (!op) return false;
  if (node.label !== undefined && (typeof node.label !== 'string' || node.label.length > FORMAT_LIMITS.maxLabelLength)) return false;
  const { position, params } = node;
  if (!isPlain(position) || Object.keys(position).length !== 2 || !Number.isFinite(position.x) || !Number.isFinite(position.y)) return false;
  if (!isPlain(params)) return false;
  // Missing params are fine for the format (they take their defaults) but go the slow way, through zod.
  const specs = Object.entries(op.params);
  if (Object.keys(params).length !== specs.length) return false;
  return specs.every(([name, spec]) => Object.hasOwn(params, name) && checkParam(spec, params[name]) === null);
}

function plainlyValidEdge(edge: GraphEdge): boolean {
  return (
    isPlain(edge) &&
    onlyKeys(edge as unknown as Record<string, unknown>, EDGE_KEYS) &&
    isId(edge.id) &&
    isId(edge.source) &&
    isId(edge.target) &&
    Number.isSafeInteger(edge.targetPort) &&
    edge.targetPort >= 0
  );
}

const schemaParts = () => {
  const shape = getGraphSchema().shape;
  return { node: shape.nodes.element, edge: shape.edges.element, blocks: shape.blocks, name: shape.name, description: shape.description };
};

/** Why one node or edge is refused, worded by the parser's schema ([] when the schema accepts it after all). */
function elementProblems(doc: GraphDoc, kind: 'nodes' | 'edges', index: number): Problem[] {
  const schema = kind === 'nodes' ? schemaParts().node : schemaParts().edge;
  const result = schema.safeParse(doc[kind][index], { reportInput: true });
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => fromZodIssue({ ...issue, path: [kind, index, ...issue.path] }, doc));
}

function headerProblems(doc: GraphDoc): Problem[] {
  const problems: Problem[] = [];
  const parts = schemaParts();
  for (const field of ['name', 'description'] as const) {
    const result = parts[field].safeParse(doc[field], { reportInput: true });
    if (!result.success) problems.push(...result.error.issues.flatMap((issue) => fromZodIssue({ ...issue, path: [field, ...issue.path] }, doc)));
  }
  const count = (n: number) => n.toLocaleString('en-US');
  if (doc.nodes.length > FORMAT_LIMITS.maxNodes)
    problems.push({ code: 'too-many-nodes', at: ['nodes'], message: `${count(doc.nodes.length)} nodes; the limit is ${count(FORMAT_LIMITS.maxNodes)}` });
  if (doc.edges.length > FORMAT_LIMITS.maxEdges)
    problems.push({ code: 'too-many-edges', at: ['edges'], message: `${count(doc.edges.length)} edges; the limit is ${count(FORMAT_LIMITS.maxEdges)}` });
  return problems;
}

/** Whether the graph checks (ids, edge ends, ports) can have a different answer for `next` than for `previous`. */
function graphMayDiffer(previous: GraphDoc, next: GraphDoc): boolean {
  if (previous.edges !== next.edges || previous.nodes.length !== next.nodes.length) return true;
  for (let i = 0; i < next.nodes.length; i++) {
    const a = previous.nodes[i]!;
    const b = next.nodes[i]!;
    if (a !== b && (a.id !== b.id || a.op !== b.op || a.params !== b.params)) return true;
  }
  return false;
}

/** Blocks as the parser would see them: the list's schema (ids, names, positions) and the checks against the nodes. */
function blockProblems(doc: GraphDoc): Problem[] {
  const blocks = doc.blocks;
  if (blocks === undefined) return [];
  const problems: Problem[] = [];
  // The store's one spelling of "no blocks" is no field: an empty list would not survive a save and load.
  if (blocks.length === 0) problems.push({ code: 'invalid', at: ['blocks'], message: 'an empty block list: leave the field out instead' });
  const result = schemaParts().blocks.safeParse(blocks, { reportInput: true });
  if (!result.success) problems.push(...result.error.issues.flatMap((issue) => fromZodIssue({ ...issue, path: ['blocks', ...issue.path] }, doc)));
  for (const p of checkBlocks(doc.nodes, blocks)) problems.push(p);
  return problems;
}

/** What an edit changed, as immer describes it (a patch's path from the document's root). */
export interface ChangePath {
  op: string;
  path: readonly (string | number)[];
}

export interface CheckOptions {
  /** The document before an edit, already checked: unchanged parts are not checked again. */
  previous?: GraphDoc;
  /**
   * The patches that turn `previous` into `doc` (immer's, from the edit): then only the nodes, edges and fields
   * they touch are checked, with the same rules, instead of the whole document. Needs `previous`.
   */
  changes?: readonly ChangePath[];
  /** Problems listed at most (the rest are counted); all of them when Infinity. */
  maxErrors?: number;
}

/** Which parts of a checked document an edit touched, and so which checks can have a new answer. */
interface Touched {
  header: boolean;
  /** Element indices to check, or 'all' when the array itself changed (added, removed, reordered). */
  nodes: Set<number> | 'all';
  edges: Set<number> | 'all';
  /** 'all': ids or edges changed, every graph check runs; otherwise the nodes whose params changed (their ports may have). */
  graph: Set<number> | 'all';
  /** The block list, or the node ids its checks read, may have changed. */
  blocks: boolean;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** What `changes` touch; null when they reach something this does not know how to narrow (then all is checked). */
function touchedBy(changes: readonly ChangePath[]): Touched | null {
  const t: Touched = { header: false, nodes: new Set(), edges: new Set(), graph: new Set(), blocks: false };
  for (const { path } of changes) {
    const [root, index, field] = path;
    if (root === 'name' || root === 'description') {
      t.header = true;
      continue;
    }
    if (root === 'blocks') {
      t.blocks = true;
      continue;
    }
    if (root !== 'nodes' && root !== 'edges') return null;
    if (path.length <= 2 || !isIndex(index)) {
      // An element added, removed or replaced whole, or the array swapped: counts, ids and edge ends may change.
      t[root] = 'all';
      t.header = true;
      t.graph = 'all';
      if (root === 'nodes') t.blocks = true;
      continue;
    }
    const touched = t[root];
    if (touched !== 'all') touched.add(index);
    // Graph checks read nodes' id, op and params and every field of an edge; a label or position does not matter.
    if (root === 'edges' || field === 'id' || field === 'op') t.graph = 'all';
    else if (field === 'params' && t.graph !== 'all') t.graph.add(index);
    // Block checks read node ids only.
    if (root === 'nodes' && field === 'id') t.blocks = true;
  }
  return t;
}

/**
 * Every reason `parseGraph(serializeGraph(doc))` would refuse `doc`; [] when none. (A missing param is not one:
 * the parser gives it its default, as every other reader of the document does.)
 */
export function checkDocument(doc: GraphDoc, options: CheckOptions = {}): FormatError[] {
  const { previous, changes } = options;
  const touched = previous && changes ? touchedBy(changes) : null;
  const problems: Problem[] = [];
  if (
    touched
      ? touched.header
      : !previous || previous.name !== doc.name || previous.description !== doc.description || previous.nodes.length !== doc.nodes.length || previous.edges.length !== doc.edges.length
  )
    problems.push(...headerProblems(doc));
  const checkAt = (kind: 'nodes' | 'edges', i: number, plainlyValid: (v: never) => boolean) => {
    const item = (doc[kind] as readonly object[])[i];
    if (item === undefined || accepted.has(item)) return;
    const found = plainlyValid(item as never) ? [] : elementProblems(doc, kind, i);
    if (found.length === 0 && Object.isFrozen(item)) accepted.add(item);
    for (const p of found) problems.push(p);
  };
  const check = (kind: 'nodes' | 'edges', plainlyValid: (v: never) => boolean) => {
    const only = touched?.[kind];
    if (only && only !== 'all') for (const i of [...only].sort((a, b) => a - b)) checkAt(kind, i, plainlyValid);
    else for (let i = 0; i < doc[kind].length; i++) checkAt(kind, i, plainlyValid);
  };
  check('nodes', plainlyValidNode);
  check('edges', plainlyValidEdge);
  if (touched && touched.graph !== 'all') {
    if (touched.graph.size > 0) for (const p of checkPortsInto(doc.nodes, doc.edges, touched.graph)) problems.push(p);
  } else if (!previous || graphMayDiffer(previous, doc)) for (const p of checkGraph(doc.nodes, doc.edges)) problems.push(p);
  // Blocks are checked against node ids only: a param, label or position edit cannot change their answer.
  if (touched ? touched.blocks : !previous || previous.blocks !== doc.blocks || previous.nodes !== doc.nodes) for (const p of blockProblems(doc)) problems.push(p);
  return finishProblems(problems, 'error', options.maxErrors);
}
