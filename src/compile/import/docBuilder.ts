import { getOp } from '../../core/ops';
import { withDefaults } from '../../core/params';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc, type GraphEdge, type GraphNode, type Params, type Shape } from '../../core/types';
import type { StateDict, TorchTensor } from '../stateDict';
import { fuseScaleShifts } from './fuseScaleShifts';
import { moduleScope, scopeBlocks } from './scopeBlocks';

/** A value in the graph being built: the node that produces it and its per-sample C×H×W. */
export interface Port {
  id: string;
  shape: Shape;
}

/** A problem located at a node of the source model, e.g. a shape that does not work out. */
export class NodeProblem extends Error {
  constructor(
    readonly node: string,
    message: string,
  ) {
    super(message);
  }
}

/** Node ids from foreign names: readable, unique, and what our layer names accept ("inc.double_conv.0"). */
export function cleanId(name: string): string {
  const id = name.replace(/[^-A-Za-z0-9._]+/g, '_').replace(/^[^A-Za-z0-9]+|_+$/g, '');
  return id || 'node';
}

/**
 * Builds one of our graph documents from a foreign model, node by node: params get the op's defaults, and
 * every node's output shape comes from our own shape rules as it is added, so a reader can fold sizes that
 * depend on earlier shapes and a mapping mistake surfaces at the node that caused it.
 */
export class DocBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly weights: StateDict = {};
  private readonly taken = new Set<string>();
  /** Node id → the top-level module it came from, for blocks. */
  private readonly scopes = new Map<string, string>();

  constructor(readonly batch = 1) {}

  private claim(wanted: string): string {
    const base = cleanId(wanted);
    let id = base;
    for (let k = 2; this.taken.has(id); k++) id = `${base}_${k}`;
    this.taken.add(id);
    return id;
  }

  /** Adds a node fed by `inputs` (port order) and returns its output; `source` names the foreign node in errors. */
  add(wanted: string, op: string, params: Params, inputs: Port[], weights?: Record<string, TorchTensor>, source = wanted): Port {
    const def = getOp(op);
    if (!def) throw new Error(`internal: no op "${op}"`);
    const id = this.claim(wanted);
    const full = withDefaults(def.params, params);
    const result = def.infer(full, { nodeId: id, inputs: inputs.map((p) => p.shape), sources: inputs.map((p) => p.id), batch: this.batch });
    const error = result.issues?.find((i) => i.severity === 'error');
    if (!result.shape || error) throw new NodeProblem(source, error?.message ?? `${op}: no output shape`);
    this.nodes.push({ id, op, params: full, position: { x: 0, y: 0 } });
    const scope = moduleScope(source, wanted);
    if (scope) this.scopes.set(id, scope);
    inputs.forEach((p, port) => this.edges.push({ id: `e${this.edges.length}`, source: p.id, target: id, targetPort: port }));
    if (weights) this.weights[id] = weights;
    return { id, shape: result.shape };
  }

  doc(name: string, description?: string): GraphDoc {
    const doc: GraphDoc = { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes: this.nodes, edges: this.edges };
    if (description) doc.description = description;
    const fused = fuseActivations(fuseScaleShifts(doc, this.weights));
    const blocks = scopeBlocks(fused.nodes, this.scopes);
    return blocks.length ? { ...fused, blocks } : fused;
  }
}

const FUSES_ACTIVATION = new Set(['conv2d', 'conv2dTranspose']);

/**
 * An activation right after a conv whose output goes nowhere else becomes the conv's own activation, as our
 * templates write it: fewer nodes, the same numbers and parameter count.
 */
export function fuseActivations(doc: GraphDoc): GraphDoc {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const fanOut = new Map<string, number>();
  for (const e of doc.edges) fanOut.set(e.source, (fanOut.get(e.source) ?? 0) + 1);
  const removed = new Map<string, string>();
  for (const n of doc.nodes) {
    if (n.op !== 'activation') continue;
    const inEdge = doc.edges.find((e) => e.target === n.id);
    const conv = inEdge && byId.get(inEdge.source);
    if (!conv || !FUSES_ACTIVATION.has(conv.op) || conv.params.activation !== 'none' || fanOut.get(conv.id) !== 1) continue;
    conv.params = { ...conv.params, activation: n.params.activation!, alpha: n.params.alpha ?? conv.params.alpha! };
    removed.set(n.id, conv.id);
  }
  if (!removed.size) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !removed.has(n.id)),
    edges: doc.edges.filter((e) => !removed.has(e.target)).map((e) => (removed.has(e.source) ? { ...e, source: removed.get(e.source)! } : e)),
  };
}
