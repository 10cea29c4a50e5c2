import { indexGraph } from '../core/graph';
import { getOp } from '../core/ops';
import { withDefaults } from '../core/params';
import type { GraphDoc, GraphEdge, GraphNode } from '../core/types';

export interface InferenceOptions {
  /** Fold each BatchNorm into the conv / transposed conv feeding only it (eval-mode statistics). */
  foldBatchNorm?: boolean;
  /** Remove dropout nodes (identity at inference) so no layer runs for them. */
  dropDropout?: boolean;
  /** Move an activation node into the conv before it (conv feeding only it, no activation of its own). */
  fuseActivations?: boolean;
}

/** A BatchNorm node merged into the conv before it; the weights loader computes the folded kernel and bias. */
export interface FoldedBatchNorm {
  conv: string;
  convOp: 'conv2d' | 'conv2dTranspose';
  batchNorm: string;
  /** Whether the conv had its own bias before folding (it always has one after). */
  convBias: boolean;
  epsilon: number;
}

export interface InferenceRewrite {
  doc: GraphDoc;
  folded: FoldedBatchNorm[];
  droppedDropout: string[];
  /** Activation nodes merged into their conv. */
  fusedActivations: string[];
}

const FOLDABLE_CONVS = new Set(['conv2d', 'conv2dTranspose']);

/** The BN's epsilon as the op resolves it (its default when the param is left out). */
function epsilonOf(bn: GraphNode): number {
  const op = getOp(bn.op);
  const params = op ? withDefaults(op.params, bn.params) : bn.params;
  return Number(params.epsilon ?? 1e-5);
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
 * The graph that runs at inference: dropout removed and BatchNorm folded into the preceding conv, which gets a
 * bias. A BN is folded only when its conv feeds nothing else and applies no activation of its own (otherwise
 * the conv's raw output is needed elsewhere, or the BN does not act on a linear result).
 */
export function rewriteForInference(doc: GraphDoc, options: InferenceOptions = {}): InferenceRewrite {
  let out: GraphDoc = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, params: { ...n.params } })), edges: [...doc.edges] };
  const droppedDropout: string[] = [];
  const folded: FoldedBatchNorm[] = [];

  if (options.dropDropout) {
    for (const node of doc.nodes.filter((n) => n.op === 'dropout')) {
      const feed = indexGraph(out).incoming.get(node.id)?.[0];
      if (!feed) continue;
      out = bypass(out, node.id, feed.source);
      droppedDropout.push(node.id);
    }
  }

  if (options.foldBatchNorm) {
    for (const bn of doc.nodes.filter((n) => n.op === 'batchNorm')) {
      const index = indexGraph(out);
      const feeds = index.incoming.get(bn.id) ?? [];
      if (feeds.length !== 1) continue;
      const conv = index.nodes.get(feeds[0]!.source) as GraphNode;
      if (!FOLDABLE_CONVS.has(conv.op)) continue;
      if (index.outgoing.get(conv.id)!.length !== 1) continue;
      if ((conv.params.activation ?? 'none') !== 'none') continue;
      folded.push({
        conv: conv.id,
        convOp: conv.op as FoldedBatchNorm['convOp'],
        batchNorm: bn.id,
        convBias: conv.params.bias !== false,
        epsilon: epsilonOf(bn),
      });
      conv.params.bias = true;
      out = bypass(out, bn.id, conv.id);
    }
  }
  const fusedActivations = options.fuseActivations ? fuseActivationNodes(out) : [];
  for (const id of fusedActivations) out = bypass(out, id, indexGraph(out).incoming.get(id)![0]!.source);
  return { doc: out, folded, droppedDropout, fusedActivations };
}

/** Activation nodes whose input is a conv that feeds only them and has no activation: the conv takes it over. */
function fuseActivationNodes(doc: GraphDoc): string[] {
  const index = indexGraph(doc);
  const fused: string[] = [];
  for (const act of doc.nodes.filter((n) => n.op === 'activation')) {
    const feeds = index.incoming.get(act.id) ?? [];
    if (feeds.length !== 1) continue;
    const conv = index.nodes.get(feeds[0]!.source)!;
    if (!FOLDABLE_CONVS.has(conv.op) || index.outgoing.get(conv.id)!.length !== 1) continue;
    if ((conv.params.activation ?? 'none') !== 'none') continue;
    const op = getOp(act.op);
    const params = op ? withDefaults(op.params, act.params) : act.params;
    conv.params.activation = params.activation!;
    if (params.activation === 'leakyRelu') conv.params.alpha = params.alpha!;
    fused.push(act.id);
  }
  return fused;
}
