/**
 * The training core, host-neutral (the web worker and the CLI run this same code): compiles the graph at the
 * patch size, seeds the initial weights (or carries trained ones over), draws batches, takes optimiser steps
 * and evaluates on fixed validation patches. It owns its tensors: `dispose` returns tfjs memory to where it was.
 */
import * as tf from '@tensorflow/tfjs';
import { carryWeights, type CarryReport, type CompiledGraph, compileGraph, exportWeights, type StateDict } from '../../compile';
import type { GraphDoc } from '../../core/types';
import { rng } from '../synthetic';
import { type Augment, type Batch, type LabelledImage, PatchSampler, type PatchGeometry, splitData, type Split, validationPatches } from './data';
import { patchGeometry } from './geometry';
import { headOf, type Head, type LossName, predictedClasses, segmentationLoss } from './losses';
import { borderWeightMap } from './weightMap';

export type OptimizerName = 'adam' | 'sgd';

export interface TrainOptions {
  loss: LossName;
  optimizer: OptimizerName;
  /** Learning rate (Adam default 1e-3; SGD with momentum 0.99, the paper's, default 1e-3 too). */
  lr: number;
  batch: number;
  /** Input patch side; default: the graph's input up to 128 px, or the nearest valid size. */
  patch?: number;
  seed: number;
  augment: Augment;
  /** Share of the images (or of one image's rows) held out for validation. */
  valFraction: number;
  /** Most validation patches evaluated each time. */
  valPatches: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  loss: 'bce+dice',
  optimizer: 'adam',
  lr: 1e-3,
  batch: 4,
  seed: 1,
  augment: { flips: true, rotations: true },
  valFraction: 0.2,
  valPatches: 16,
};

export interface Evaluation {
  loss: number;
  /** Foreground (every class but 0) against the labels, over all validation pixels. */
  dice: number;
  iou: number;
  /** Dice of each class, background included. */
  classDice: number[];
  /** The first validation patch: predicted and true classes, output-sized, for a preview. */
  preview: { h: number; w: number; predicted: Uint8Array; truth: Uint8Array };
}

/** Glorot-uniform kernels from a seeded generator (the layers' own initialiser has no seed), zero elsewhere kept. */
function seedKernels(model: tf.LayersModel, seed: number) {
  const random = rng(seed);
  for (const v of model.weights) {
    if (!v.originalName.endsWith('/kernel') || v.shape.length < 2) continue;
    const shape = v.shape as number[];
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const fanIn = receptive * shape[shape.length - 2]!;
    const fanOut = receptive * shape[shape.length - 1]!;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = (2 * random() - 1) * limit;
    tf.tidy(() => {
      (v as tf.LayerVariable).write(tf.tensor(values, shape));
    });
  }
}

function confusionCounts(predicted: Int32Array | Uint8Array, truth: Uint8Array, classes: number) {
  const tp = new Float64Array(classes);
  const fp = new Float64Array(classes);
  const fn = new Float64Array(classes);
  let fgTp = 0;
  let fgFp = 0;
  let fgFn = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = predicted[i]!;
    const t = truth[i]!;
    if (p === t) tp[p]!++;
    else {
      fp[p]!++;
      fn[t]!++;
    }
    if (p !== 0 && t !== 0) fgTp++;
    else if (p !== 0) fgFp++;
    else if (t !== 0) fgFn++;
  }
  const diceOf = (a: number, b: number, c: number) => (a + b + c === 0 ? 1 : (2 * a) / (2 * a + b + c));
  return {
    dice: diceOf(fgTp, fgFp, fgFn),
    iou: fgTp + fgFp + fgFn === 0 ? 1 : fgTp / (fgTp + fgFp + fgFn),
    classDice: Array.from({ length: classes }, (_, k) => diceOf(tp[k]!, fp[k]!, fn[k]!)),
  };
}

export class Trainer {
  private readonly optimizer: tf.Optimizer;
  private readonly sampler: PatchSampler;
  private readonly val: Batch;
  private readonly variables: tf.Variable[];
  steps = 0;
  private disposed = false;

  private constructor(
    readonly doc: GraphDoc,
    readonly compiled: CompiledGraph,
    readonly geometry: PatchGeometry,
    readonly head: Head,
    readonly split: Split,
    readonly options: TrainOptions,
    readonly carried: CarryReport | undefined,
    images: LabelledImage[],
  ) {
    this.optimizer = options.optimizer === 'sgd' ? tf.train.momentum(options.lr, 0.99) : tf.train.adam(options.lr);
    this.sampler = new PatchSampler(images, split.train, geometry, options.augment, options.seed);
    this.val = validationPatches(images, split.val, geometry, options.valPatches);
    this.variables = compiled.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /**
   * Compiles `doc` at the training patch size and prepares the data. `initial` weights (e.g. from the last
   * training of this graph) are carried over node by node; the rest start from seeded random weights.
   */
  static async create(doc: GraphDoc, images: LabelledImage[], options: TrainOptions, initial?: StateDict): Promise<Trainer> {
    const geometry = patchGeometry(doc, options.patch);
    const compiled = compileGraph(doc, { input: geometry.input });
    try {
      const head = headOf(compiled.model);
      for (const im of images) {
        const top = im.labels.reduce((m, v) => Math.max(m, v), 0);
        if (top >= head.labelClasses) throw new Error(`${im.name}: the mask has class ${top}; the network's head predicts ${head.labelClasses} classes (0…${head.labelClasses - 1})`);
        if (images[0]!.channels !== im.channels) throw new Error(`${im.name}: ${im.channels} channels, the first image ${images[0]!.channels}`);
      }
      const data = options.loss === 'weighted-ce' ? images.map((im) => ({ ...im, weights: im.weights ?? borderWeightMap(im.labels, im.width, im.height) })) : images;
      const split = splitData(data, geometry.output, options.valFraction);
      seedKernels(compiled.model, options.seed);
      const carried = initial ? await carryWeights(compiled, initial) : undefined;
      return new Trainer(doc, compiled, geometry, head, split, options, carried, data);
    } catch (err) {
      compiled.model.dispose();
      throw err;
    }
  }

  private tensors(batch: Batch) {
    const { input, output } = this.geometry;
    const c = this.compiled.model.inputs[0]!.shape[3]!;
    return {
      x: tf.tensor4d(batch.x, [batch.size, input.h, input.w, c]),
      y: tf.tensor3d(batch.y, [batch.size, output.h, output.w], 'int32'),
      w: batch.w ? tf.tensor3d(batch.w, [batch.size, output.h, output.w]) : undefined,
    };
  }

  /** One optimiser step on a fresh random batch; returns its loss. */
  async step(): Promise<number> {
    const { x, y, w } = this.tensors(this.sampler.batch(this.options.batch));
    try {
      const cost = this.optimizer.minimize(
        () => segmentationLoss(this.options.loss, this.compiled.model.apply(x, { training: true }) as tf.Tensor4D, y, this.head, w),
        true,
        this.variables,
      );
      const value = (await cost!.data())[0]!;
      cost!.dispose();
      this.steps++;
      if (!Number.isFinite(value)) throw new Error(`the loss became ${value} at step ${this.steps}: lower the learning rate`);
      return value;
    } finally {
      tf.dispose(w ? [x, y, w] : [x, y]);
    }
  }

  /** Loss, Dice and IoU on the validation patches (batched as in training), and a preview of the first. */
  async evaluate(): Promise<Evaluation> {
    const { output } = this.geometry;
    const perPatch = output.h * output.w;
    const predicted = new Int32Array(this.val.size * perPatch);
    let lossSum = 0;
    const chunk = Math.max(1, this.options.batch);
    for (let start = 0; start < this.val.size; start += chunk) {
      const n = Math.min(chunk, this.val.size - start);
      const part: Batch = {
        size: n,
        x: this.val.x.subarray((start * this.val.x.length) / this.val.size, ((start + n) * this.val.x.length) / this.val.size),
        y: this.val.y.subarray(start * perPatch, (start + n) * perPatch),
        w: this.val.w?.subarray(start * perPatch, (start + n) * perPatch),
      };
      const { x, y, w } = this.tensors(part);
      try {
        const [loss, classes] = tf.tidy(() => {
          const out = this.compiled.model.apply(x, { training: false }) as tf.Tensor4D;
          return [segmentationLoss(this.options.loss, out, y, this.head, w), predictedClasses(out, this.head)];
        });
        const [l, c] = await Promise.all([loss.data(), classes.data()]);
        tf.dispose([loss, classes]);
        lossSum += l[0]! * n;
        predicted.set(c as Int32Array, start * perPatch);
      } finally {
        tf.dispose(w ? [x, y, w] : [x, y]);
      }
    }
    const scores = confusionCounts(predicted, this.val.y, this.head.labelClasses);
    return {
      loss: lossSum / this.val.size,
      ...scores,
      preview: { h: output.h, w: output.w, predicted: Uint8Array.from(predicted.subarray(0, perPatch)), truth: this.val.y.slice(0, perPatch) },
    };
  }

  /** The current weights in PyTorch layout (what checkpoints, exports and the run panel take). */
  weights(): Promise<StateDict> {
    return exportWeights(this.compiled);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.compiled.model.dispose();
  }
}
