import * as tf from '@tensorflow/tfjs';
import { inferShapes, type ShapeReport } from '../core/infer';
import type { OpDef } from '../core/op';
import type { GraphDoc, Params, Shape } from '../core/types';
import { CompileError, type CompileProblem } from './errors';
import { rewriteForInference, type FoldedBatchNorm, type InferenceOptions } from './inference';
import { applyLayerGraph, instantiate } from './layerGraph';
import { registerCustomLayers } from './layers';
import { NameRegistry, layerSafeName } from './names';
import { fuseActivations } from './peephole';

export interface CompileOptions {
  /** Inference-only rewrites (BatchNorm folding, dropout removal); the model then cannot train the same way. */
  inference?: InferenceOptions;
  /** Overrides the input node's C×H×W, as in `inferShapes`. */
  input?: Partial<Shape>;
}

export interface CompiledGraph {
  model: tf.LayersModel;
  /** The graph the model was built from (after any inference rewrite). */
  doc: GraphDoc;
  /** Core shape inference of `doc`; per-node params here are validated and defaulted. */
  shapes: ShapeReport;
  /** Each node's tfjs layers, in graph order (empty for nodes that only name a tensor, like `output`). */
  layerNames: Map<string, string[]>;
  /** Each node's keyed layers: layer key → tfjs layer name. */
  layerKeys: Map<string, Map<string, string>>;
  inputIds: string[];
  /** Output nodes in the order of `model.outputs`. */
  outputIds: string[];
  folded: FoldedBatchNorm[];
  droppedDropout: string[];
  fusedActivations: string[];
  /** What it was compiled with, so it can be recompiled (e.g. for inference) the same way. */
  options: CompileOptions;
}

type Sym = tf.SymbolicTensor;

const nhwc = (s: Shape) => [null, s.h, s.w, s.c];
const sameShape = (got: (number | null)[], want: (number | null)[]) =>
  got.length === want.length && got.every((v, i) => v === want[i]);

/** A node's layers: names in graph order, and the name of each keyed layer (what WeightSpec.layer refers to). */
export interface NodeLayers {
  names: string[];
  keys: Map<string, string>;
}

/** Ports without edges (inputs) become model inputs; layer-less nodes with one port alias their input. */
function applyNode(
  id: string,
  op: OpDef,
  params: Params,
  ins: Sym[],
  inputShapes: Shape[],
  output: Shape,
  names: NameRegistry,
  customLayers: boolean,
): { tensor: Sym; layers: NodeLayers } {
  const base = layerSafeName(id);
  const specs = fuseActivations(op.tfjs(params, { name: base, inputs: inputShapes, output }), { customLayers });
  const layers: NodeLayers = { names: [], keys: new Map() };
  if (specs.length === 0) {
    if (ins.length === 0) {
      const name = names.claim(base);
      layers.names.push(name);
      return { tensor: tf.input({ shape: [output.h, output.w, output.c], name }), layers };
    }
    if (ins.length === 1) return { tensor: ins[0]!, layers };
    throw new Error(`op "${op.type}" maps to no layer but has ${ins.length} inputs`);
  }
  const built = applyLayerGraph(specs, ins, (spec, k) => {
    const wanted = typeof spec.config.name === 'string' ? spec.config.name : `${base}_${k}`;
    const name = names.claim(wanted);
    layers.names.push(name);
    if (spec.key !== undefined) layers.keys.set(spec.key, name);
    return instantiate({ ...spec, config: { ...spec.config, name } });
  });
  return { tensor: built.output, layers };
}

/**
 * Builds a tfjs LayersModel from a graph with the functional API: nodes in dependency order, each op's
 * `tfjs()` layer graph instantiated by class name. Layer names are the node ids. Throws CompileError when the
 * graph has errors, an op's layers fail to build, or a layer's shape disagrees with the core's inference.
 */
export function compileGraph(source: GraphDoc, options: CompileOptions = {}): CompiledGraph {
  registerCustomLayers();
  const { doc, folded, droppedDropout, fusedActivations } = rewriteForInference(source, options.inference);
  const shapes = inferShapes(doc, { input: options.input });
  if (shapes.diagnostics.some((d) => d.severity === 'error')) throw CompileError.fromDiagnostics(shapes.diagnostics);

  const names = new NameRegistry();
  const tensors = new Map<string, Sym>();
  const layerNames = new Map<string, string[]>();
  const layerKeys = new Map<string, Map<string, string>>();
  const inputIds: string[] = [];
  const problems: CompileProblem[] = [];
  const incoming = new Map<string, { source: string; port: number }[]>();
  for (const e of doc.edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), { source: e.source, port: e.targetPort }]);

  for (const id of shapes.order) {
    const info = shapes.nodes.get(id)!;
    const ins = (incoming.get(id) ?? []).sort((a, b) => a.port - b.port).map((e) => tensors.get(e.source));
    if (ins.some((t) => !t)) continue; // an upstream node already failed and was reported
    try {
      const built = applyNode(id, info.op!, info.params!, ins as Sym[], info.inputs as Shape[], info.output!, names, !!options.inference);
      if (ins.length === 0) inputIds.push(id);
      const want = nhwc(info.output!);
      if (!sameShape(built.tensor.shape, want)) {
        problems.push({
          severity: 'error',
          nodeId: id,
          code: 'shape-mismatch',
          message: `tfjs layers give [${built.tensor.shape.slice(1).join(', ')}] (H, W, C), the graph expects ` +
            `${info.output!.c}×${info.output!.h}×${info.output!.w} (C×H×W) — the op's tfjs mapping disagrees with its shape rule`,
        });
        continue;
      }
      tensors.set(id, built.tensor);
      layerNames.set(id, built.layers.names);
      layerKeys.set(id, built.layers.keys);
    } catch (err) {
      problems.push({ severity: 'error', nodeId: id, code: 'layer-build', message: `${info.op!.type}: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  if (problems.length) throw new CompileError(problems);

  const outputIds = outputNodes(doc, shapes).filter((id) => !inputIds.includes(id));
  if (outputIds.length === 0) throw new CompileError([{ severity: 'error', code: 'no-output', message: 'the graph has no output node' }]);
  const model = tf.model({
    inputs: inputIds.map((id) => tensors.get(id)!),
    outputs: outputIds.map((id) => tensors.get(id)!),
    name: layerSafeName(doc.name || 'unet'),
  });
  return { model, doc, shapes, layerNames, layerKeys, inputIds, outputIds, folded, droppedDropout, fusedActivations, options };
}

/** Output nodes (ports but no consumers, category io) in document order; else every sink of the graph. */
function outputNodes(doc: GraphDoc, shapes: ShapeReport): string[] {
  const consumed = new Set(doc.edges.map((e) => e.source));
  const sinks = doc.nodes.filter((n) => !consumed.has(n.id) && shapes.nodes.get(n.id)?.output);
  const marked = sinks.filter((n) => shapes.nodes.get(n.id)?.op?.category === 'io');
  return (marked.length ? marked : sinks).map((n) => n.id);
}
