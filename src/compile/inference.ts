import { indexGraph } from '../core/graph';
import { getOp } from '../core/ops';
import { withDefaults } from '../core/params';
import { WEIGHT_LAYOUTS, type InferenceRole } from '../core/op';
import type { GraphDoc, GraphEdge, GraphNode } from '../core/types';

export interface InferenceOptions {
  /** Fold each BatchNorm into the conv / transposed conv feeding only it (eval-mode statistics). */
  foldBatchNorm?: boolean;
  /** Remove dropout nodes (identity at inference) so no layer runs for them. */
  dropDropout?: boolean;
  /** Move an activation node into the conv before it (conv feeding only it, no activation of its own). */
  fuseActivations?: boolean;
}

/**
 * A channel-affine node (BatchNorm) merged into the conv before it; the weights loader computes the folded
 * kernel and bias from the tensors named here.
 */
export interface FoldedBatchNorm {
  conv: string;
  batchNorm: string;
  /** Whether the conv had its own bias before folding (it always has one after). */
  convBias: boolean;
  epsilon: number;
  /** Where the output channels sit in the conv's PyTorch weight (from its weight layout: 0 for OIHW, 1 for IOHW). */
  outputAxis: number;
  /** The conv's PyTorch tensor names. */
  convTensors: { weight: string; bias: string };
  /** The affine node's PyTorch tensor names. */
  statistics: { scale: string; shift: string; mean: string; variance: string };
}

export interface InferenceRewrite {
  doc: GraphDoc;
  folded: FoldedBatchNorm[];
  droppedDropout: string[];
  /** Activation nodes merged into their conv. */
  fusedActivations: string[];
}

/** What the node's op says inference-time optimisation may do with it (nothing for unknown ops or bad params). */
function roleOf(node: GraphNode): InferenceRole | undefined {
  const op = getOp(node.op);
  if (!op?.inference) return undefined;
  try {
    return op.inference(withDefaults(op.params, node.params));
  } catch {
    return undefined;
  }
}

type ConvRole = Extract<InferenceRole, { kind: 'conv' }>;

/** The output-channel axis of the conv's PyTorch weight, read from the layout of the weight the role names. */
function outputAxisOf(conv: GraphNode, role: ConvRole): number | undefined {
  const op = getOp(conv.op)!;
  const spec = op.weights?.(withDefaults(op.params, conv.params)).find((w) => w.torch === role.weight);
  return spec ? WEIGHT_LAYOUTS[spec.layout].outputAxis : undefined;
}

/** Removes `node`, feeding its consumers from the source on its port 0 instead. */
function bypass(doc: GraphDoc, nodeId: string, replacement: string): GraphDoc {
  const edges: GraphEdge[] = [];
  for (const e of doc.edges) {
    if (e.target === nodeId) continue;
    edges.push(e.source === nodeId ? { ...e, id: `${e.id}~${replacement}`, source: replacement } : e);
  }
  return { ...doc, nodes: doc.nodes.filter((n) => n.id !== nodeId), edges };
}

/**
 * The conv feeding `node` on its only port, when it can take the node over: it feeds nothing else and applies
 * no activation of its own (otherwise its raw output is needed elsewhere, or the node does not act on a linear
 * result).
 */
function absorbingConv(doc: GraphDoc, nodeId: string): { conv: GraphNode; role: ConvRole } | undefined {
  const index = indexGraph(doc);
  const feeds = index.incoming.get(nodeId) ?? [];
  if (feeds.length !== 1) return undefined;
  const conv = index.nodes.get(feeds[0]!.source);
  if (!conv || index.outgoing.get(conv.id)!.length !== 1) return undefined;
  const role = roleOf(conv);
  return role?.kind === 'conv' && role.linear ? { conv, role } : undefined;
}

/**
 * The graph that runs at inference, as each op's `inference` role allows: identity nodes (dropout) removed,
 * channel-affine nodes (BatchNorm) folded into the conv before them, which gets a bias, and activation nodes
 * moved into the conv before them.
 */
export function rewriteForInference(doc: GraphDoc, options: InferenceOptions = {}): InferenceRewrite {
  let out: GraphDoc = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, params: { ...n.params } })), edges: [...doc.edges] };
  const droppedDropout: string[] = [];
  const folded: FoldedBatchNorm[] = [];
  const roles = new Map(doc.nodes.map((n) => [n.id, roleOf(n)]));
  const withRole = (kind: InferenceRole['kind']) => doc.nodes.filter((n) => roles.get(n.id)?.kind === kind);

  if (options.dropDropout) {
    for (const node of withRole('identity')) {
      const feed = indexGraph(out).incoming.get(node.id)?.[0];
      if (!feed) continue;
      out = bypass(out, node.id, feed.source);
      droppedDropout.push(node.id);
    }
  }

  if (options.foldBatchNorm) {
    for (const bn of withRole('channelAffine')) {
      const role = roles.get(bn.id) as Extract<InferenceRole, { kind: 'channelAffine' }>;
      const found = absorbingConv(out, bn.id);
      const outputAxis = found && outputAxisOf(found.conv, found.role);
      if (!found || outputAxis === undefined) continue;
      folded.push({
        conv: found.conv.id,
        batchNorm: bn.id,
        convBias: found.role.hasBias,
        epsilon: role.epsilon,
        outputAxis,
        convTensors: { weight: found.role.weight, bias: found.role.bias },
        statistics: { ...role.tensors },
      });
      Object.assign(found.conv.params, found.role.withBias);
      out = bypass(out, bn.id, found.conv.id);
    }
  }
  const fusedActivations: string[] = [];
  if (options.fuseActivations) {
    for (const act of withRole('activation')) {
      const role = roles.get(act.id) as Extract<InferenceRole, { kind: 'activation' }>;
      const found = absorbingConv(out, act.id);
      if (!found) continue;
      Object.assign(found.conv.params, found.role.withActivation(role.activation));
      fusedActivations.push(act.id);
      out = bypass(out, act.id, found.conv.id);
    }
  }
  return { doc: out, folded, droppedDropout, fusedActivations };
}
