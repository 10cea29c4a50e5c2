/**
 * Compiled models for running, cached by what they depend on: the graph (positions aside), the run's input
 * size, the backend and the weights. One entry lives at a time; a new key disposes the old models.
 */
import * as tf from '@tensorflow/tfjs';
import { carryWeights, type CompiledGraph, compileForInference, compileGraph, exportWeights, loadTfjsWeights, loadWeights, type StateDict, type TfjsFiles } from '../../compile';
import type { BackendName } from '../backends';
import type { Size } from '../tiling';
import type { GraphDoc } from '../../core/types';

/**
 * Where the weights come from, named by `id` (weights cross to the worker once; runs refer to them). A new
 * `random` id means fresh random initial weights; `trained` ones come from a training session.
 */
export type WeightsSource =
  | { kind: 'random'; id: number }
  | { kind: 'tfjs'; id: number; label: string; files: TfjsFiles }
  | { kind: 'state-dict'; id: number; label: string; dict: StateDict }
  | { kind: 'trained'; id: number; label: string; dict: StateDict };

/** What the graph computes, positions aside: two documents with the same key compile to the same model. */
export function graphKey(doc: GraphDoc): string {
  return JSON.stringify([doc.nodes.map((n) => [n.id, n.op, n.params]), doc.edges.map((e) => [e.source, e.target, e.targetPort])]);
}

export interface ModelEntry {
  doc: GraphDoc;
  key: string;
  /** The run's input H×W, or undefined for the input node's own size. */
  inputSize?: Size;
  backend: BackendName;
  weights: WeightsSource;
  /** The graph as drawn (every node's tensor exists: feature maps read these). */
  plain: CompiledGraph;
  /** Inference-optimised copy with the same weights (BatchNorm folded, dropout gone, activations fused). */
  fast: CompiledGraph;
  compileMs: number;
  /** Forward passes so far; the first includes shader compilation / kernel warm-up. */
  passes: number;
  firstPassMs?: number;
  warmPassMs: number[];
  /** Nodes that trained weights did not cover (changed since training): they run with fresh random weights. */
  reinitialised: string[];
  /** Sub-models that end at a node's tensor, by node id. They share the plain model's layers. */
  featureModels: Map<string, tf.LayersModel>;
  disposed: boolean;
}

const sameSize = (a?: Size, b?: Size) => a?.h === b?.h && a?.w === b?.w;

function disposeQuietly(entry: ModelEntry) {
  if (entry.disposed) return;
  entry.disposed = true;
  // Sub-models are not disposed: a LayersModel's dispose releases its layers' weights, which are the plain model's.
  entry.featureModels.clear();
  for (const m of [entry.fast.model, entry.plain.model]) {
    try {
      m.dispose();
    } catch {
      // A lost WebGL context may fail to free what it no longer has.
    }
  }
}

/** Fills the model; returns the nodes that trained weights had nothing for (the graph changed since). */
async function applyWeights(plain: CompiledGraph, weights: WeightsSource, carried?: StateDict): Promise<string[]> {
  if (weights.kind === 'tfjs') loadTfjsWeights(plain, weights.files);
  else if (weights.kind === 'state-dict') loadWeights(plain, weights.dict, { strict: true });
  else if (weights.kind === 'trained') return (await carryWeights(plain, weights.dict)).reinitialised;
  else if (carried) loadWeights(plain, carried);
  return [];
}

/**
 * Builds weights on the cpu backend when the run is on a GPU one: initialising, transposing and folding them
 * there is a few small ops per weight, each of which would compile its own shader on the GPU (seconds on a
 * software renderer). The GPU backend takes the tensors over on first use.
 */
async function onCpuForGpu<T>(backend: BackendName, build: () => Promise<T>): Promise<T> {
  if (backend !== 'webgl' && backend !== 'webgpu') return build();
  await tf.setBackend('cpu');
  try {
    return await build();
  } finally {
    await tf.setBackend(backend);
  }
}

export class ModelCache {
  private entry: ModelEntry | undefined;

  get current(): ModelEntry | undefined {
    return this.entry;
  }

  matches(key: string, inputSize: Size | undefined, backend: BackendName, weights: WeightsSource): boolean {
    const e = this.entry;
    return !!e && !e.disposed && e.backend === backend && e.weights.id === weights.id && sameSize(e.inputSize, inputSize) && e.key === key;
  }

  /**
   * The models for this key, compiling when it changed (`compiled` says so). Random weights survive a change of
   * backend or input size for the same graph, so switching backends compares like with like.
   */
  async ensure(doc: GraphDoc, inputSize: Size | undefined, backend: BackendName, weights: WeightsSource): Promise<{ entry: ModelEntry; compiled: boolean }> {
    const key = graphKey(doc);
    if (this.matches(key, inputSize, backend, weights)) return { entry: this.entry!, compiled: false };
    const old = this.entry;
    let carried: StateDict | undefined;
    if (old && !old.disposed && weights.kind === 'random' && old.weights.id === weights.id && old.key === key) {
      try {
        carried = await exportWeights(old.plain);
      } catch {
        carried = undefined; // e.g. the old backend lost its context: fresh random weights then
      }
    }
    // Build the new models before letting the old go, so weights that do not fit leave the last run usable.
    const started = performance.now();
    const { plain, fast, reinitialised } = await onCpuForGpu(backend, async () => {
      const plain = compileGraph(doc, inputSize ? { input: inputSize } : {});
      try {
        const reinitialised = await applyWeights(plain, weights, carried);
        return { plain, fast: await compileForInference(plain), reinitialised };
      } catch (err) {
        plain.model.dispose();
        throw err;
      }
    });
    this.dispose();
    this.entry = {
      doc,
      key,
      inputSize,
      backend,
      weights,
      plain,
      fast,
      reinitialised,
      compileMs: performance.now() - started,
      passes: 0,
      warmPassMs: [],
      featureModels: new Map(),
      disposed: false,
    };
    return { entry: this.entry, compiled: true };
  }

  /** Frees the models (e.g. after a lost context, or when the panel's session ends). */
  dispose(): void {
    if (this.entry) disposeQuietly(this.entry);
    this.entry = undefined;
  }

  /** Variables held by the cached models: what `tf.memory().numTensors` should come back to after a run. */
  heldTensors(): number {
    const e = this.entry;
    if (!e || e.disposed) return 0;
    return e.plain.model.weights.length + e.fast.model.weights.length;
  }
}

/** Records a forward pass's time on the entry: the first separately, later ones as warm (last 20 kept). */
export function recordPass(entry: ModelEntry, ms: number): void {
  if (entry.passes === 0) entry.firstPassMs = ms;
  else {
    entry.warmPassMs.push(ms);
    if (entry.warmPassMs.length > 20) entry.warmPassMs.shift();
  }
  entry.passes++;
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
