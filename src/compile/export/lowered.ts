import type * as tf from '@tensorflow/tfjs';
import { blockInterface } from '../../core/blocks';
import { isLevelGrouping } from '../../core/builder/levelBlocks';
import { indexGraph } from '../../core/graph';
import type { GraphDoc, Shape } from '../../core/types';
import type { CompiledGraph } from '../compile';
import { ExportError } from './errors';

/** A weight of a tfjs layer in tfjs layout (e.g. a Conv2D kernel is [kH, kW, in, out]). */
export interface LayerWeight {
  shape: number[];
  data: Float32Array;
}

/**
 * One layer of the compiled tfjs model, as the exporters see it: its class and config, which tensors feed it
 * (by producing layer name), per-sample shapes (C×H×W) and weights. The exporters work on these only — never on
 * op types — so an op that lowers to known layer classes exports with no exporter change.
 */
export interface LoweredLayer {
  name: string;
  /** The graph node whose lowering made this layer. */
  nodeId: string;
  className: string;
  config: tf.serialization.ConfigDict;
  inputs: string[];
  inShapes: Shape[];
  out: Shape;
  weights: Record<string, LayerWeight>;
}

/** A composite block of the document (`GraphDoc.blocks`), for exporters that write blocks as modules. */
export interface LoweredBlock {
  id: string;
  /** The block's type, shared by its instances: the class name. */
  name: string;
  /** Member node ids in the block's (document) order; only nodes of the compiled graph. */
  nodes: string[];
  /** Port order (core/blocks.ts `blockInterface`): the outside nodes read, and the members whose tensor leaves. */
  inputs: string[];
  outputs: string[];
}

export interface LoweredGraph {
  /** Graph (document) name. */
  name: string;
  /** In dependency order; model inputs (class InputLayer) first where they come first in the graph. */
  layers: LoweredLayer[];
  /** Layer names of the model inputs and outputs, in model order. */
  inputs: string[];
  outputs: string[];
  /** Node id of each model input / output, for naming. */
  inputNodes: string[];
  outputNodes: string[];
  /** How many layers read each layer's output (model outputs count as one). */
  consumers: Map<string, number>;
  /** The document's blocks, in document order (empty when it has none). */
  blocks: LoweredBlock[];
  /** The blocks are exactly the U-Net builder's level grouping (DoubleConv / Down / Up of a generated template). */
  levelGrouping: boolean;
}

/** The document's blocks with members that the compiled graph still has (inference rewrites may bypass nodes). */
function loweredBlocks(doc: GraphDoc): LoweredBlock[] {
  const index = indexGraph(doc);
  return (doc.blocks ?? []).flatMap((block) => {
    const nodes = block.nodes.filter((id) => index.nodes.has(id));
    if (nodes.length === 0) return [];
    const ports = blockInterface(doc, { ...block, nodes }, index);
    return [{ id: block.id, name: block.name, nodes, inputs: ports.inputs.map((p) => p.node), outputs: ports.outputs.map((p) => p.node) }];
  });
}

const nchw = (shape: tf.Shape, where: string): Shape => {
  const [, h, w, c] = shape;
  if (shape.length !== 4 || h == null || w == null || c == null) throw new ExportError(where, `expected a 4-D NHWC output with known H, W, C, got [${shape.join(', ')}]`);
  return { c, h, w };
};

/** The compiled model as a list of layers in dependency order, with weights read out. */
export async function lowerModel(compiled: CompiledGraph): Promise<LoweredGraph> {
  const { model, shapes, layerNames } = compiled;
  const nodeOf = new Map<string, string>();
  for (const [nodeId, names] of layerNames) for (const n of names) nodeOf.set(n, nodeId);
  // Graph order is topological and each node's layers are listed in creation order (also topological).
  const ordered = shapes.order.flatMap((id) => layerNames.get(id) ?? []);
  const known = new Set(ordered);
  const extra = model.layers.map((l) => l.name).filter((n) => !known.has(n));
  const layers: LoweredLayer[] = [];
  for (const name of [...ordered, ...extra]) {
    const layer = model.getLayer(name);
    const nodeId = nodeOf.get(name) ?? name;
    const inbound = layer.inboundNodes[0]?.inboundLayers ?? [];
    const weights: Record<string, LayerWeight> = {};
    for (const v of layer.weights) {
      const short = v.originalName.slice(v.originalName.lastIndexOf('/') + 1);
      weights[short] = { shape: [...v.shape] as number[], data: new Float32Array((await v.read().data()) as Float32Array) };
    }
    const outShape = layer.outputShape as tf.Shape;
    layers.push({
      name,
      nodeId,
      className: layer.getClassName(),
      config: layer.getConfig(),
      inputs: inbound.map((l) => l.name),
      inShapes: inbound.map((l) => nchw(l.outputShape as tf.Shape, nodeOf.get(l.name) ?? l.name)),
      out: nchw(outShape, nodeId),
      weights,
    });
  }
  const consumers = new Map<string, number>(layers.map((l) => [l.name, 0]));
  for (const l of layers) for (const i of l.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const outputs = model.outputs.map((t) => t.sourceLayer.name);
  for (const o of outputs) consumers.set(o, (consumers.get(o) ?? 0) + 1);
  const inputs = model.inputs.map((t) => t.sourceLayer.name);
  return {
    name: compiled.doc.name,
    layers,
    inputs,
    outputs,
    inputNodes: inputs.map((n) => nodeOf.get(n) ?? n),
    outputNodes: compiled.outputIds,
    consumers,
    blocks: loweredBlocks(compiled.doc),
    levelGrouping: isLevelGrouping(compiled.doc),
  };
}

/**
 * Zero padding that only feeds a valid convolution becomes the convolution's own padding (an explicit
 * `padding: 1` conv lowers to ZeroPadding2D + Conv2D; PyTorch and ONNX both take it as a conv attribute).
 * Returns the layers with such pads removed and `pads` ([top, bottom, left, right]) set on the conv.
 */
export function absorbConvPadding(graph: LoweredGraph): { layers: LoweredLayer[]; pads: Map<string, [number, number, number, number]> } {
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const pads = new Map<string, [number, number, number, number]>();
  const removed = new Map<string, string>();
  for (const l of graph.layers) {
    if (!CONVS.has(l.className) || l.config.padding !== 'valid' || l.inputs.length !== 1) continue;
    const src = byName.get(l.inputs[0]!);
    if (!src || src.className !== 'ZeroPadding2D' || graph.consumers.get(src.name) !== 1 || graph.outputs.includes(src.name)) continue;
    const [[t, b], [left, r]] = src.config.padding as [[number, number], [number, number]];
    pads.set(l.name, [t, b, left, r]);
    removed.set(src.name, src.inputs[0]!);
  }
  // A crop that only follows a transposed conv is PyTorch's padding / output_padding: `pads` holds the crop.
  const croppedOut = new Map<string, LoweredLayer['out']>();
  const renamed = new Map<string, string>();
  for (const l of graph.layers) {
    if (l.className !== 'Cropping2D' || graph.outputs.includes(l.name)) continue;
    const src = byName.get(l.inputs[0]!);
    if (!src || src.className !== 'Conv2DTranspose' || src.config.padding !== 'valid' || graph.consumers.get(src.name) !== 1) continue;
    const [[t, b], [left, r]] = l.config.cropping as [[number, number], [number, number]];
    pads.set(src.name, [t, b, left, r]);
    croppedOut.set(src.name, l.out);
    renamed.set(l.name, src.name);
  }
  const layers = graph.layers
    .filter((l) => !removed.has(l.name) && !renamed.has(l.name))
    .map((l) => (pads.has(l.name) && !croppedOut.has(l.name) ? { ...l, inputs: [removed.get(l.inputs[0]!)!], inShapes: [byName.get(l.inputs[0]!)!.inShapes[0]!] } : l))
    .map((l) => (croppedOut.has(l.name) ? { ...l, out: croppedOut.get(l.name)! } : l))
    .map((l) => (l.inputs.some((i) => renamed.has(i)) ? { ...l, inputs: l.inputs.map((i) => renamed.get(i) ?? i) } : l));
  return { layers, pads };
}

const CONVS = new Set(['Conv2D', 'LeakyConv2D']);
