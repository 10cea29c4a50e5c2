import type { Diagnostic, OpIssue } from './diagnostics';
import type { NodeInfo } from './infer';
import type { OpDef } from './op';
import { opPorts, portLabel } from './ports';
import { checkParam, withDefaults } from './params';
import type { GraphEdge, GraphNode, Params, Shape } from './types';

export const BYTES_PER_VALUE = 4; // fp32

const sizeOk = (v: number) => Number.isInteger(v) && v >= 1 && v <= 2 ** 31;
const shapeOk = (s: Shape) => sizeOk(s.c) && sizeOk(s.h) && sizeOk(s.w);

/** A node's op and checked params: a function of the node object alone (and the input override, if any). */
export interface CheckedNode {
  op?: OpDef;
  /** Validated params with defaults filled in; undefined when a param is invalid. */
  params?: Params;
  issues: Diagnostic[];
  /** The last evaluation of this node (only kept for frozen nodes, without an input override). */
  evaluated?: EvaluatedNode;
}

/** What evaluating a node produced, and everything it read to produce it. */
export interface EvaluatedNode {
  batch: number;
  incoming: readonly GraphEdge[];
  /** Per incoming edge: its source's output, receptive field and jump when this node was evaluated. */
  sourceShapes: (Shape | undefined)[];
  sourceFields: (number | undefined)[];
  sourceJumps: (number | undefined)[];
  info: NodeInfo;
  issues: Diagnostic[];
}

export function checkNode(n: GraphNode, getOp: (type: string) => OpDef | undefined, override?: Partial<Shape>): CheckedNode {
  const issues: Diagnostic[] = [];
  const op = getOp(n.op);
  if (!op) {
    issues.push({ severity: 'error', code: 'unknown-op', message: `${n.id}: unknown op "${n.op}"`, nodeId: n.id });
    return { op, params: undefined, issues };
  }
  let params = withDefaults(op.params, n.params);
  if (override) params = { ...params, channels: override.c ?? params.channels!, height: override.h ?? params.height!, width: override.w ?? params.width! };
  let valid = true;
  for (const field in op.params) {
    const problem = checkParam(op.params[field]!, params[field]);
    if (problem) {
      valid = false;
      issues.push({ severity: 'error', code: 'bad-param', field, message: `${n.id}.${field}: ${problem}`, nodeId: n.id });
    }
  }
  return { op, params: valid ? params : undefined, issues };
}

export const blankInfo = (id: string, checked: Pick<CheckedNode, 'op' | 'params'>): NodeInfo => ({
  // Every field up front, so later assignments do not reshape 10k objects one property at a time.
  id,
  op: checked.op,
  params: checked.params,
  inputs: [],
  output: undefined,
  paramCount: { trainable: 0, nonTrainable: 0 },
  macs: 0,
  bytes: 0,
  receptiveField: undefined,
  jump: undefined,
});

/** Whether a node's last evaluation read exactly what evaluating it now would read. */
export function sameReads(ev: EvaluatedNode, batch: number, incoming: readonly GraphEdge[], nodes: Map<string, NodeInfo>): boolean {
  if (ev.batch !== batch || ev.incoming.length !== incoming.length) return false;
  for (let i = 0; i < incoming.length; i++) {
    const e = incoming[i]!;
    if (e !== ev.incoming[i]) return false;
    const source = nodes.get(e.source)!;
    const before = ev.sourceShapes[i];
    const now = source.output;
    if (now !== before && (!now || !before || now.c !== before.c || now.h !== before.h || now.w !== before.w)) return false;
    if (source.receptiveField !== ev.sourceFields[i] || source.jump !== ev.sourceJumps[i]) return false;
  }
  return true;
}

/** Computes one node's ports, output shape, costs and geometry from its checked params and its sources' infos. */
export function evaluateNode(id: string, checked: CheckedNode, incoming: readonly GraphEdge[], nodes: Map<string, NodeInfo>, batch: number): EvaluatedNode {
  const info = blankInfo(id, checked);
  const issues: Diagnostic[] = [];
  const report = (nodeId: string, i: OpIssue) => issues.push({ ...i, nodeId });
  const ev: EvaluatedNode = {
    batch,
    incoming,
    sourceShapes: incoming.map((e) => nodes.get(e.source)!.output),
    sourceFields: incoming.map((e) => nodes.get(e.source)!.receptiveField),
    sourceJumps: incoming.map((e) => nodes.get(e.source)!.jump),
    info,
    issues,
  };
  const shapeOf = (src: string) => nodes.get(src)?.output;
  const ports = connectPorts(id, info, incoming, report, shapeOf);
  if (!ports || !info.op || !info.params) return ev;
  const known = ports.shapes.every((s): s is Shape => s !== undefined);
  info.inputs = ports.shapes;
  if (!known) return ev;
  let result;
  try {
    result = info.op.infer(info.params, { nodeId: id, inputs: ports.shapes as Shape[], sources: ports.sources, batch });
  } catch (err) {
    result = { issues: [{ severity: 'error' as const, code: 'internal', message: `${id}: shape rule failed (${String(err)})` }] };
  }
  if (result.issues) for (const i of result.issues) report(id, i);
  if (!result.shape) return ev;
  if (!shapeOk(result.shape)) {
    report(id, { severity: 'error', code: 'non-positive-size', inputSizeCanFix: true, message: `${id}: output would be ${result.shape.c}×${result.shape.h}×${result.shape.w}` });
    return ev;
  }
  info.output = result.shape;
  const inputs = ports.shapes as Shape[];
  info.paramCount = info.op.paramCount?.(info.params, inputs, result.shape) ?? { trainable: 0, nonTrainable: 0 };
  info.macs = info.op.macs?.(info.params, inputs, result.shape) ?? 0;
  // An output node only names its input's tensor; it holds no memory of its own.
  info.bytes = info.op.type === 'output' ? 0 : batch * result.shape.c * result.shape.h * result.shape.w * BYTES_PER_VALUE;
  trackGeometry(info, incoming, nodes);
  return ev;
}

/** Orders a node's incoming edges by port and checks them against the op's port spec. */
function connectPorts(
  id: string,
  info: NodeInfo,
  incoming: readonly GraphEdge[],
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

function trackGeometry(info: NodeInfo, incoming: readonly GraphEdge[], nodes: Map<string, NodeInfo>) {
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
