import type { Diagnostic, OpIssue } from './diagnostics';
import { indexGraph, topoOrder, type GraphIndex } from './graph';
import type { OpDef, ParamCount } from './op';
import { getOp } from './ops';
import { checkParam, withDefaults } from './params';
import { opPorts, portLabel } from './ports';
import type { GraphDoc, GraphEdge, Params, Shape } from './types';

export const BYTES_PER_VALUE = 4; // fp32

export interface NodeInfo {
  id: string;
  op?: OpDef;
  /** Validated params with defaults filled in; undefined when a param is invalid. */
  params?: Params;
  /** Shape on each port, in port order; undefined where unconnected or unknown. */
  inputs: (Shape | undefined)[];
  output?: Shape;
  paramCount: ParamCount;
  macs: number;
  /** Bytes of this node's output for the whole batch (fp32). */
  bytes: number;
  /** Receptive field in input pixels and the grid step relative to the input (cumulative stride). */
  receptiveField?: number;
  jump?: number;
}

export interface ShapeOptions {
  /** Overrides the input node's C×H×W (first input node). */
  input?: Partial<Shape>;
}

export interface ShapeReport {
  nodes: Map<string, NodeInfo>;
  /** Shape carried by each edge (its source's output), undefined when unknown. */
  edges: Map<string, Shape | undefined>;
  order: string[];
  diagnostics: Diagnostic[];
  batch: number;
  inputId?: string;
  /** The graph index the pass used (incoming/outgoing edges per node), so callers need not build another. */
  index: GraphIndex;
}

const sizeOk = (v: number) => Number.isInteger(v) && v >= 1 && v <= 2 ** 31;
const shapeOk = (s: Shape) => sizeOk(s.c) && sizeOk(s.h) && sizeOk(s.w);

/** Infers every node's output shape. Never throws: problems become diagnostics and downstream shapes unknown. */
export function inferShapes(doc: Pick<GraphDoc, 'nodes' | 'edges'>, options: ShapeOptions = {}): ShapeReport {
  const diagnostics: Diagnostic[] = [];
  const report = (nodeId: string | undefined, i: OpIssue) => diagnostics.push({ ...i, nodeId });
  const index = indexGraph(doc);
  // The index drops duplicate nodes and dangling edges; only when it did is there anything to report.
  if (index.nodes.size !== doc.nodes.length) {
    const seen = new Set<string>();
    for (const n of doc.nodes) {
      if (seen.has(n.id)) report(n.id, { severity: 'error', code: 'duplicate-id', message: `two nodes have the id "${n.id}"` });
      seen.add(n.id);
    }
  }
  let indexedEdges = 0;
  for (const ins of index.incoming.values()) indexedEdges += ins.length;
  if (indexedEdges !== doc.edges.length) {
    for (const e of doc.edges) {
      for (const end of ['source', 'target'] as const)
        if (!index.nodes.has(e[end]))
          report(index.nodes.has(e.target) ? e.target : undefined, {
            severity: 'error',
            code: 'dangling-edge',
            message: `edge ${e.id}: its ${end} "${e[end]}" is not a node`,
          });
    }
  }

  const inputNodes = doc.nodes.filter((n) => n.op === 'input');
  const inputId = inputNodes[0]?.id;
  if (!inputId) report(undefined, { severity: 'error', code: 'no-input', message: 'the graph has no input node' });
  let batch = 1;

  const nodes = new Map<string, NodeInfo>();
  for (const n of index.nodes.values()) {
    // Every field up front, so later assignments do not reshape 10k objects one property at a time.
    const info: NodeInfo = {
      id: n.id,
      op: undefined,
      params: undefined,
      inputs: [],
      output: undefined,
      paramCount: { trainable: 0, nonTrainable: 0 },
      macs: 0,
      bytes: 0,
      receptiveField: undefined,
      jump: undefined,
    };
    nodes.set(n.id, info);
    const op = getOp(n.op);
    if (!op) {
      report(n.id, { severity: 'error', code: 'unknown-op', message: `${n.id}: unknown op "${n.op}"` });
      continue;
    }
    info.op = op;
    let params = withDefaults(op.params, n.params);
    if (n.id === inputId && options.input) params = { ...params, channels: options.input.c ?? params.channels!, height: options.input.h ?? params.height!, width: options.input.w ?? params.width! };
    let valid = true;
    for (const field in op.params) {
      const problem = checkParam(op.params[field]!, params[field]);
      if (problem) {
        valid = false;
        report(n.id, { severity: 'error', code: 'bad-param', field, message: `${n.id}.${field}: ${problem}` });
      }
    }
    if (valid) info.params = params;
    if (n.id === inputId && valid && typeof params.batch === 'number') batch = params.batch;
  }

  const { order, cyclic } = topoOrder(index);
  for (const id of cyclic)
    report(id, { severity: 'error', code: 'cycle', message: `${id} is on a cycle (or fed by one): a network must flow one way` });

  const edges = new Map<string, Shape | undefined>();
  const shapeOf = (src: string) => nodes.get(src)?.output;
  for (const id of order) {
    const info = nodes.get(id)!;
    const ports = connectPorts(id, info, index.incoming.get(id)!, report, shapeOf);
    if (!ports || !info.op || !info.params) continue;
    const known = ports.shapes.every((s): s is Shape => s !== undefined);
    info.inputs = ports.shapes;
    if (!known) continue;
    let result;
    try {
      result = info.op.infer(info.params, { nodeId: id, inputs: ports.shapes as Shape[], sources: ports.sources, batch });
    } catch (err) {
      result = { issues: [{ severity: 'error' as const, code: 'internal', message: `${id}: shape rule failed (${String(err)})` }] };
    }
    if (result.issues) for (const i of result.issues) report(id, i);
    if (!result.shape) continue;
    if (!shapeOk(result.shape)) {
      report(id, { severity: 'error', code: 'non-positive-size', inputSizeCanFix: true, message: `${id}: output would be ${result.shape.c}×${result.shape.h}×${result.shape.w}` });
      continue;
    }
    info.output = result.shape;
    const inputs = ports.shapes as Shape[];
    info.paramCount = info.op.paramCount?.(info.params, inputs, result.shape) ?? { trainable: 0, nonTrainable: 0 };
    info.macs = info.op.macs?.(info.params, inputs, result.shape) ?? 0;
    // An output node only names its input's tensor; it holds no memory of its own.
    info.bytes = info.op.type === 'output' ? 0 : batch * result.shape.c * result.shape.h * result.shape.w * BYTES_PER_VALUE;
    trackGeometry(info, index.incoming.get(id)!, nodes);
  }
  for (const e of doc.edges) edges.set(e.id, nodes.get(e.source)?.output);
  index.outgoing.forEach((outs, id) => {
    const info = nodes.get(id)!;
    if (outs.length === 0 && info.op && info.op.type !== 'output' && index.incoming.get(id)!.length > 0)
      report(id, { severity: 'warning', code: 'unused-output', message: `${id}: its output is not used (connect it, or add an output node)` });
  });
  return { nodes, edges, order, diagnostics, batch, inputId, index };
}

/** Orders a node's incoming edges by port and checks them against the op's port spec. */
function connectPorts(
  id: string,
  info: NodeInfo,
  incoming: GraphEdge[],
  report: (nodeId: string, i: OpIssue) => void,
  shapeOf: (nodeId: string) => Shape | undefined,
): { shapes: (Shape | undefined)[]; sources: string[] } | undefined {
  if (!info.op || !info.params) return undefined;
  const node = opPorts(info.op, info.params);
  if (!node) {
    report(id, { severity: 'error', code: 'internal', message: `${id}: the port rule of ${info.op.type} failed` });
    return undefined;
  }
  const { ports: spec, min, max: maxPorts } = node;
  // Exact-size arrays, not a Map or pushes: this runs for every node on every edit, and the spare capacity
  // of per-node Maps and grown arrays was most of the engine's garbage on large graphs.
  const byPort = new Array<GraphEdge | undefined>(maxPorts);
  let ok = true;
  for (const e of incoming) {
    const taken = byPort[e.targetPort];
    if (!Number.isInteger(e.targetPort) || e.targetPort < 0 || e.targetPort >= maxPorts) {
      report(id, { severity: 'error', code: 'bad-port', port: e.targetPort, message: `${id}: ${info.op.type} has no input port ${e.targetPort} (it takes ${maxPorts})` });
      ok = false;
    } else if (taken) {
      report(id, { severity: 'error', code: 'port-taken', port: e.targetPort, message: `${id}: port ${e.targetPort} has two incoming edges (${taken.source}, ${e.source})` });
      ok = false;
    } else byPort[e.targetPort] = e;
  }
  let count = min;
  for (let p = count; p < byPort.length; p++) if (byPort[p]) count = p + 1;
  const shapes = new Array<Shape | undefined>(count);
  const sources = new Array<string>(count);
  for (let p = 0; p < count; p++) {
    const e = byPort[p];
    if (!e) {
      const name = portLabel(spec, p);
      report(id, { severity: 'error', code: 'unconnected-input', port: p, message: `${id}: input ${name} is not connected` });
      ok = false;
    } else {
      shapes[p] = shapeOf(e.source);
      sources[p] = e.source;
    }
  }
  return ok ? { shapes, sources } : undefined;
}

function trackGeometry(info: NodeInfo, incoming: GraphEdge[], nodes: Map<string, NodeInfo>) {
  let rf = 0;
  let jump = Infinity;
  for (const e of incoming) {
    const source = nodes.get(e.source)!;
    if (source.receptiveField === undefined) continue;
    rf = Math.max(rf, source.receptiveField);
    jump = Math.min(jump, source.jump!);
  }
  if (jump === Infinity) (rf = 1), (jump = 1);
  const g = info.op!.geometry?.(info.params!) ?? { kernel: 1, stride: 1 };
  const span = (g.kernel - 1) * (g.dilation ?? 1) + 1;
  info.receptiveField = rf + (span - 1) * jump;
  info.jump = (jump * g.stride) / (g.upscale ?? 1);
}
