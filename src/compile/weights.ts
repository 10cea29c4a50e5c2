import * as tf from '@tensorflow/tfjs';
import { WEIGHT_LAYOUTS, type WeightLayout, type WeightSpec } from '../core/op';
import type { CompiledGraph } from './compile';
import type { Problem } from '../core/problem';
import { WeightsError, weightsProblem } from './errors';
import { foldedConvEntries } from './fold';
import type { StateDict, TorchTensor } from './stateDict';

const TORCH_LAYOUT = (layout: WeightLayout) => WEIGHT_LAYOUTS[layout].torch;

/** PyTorch's bookkeeping entries that carry no weights. */
const IGNORED_TORCH_NAMES = new Set(['num_batches_tracked']);

export interface BoundWeight {
  nodeId: string;
  spec: WeightSpec;
  variable: tf.LayerVariable;
  /** The shape the PyTorch tensor must have. */
  torchShape: number[];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Every weight of the compiled model with the op's WeightSpec that fills it. */
export function boundWeights(compiled: CompiledGraph): BoundWeight[] {
  const out: BoundWeight[] = [];
  for (const [nodeId, keys] of compiled.layerKeys) {
    const info = compiled.shapes.nodes.get(nodeId)!;
    for (const spec of info.op!.weights?.(info.params!) ?? []) {
      const layerName = keys.get(spec.layer);
      if (!layerName)
        throw new Error(`${nodeId}: weight "${spec.torch}" names layer "${spec.layer}", which the op's layers (${[...keys.keys()].join(', ') || 'none keyed'}) do not have`);
      const layer = compiled.model.getLayer(layerName);
      const variable = layer.weights.find((w) => w.originalName === `${layerName}/${spec.tfjs}`);
      if (!variable) throw new Error(`${nodeId}: layer ${layerName} has no weight "${spec.tfjs}"`);
      const perm = WEIGHT_LAYOUTS[spec.layout].toTorch;
      const torchShape = perm ? perm.map((axis) => variable.shape[axis]!) : [...variable.shape];
      out.push({ nodeId, spec, variable: variable as tf.LayerVariable, torchShape: torchShape as number[] });
    }
  }
  return out;
}

export interface LoadReport {
  loaded: number;
  /** `node.param` entries of the state dict that the model did not use. */
  unused: string[];
}

export interface LoadOptions {
  /** Also fail on entries the model has no place for (default: report them in `unused`). */
  strict?: boolean;
}

/**
 * Loads PyTorch-layout tensors into the model, converting layouts. For BatchNorms folded at compile time the
 * conv's and BN's tensors are combined here (or, with no BN entry, the conv's are taken as already folded).
 * All problems are collected and thrown together as a WeightsError; nothing is written unless all fit.
 */
export function loadWeights(compiled: CompiledGraph, dict: StateDict, options: LoadOptions = {}): LoadReport {
  const bound = boundWeights(compiled);
  const folds = new Map(compiled.folded.map((f) => [f.conv, f]));
  const used = new Set<string>();
  const problems: Problem[] = [];
  const writes: { bound: BoundWeight; tensor: TorchTensor }[] = [];

  const foldedEntries = new Map<string, Record<string, TorchTensor> | null>();
  for (const b of bound) {
    const fold = folds.get(b.nodeId);
    let entries: Record<string, TorchTensor> | undefined = dict[b.nodeId];
    // A folded conv takes the conv's and its BatchNorm's tensors; without any BN entry the conv's own tensors
    // are taken as already folded (what exportWeights writes for a folded model).
    if (fold && dict[fold.batchNorm]) {
      if (!foldedEntries.has(b.nodeId)) {
        try {
          foldedEntries.set(b.nodeId, foldedConvEntries(dict, fold));
        } catch (err) {
          problems.push(
            ...(err instanceof WeightsError
              ? err.problems
              : [weightsProblem('weight-fold-failed', `${fold.conv}: ${String(err)}`, { nodeId: fold.conv })]),
          );
          foldedEntries.set(b.nodeId, null);
        }
        for (const id of [fold.conv, fold.batchNorm]) for (const name of Object.keys(dict[id] ?? {})) used.add(`${id}.${name}`);
      }
      const folded = foldedEntries.get(b.nodeId);
      if (!folded) continue;
      entries = folded;
    }
    const where = `${b.nodeId}.${b.spec.torch}`;
    const at = { nodeId: b.nodeId, field: b.spec.torch };
    const tensor = entries?.[b.spec.torch];
    used.add(where);
    if (!tensor) {
      const hint = fold && !dict[fold.batchNorm] ? ` — or give ${fold.batchNorm}'s tensors to fold it in` : '';
      problems.push(weightsProblem('weight-missing', `${where}: missing (expected ${TORCH_LAYOUT(b.spec.layout)} [${b.torchShape.join(', ')}])${hint}`, at));
      continue;
    }
    if (!sameShape(tensor.shape, b.torchShape)) {
      problems.push(weightsProblem('weight-shape', `${where}: expected ${TORCH_LAYOUT(b.spec.layout)} [${b.torchShape.join(', ')}], got [${tensor.shape.join(', ')}]`, at));
      continue;
    }
    writes.push({ bound: b, tensor });
  }
  const unusedEntries = Object.entries(dict)
    .flatMap(([nodeId, params]) => Object.keys(params).map((field) => ({ nodeId, field, key: `${nodeId}.${field}` })))
    .filter(({ field, key }) => !used.has(key) && !IGNORED_TORCH_NAMES.has(field.slice(field.lastIndexOf('.') + 1)));
  if (options.strict)
    for (const { key, ...at } of unusedEntries) problems.push(weightsProblem('weight-unknown', `${key}: the model has no such weight`, at));
  const unused = unusedEntries.map(({ key }) => key);
  if (problems.length) throw new WeightsError(problems);

  tf.tidy(() => {
    for (const { bound: b, tensor } of writes) {
      const perm = WEIGHT_LAYOUTS[b.spec.layout].toTfjs;
      const t = tf.tensor(tensor.data, tensor.shape, 'float32');
      b.variable.write(perm ? tf.transpose(t, perm) : t);
    }
  });
  return { loaded: writes.length, unused };
}

/** The model's weights back in PyTorch layout (folded convs come out folded, with a bias). */
export async function exportWeights(compiled: CompiledGraph): Promise<StateDict> {
  const out: StateDict = {};
  for (const b of boundWeights(compiled)) {
    const perm = WEIGHT_LAYOUTS[b.spec.layout].toTorch;
    const t = tf.tidy(() => (perm ? tf.transpose(b.variable.read(), perm) : b.variable.read().clone()));
    const data = (await t.data()) as Float32Array;
    t.dispose();
    (out[b.nodeId] ??= {})[b.spec.torch] = { shape: b.torchShape, data: new Float32Array(data) };
  }
  return out;
}
