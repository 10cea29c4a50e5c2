import type { Diagnostic, Fix } from './diagnostics';
import type { GraphIndex } from './graph';
import { BYTES_PER_VALUE, inferShapes, type ShapeReport, type NodeInfo } from './infer';
import { executionPlan, peakBytes, type ExecutionPlan } from './analysisPlan';
import type { ParamCount } from './op';
import { isSizeDiagnostic, nearestValid, sizeIndependentErrors } from './solver';
import type { GraphDoc, Shape } from './types';

/** One line of the summary table / layer list, in execution order. */
export interface NodeRow {
  id: string;
  op: string;
  /** The node's own label, else the op's label (else the raw op name when the op is unknown). */
  label: string;
  /** The op's one-line reading of the params; empty when the params are invalid. */
  summary: string;
  output?: Shape;
  params: ParamCount & { total: number };
  macs: number;
  /** Output bytes for the whole batch (0 for output nodes, which alias their input). */
  bytes: number;
  receptiveField?: number;
  /** Cumulative stride: the grid step of this node's output in input pixels. */
  jump?: number;
}

export interface Totals {
  params: ParamCount & { total: number };
  /** Weight memory at fp32. */
  paramBytes: number;
  macs: number;
  /** Sum of every node's output (what a training step keeps for backprop). */
  activationBytes: number;
  /**
   * Most memory held at once during one forward pass, when each tensor is freed after its last consumer runs.
   * The input counts; graph outputs stay until the end. Nodes with unknown shapes count as zero.
   */
  peakBytes: number;
  /**
   * Nodes whose output size is unknown (a missing input, an error upstream): their params, mult-adds and memory
   * are missing from the sums above, which are then lower bounds. Output nodes (they add nothing) are left out.
   */
  unknown: string[];
}

export interface Analysis {
  shapes: ShapeReport;
  rows: NodeRow[];
  totals: Totals;
  /** Errors first, then warnings; within each, in execution order of their node. */
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** The input node and the C×H×W it feeds (after any override). */
  input?: { id: string; shape: Shape; batch: number };
  /** The longest input→output path, for the "572→570→…→388" size trace. */
  mainPath: { id: string; output?: Shape }[];
}

export interface AnalysisOptions {
  /** Overrides the input node's C×H×W, as in `inferShapes`. */
  input?: Partial<Shape>;
  /** Search for valid input sizes when the graph has size problems (default true). */
  solve?: boolean;
  /** How far (pixels) the size search looks each way. */
  maxDistance?: number;
  /** Time the size search may take before it answers with what it found (default DEFAULT_BUDGET_MS). */
  sizeSearchBudgetMs?: number;
}

type Graph = Pick<GraphDoc, 'nodes' | 'edges'>;

const total = (p: ParamCount) => ({ trainable: p.trainable, nonTrainable: p.nonTrainable, total: p.trainable + p.nonTrainable });

/** Everything the UI and the CLI show about a graph, computed in one pass plus (when needed) a size search. */
export function analyzeGraph(doc: Graph, options: AnalysisOptions = {}): Analysis {
  const shapes = inferShapes(doc, { input: options.input });
  const index = shapes.index;
  const ids = executionOrder(shapes);
  // Only the store's frozen documents without an input override are worth remembering (others never reuse a row).
  const rows = rowsOf(ids, index, shapes, !options.input && Object.isFrozen(doc.nodes));
  const plan = executionPlan(shapes.order, index);

  const input = inputOf(shapes);
  const diagnostics = [...shapes.diagnostics];
  if (input && options.solve !== false) {
    const sizeProblem = addSizeSuggestions(doc, shapes, diagnostics, input, options);
    if (sizeProblem) diagnostics.push(sizeProblem);
  }
  sortDiagnostics(diagnostics, ids);
  const errorCount = diagnostics.filter((d) => d.severity === 'error').length;

  return {
    shapes,
    rows,
    totals: totals(rows, shapes, plan),
    diagnostics,
    errorCount,
    warningCount: diagnostics.length - errorCount,
    input,
    mainPath: plan.path.map((k) => ({ id: rows[k]!.id, output: rows[k]!.output })),
  };
}

/** The execution order, then any nodes on a cycle (they never run, but the UI still lists them). */
function executionOrder(shapes: ShapeReport): string[] {
  const { order, index } = shapes;
  if (order.length === index.nodes.size) return order;
  const inOrder = new Set(order);
  return [...order, ...[...index.nodes.keys()].filter((id) => !inOrder.has(id))];
}

/** Errors first, then warnings; within each, graph-level ones first, then in execution order (stable). */
function sortDiagnostics(diagnostics: Diagnostic[], ids: string[]) {
  if (diagnostics.length < 2) return;
  const wanted = new Set(diagnostics.map((d) => d.nodeId));
  const position = new Map<string, number>();
  ids.forEach((id, i) => wanted.has(id) && position.set(id, i));
  const rank = (d: Diagnostic) => (d.nodeId === undefined ? -1 : (position.get(d.nodeId) ?? ids.length));
  diagnostics.sort((a, b) => (a.severity === b.severity ? rank(a) - rank(b) : a.severity === 'error' ? -1 : 1));
}

// The last call's rows, by execution step: a row is reused while its NodeInfo is the same object (the shape pass
// keeps a NodeInfo, memoised on the frozen node object, while nothing it read changed); the node check is a
// second guard, since a reused NodeInfo already implies the same node object.
let lastRows: { ids: string[]; nodes: GraphDoc['nodes'][number][]; infos: NodeInfo[]; rows: NodeRow[] } | undefined;

function rowsOf(ids: string[], index: GraphIndex, shapes: ShapeReport, remember: boolean): NodeRow[] {
  const last = lastRows?.ids === ids ? lastRows : undefined;
  const nodes = new Array<GraphDoc['nodes'][number]>(ids.length);
  const infos = new Array<NodeInfo>(ids.length);
  const rows = new Array<NodeRow>(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const node = (nodes[k] = index.nodes.get(ids[k]!)!);
    const info = (infos[k] = shapes.nodes.get(ids[k]!)!);
    rows[k] = last && last.nodes[k] === node && last.infos[k] === info ? last.rows[k]! : toRow(node, info);
  }
  // A NodeInfo is only ever the same object twice when it came from the shape pass's memo, which holds frozen
  // nodes only: a node that could change in place never gets its old row back.
  if (remember) lastRows = { ids, nodes, infos, rows };
  return rows;
}

function toRow(node: GraphDoc['nodes'][number], info: NodeInfo): NodeRow {
  let summary = '';
  if (info.op && info.params) {
    try {
      summary = info.op.summary(info.params);
    } catch {
      summary = '';
    }
  }
  return {
    id: node.id,
    op: node.op,
    label: node.label ?? info.op?.label ?? node.op,
    summary,
    output: info.output,
    params: total(info.paramCount),
    macs: info.macs,
    bytes: info.bytes,
    receptiveField: info.receptiveField,
    jump: info.jump,
  };
}

function inputOf(shapes: ShapeReport): Analysis['input'] {
  const id = shapes.inputId;
  const shape = id ? shapes.nodes.get(id)?.output : undefined;
  return id && shape ? { id, shape, batch: shapes.batch } : undefined;
}

function totals(rows: NodeRow[], shapes: ShapeReport, plan: ExecutionPlan): Totals {
  const params = { trainable: 0, nonTrainable: 0 };
  let macs = 0;
  let activationBytes = 0;
  for (const r of rows) {
    params.trainable += r.params.trainable;
    params.nonTrainable += r.params.nonTrainable;
    macs += r.macs;
    activationBytes += r.bytes;
  }
  const all = total(params);
  const unknown = rows.filter((r) => !r.output && shapes.nodes.get(r.id)?.op?.type !== 'output').map((r) => r.id);
  return { params: all, paramBytes: all.total * BYTES_PER_VALUE, macs, activationBytes, peakBytes: peakBytes(plan, (k) => rows[k]!.bytes), unknown };
}

const sizeText = (s: { h: number; w: number }) => (s.h === s.w ? `${s.h}` : `${s.h}×${s.w}`);

/**
 * When some layers see a size they cannot handle, finds the nearest input sizes that work, offers the
 * nearest on each size diagnostic, and returns a warning on the input node listing them all (none when no
 * input size would help).
 */
function addSizeSuggestions(
  doc: Graph,
  shapes: ShapeReport,
  diagnostics: Diagnostic[],
  input: NonNullable<Analysis['input']>,
  options: AnalysisOptions,
): Diagnostic | undefined {
  const sized = diagnostics.filter(isSizeDiagnostic);
  if (sized.length === 0) return undefined;
  const { h, w, c } = input.shape;
  const blocked = sizeIndependentErrors(shapes).length > 0;
  const found = blocked
    ? { suggestions: [] }
    : nearestValid(doc, { h, w }, { channels: c, maxDistance: options.maxDistance, budgetMs: options.sizeSearchBudgetMs, report: shapes });
  const partial = 'partial' in found ? found.partial : undefined;
  const fixes: Fix[] = found.suggestions.map((s) => ({
    label: `Set input to ${s.h}×${s.w}`,
    actions: [{ kind: 'setParams', nodeId: input.id, params: { height: s.h, width: s.w } }],
  }));
  if (fixes[0]) {
    for (let i = 0; i < diagnostics.length; i++)
      if (isSizeDiagnostic(diagnostics[i]!))
        diagnostics[i] = { ...diagnostics[i]!, fixes: [...(diagnostics[i]!.fixes ?? []), fixes[0]] };
  }
  const searched = partial && `the search stopped after ${partial.budgetMs} ms, having looked ${partial.radius} px each way`;
  if (!fixes.length && searched)
    return { severity: 'warning', code: 'input-size-search', nodeId: input.id, message: `input ${h}×${w}: no valid input size found — ${searched}` };
  // No size helps (another error blocks them all, or the mismatch is structural, like a missing crop): a warning
  // on the input would point the user at the wrong node.
  if (!fixes.length) return undefined;
  const layers = new Set(sized.map((d) => d.nodeId)).size;
  return {
    severity: 'warning',
    code: 'input-size',
    nodeId: input.id,
    message: `input ${h}×${w}: ${layers} ${layers === 1 ? 'layer sees' : 'layers see'} an odd size or mismatch — nearest valid sizes: ${found.suggestions.map(sizeText).join(', ')}${searched ? ` (${searched})` : ''}`,
    fixes,
  };
}
