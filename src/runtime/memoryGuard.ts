/**
 * Refusing runs that cannot fit, before anything is allocated. The core's analysis already knows the weights and
 * the peak activations of a forward pass; the guard adds what a run holds besides (the compiled copies, the image
 * buffers), compares it with a limit and, when activations are the problem, finds a smaller valid input that fits
 * (the image is then tiled at that size, as the editor's Run panel does). Pure: usable from the CLI, the worker
 * runtime and tests without tfjs.
 */
import { analyzeGraph, type Analysis } from '../core/analysis';
import { nearestValid } from '../core/solver';
import { BYTES_PER_VALUE } from '../core/infer';
import type { GraphDoc } from '../core/types';

/** The wasm backend's heap is 32-bit: every tensor of a run lives in these 4 GiB (tfjs-backend-wasm getHeapMax). */
export const WASM_HEAP_BYTES = 4294901760;

export interface MemoryNeed {
  /** Weights times the copies alive at once (a run compiles the graph and its inference-optimised form). */
  weightsBytes: number;
  /** Training only: one gradient per trainable weight. */
  gradientBytes: number;
  /** Training only: the optimiser's slots per trainable weight (Adam: 2, momentum SGD: 1). */
  optimizerBytes: number;
  /**
   * A forward pass: its peak activations at batch 1 (the core's estimate, input included). Training: what a step
   * keeps for backprop and its gradients (TRAINING_STEP_FACTOR × (every node's output + the forward peak)) × batch.
   */
  activationBytes: number;
  /** The image's buffers besides the network: decoded pixels, normalised copies, stitched tiled outputs (run only). */
  imageBytes: number;
  totalBytes: number;
}

export interface MemoryLimit {
  bytes: number;
  /** Where the limit comes from, for the message: "--max-memory", "free memory", "the wasm heap". */
  source: string;
}

export type OptimizerKind = 'adam' | 'sgd';

export interface NeedOptions {
  /** How many copies of the weights are alive at once: run 2 (plain + optimised), export 2–3, training 2. */
  weightCopies: number;
  /** Whether a forward pass runs (run, training) or only the weights are written (export). */
  forward: boolean;
  /**
   * The image to run on (width × height pixels), decoded to RGBA. A tiled run holds the whole normalised image
   * and the stitched outputs (`tiledOutput`: their size and the channels of all outputs together).
   */
  image?: { width: number; height: number; tiledOutput?: { h: number; w: number; channels: number } };
  /** A training step at this batch size with this optimiser (the graph is analysed at the patch size). */
  training?: { batch: number; optimizer: OptimizerKind };
}

/**
 * A tfjs training step holds far more than the nodes' outputs: each layer's intermediate tensors (conv, bias add,
 * activation), the loss at full resolution, and the gradient of each of them. Measured with tf.profile's peakBytes
 * on wasm (U-Nets of depth 2–3, patches 64–96, batch 1–4, same and valid padding): 4.6–4.9 × (every node's output
 * + a forward pass's peak); test/unit/runtime-memory-guard.test.ts checks the estimate stays above the measurement.
 */
export const TRAINING_STEP_FACTOR = 5.5;

/**
 * Inside one layer of a forward pass its intermediate tensors (e.g. conv, bias add, activation; the input being
 * resized and normalised) briefly live beside the live set: measured up to about twice the largest node output.
 */
const LAYER_TEMPORARIES = 2;
const largestOutput = (analysis: Analysis) => analysis.rows.reduce((m, r) => Math.max(m, r.bytes), 0);

const OPTIMIZER_SLOTS: Record<OptimizerKind, number> = { adam: 2, sgd: 1 };
const OPTIMIZER_NAMES: Record<OptimizerKind, string> = { adam: 'Adam', sgd: 'momentum' };

/** What a run, export or training step of the analysed graph holds at its peak. */
export function memoryNeed(analysis: Analysis, options: NeedOptions): MemoryNeed {
  const batch = analysis.input?.batch ?? 1;
  const { totals } = analysis;
  const weightsBytes = options.weightCopies * totals.paramBytes;
  const trainable = totals.params.trainable * BYTES_PER_VALUE;
  const training = options.training;
  const gradientBytes = training ? trainable : 0;
  const optimizerBytes = training ? OPTIMIZER_SLOTS[training.optimizer] * trainable : 0;
  const activationBytes = training
    ? ((TRAINING_STEP_FACTOR * (totals.activationBytes + totals.peakBytes)) / batch) * training.batch
    : options.forward
      ? (totals.peakBytes + LAYER_TEMPORARIES * largestOutput(analysis)) / batch
      : 0;
  const imageBytes = options.forward && !training ? fixedImageBytes(options, analysis) + scaledImageBytes(options, analysis) : 0;
  return { weightsBytes, gradientBytes, optimizerBytes, activationBytes, imageBytes, totalBytes: weightsBytes + gradientBytes + optimizerBytes + activationBytes + imageBytes };
}

/**
 * The image buffers that do not shrink with the network's input size: the decoded RGBA image and its float
 * pixels; a tiled run also holds the normalised whole image and the stitched outputs.
 */
function fixedImageBytes(options: NeedOptions, analysis: Analysis): number {
  const image = options.image;
  if (!image || !analysis.input) return 0;
  const c = analysis.input.shape.c;
  const pixels = image.width * image.height;
  const tiled = image.tiledOutput;
  const base = (4 + BYTES_PER_VALUE * c) * pixels;
  return tiled ? base + BYTES_PER_VALUE * (c * pixels + tiled.h * tiled.w * tiled.channels) : base;
}

/** The buffers at the network's input size: a resized input and its copy handed to the model (one tile's copy when tiled). */
function scaledImageBytes(options: NeedOptions, analysis: Analysis): number {
  if (!options.image || !analysis.input) return 0;
  const { c, h, w } = analysis.input.shape;
  return (options.image.tiledOutput ? 1 : 2) * BYTES_PER_VALUE * c * h * w;
}

/** A run as the guard sees it: two compiled copies of the weights, one forward pass, the image (tiled or not). */
export const runNeed = (image: { width: number; height: number }, tiledOutput?: { h: number; w: number; channels: number }): NeedOptions => ({
  weightCopies: 2,
  forward: true,
  image: { width: image.width, height: image.height, tiledOutput },
});

/** A training step: the model and the state dict exported from it (checkpoints, the trained weights), at this batch. */
export const trainingNeed = (batch: number, optimizer: OptimizerKind): NeedOptions => ({ weightCopies: 2, forward: true, training: { batch, optimizer } });

/** Compiling weights to write or check them: the compiled model and the weights being loaded or written. */
export const weightsNeed: NeedOptions = { weightCopies: 2, forward: false };

/** The effective limit on a backend: the wasm heap caps whatever the machine has. */
export function limitOn(backend: string, limit: MemoryLimit): MemoryLimit {
  return backend === 'wasm' && limit.bytes > WASM_HEAP_BYTES ? { bytes: WASM_HEAP_BYTES, source: 'the wasm backend’s 4 GiB heap' } : limit;
}

export type MemoryVerdict =
  | { ok: true; need: MemoryNeed }
  | { ok: false; need: MemoryNeed; message: string; smallerInput?: { h: number; w: number } };

/** What does not shrink with the network's input size: weights (with gradients and optimiser state) and the image. */
const sizeIndependent = (need: MemoryNeed, options: NeedOptions, analysis: Analysis) =>
  need.totalBytes - need.activationBytes - (need.imageBytes ? scaledImageBytes(options, analysis) : 0);

/**
 * Checks the graph (at its input node's size, or the training patch it was analysed at) against the limit. Over
 * it, the message says how much is needed and of what; when the weights fit but activations do not, a smaller
 * valid input that fits is offered (to tile the image at; for training, a smaller patch or batch).
 */
export function checkMemory(doc: GraphDoc, analysis: Analysis, limit: MemoryLimit, options: NeedOptions): MemoryVerdict {
  const need = memoryNeed(analysis, options);
  if (need.totalBytes <= limit.bytes) return { ok: true, need };
  const training = options.training;
  const parts = [`weights ${bytes(need.weightsBytes)}`];
  if (training) parts.push(`gradients ${bytes(need.gradientBytes)}`, `${OPTIMIZER_NAMES[training.optimizer]} state ${bytes(need.optimizerBytes)}`);
  if (options.forward) parts.push(`activations ${bytes(need.activationBytes)}`);
  if (need.imageBytes) parts.push(`image ${bytes(need.imageBytes)}`);
  const input = analysis.input;
  const shape = input && `${input.shape.c}×${input.shape.h}×${input.shape.w}`;
  const at = !shape || !options.forward ? '' : training ? ` to train at patch ${shape}, batch ${training.batch}` : ` at input ${shape}`;
  let message = `needs about ${bytes(need.totalBytes)}${at} (${parts.join(', ')}), over the ${bytes(limit.bytes)} limit (${limit.source})`;
  const fixedBytes = sizeIndependent(need, options, analysis);
  if (need.weightsBytes + need.gradientBytes + need.optimizerBytes >= limit.bytes) {
    const params = analysis.totals.params.total;
    const extra = training ? ` with their gradients and ${OPTIMIZER_NAMES[training.optimizer]} state` : '';
    return { ok: false, need, message: `${message}: the ${approx(params)} parameters${extra} alone do not fit; make the network narrower` };
  }
  if (fixedBytes >= limit.bytes) return { ok: false, need, message: `${message}: the image buffers alone do not fit; use a smaller image` };
  const smaller = options.forward && input ? smallerInputThatFits(doc, input.shape, limit.bytes, options) : undefined;
  if (training) {
    const perSample = need.activationBytes / training.batch;
    const batchFits = Math.floor((limit.bytes - fixedBytes) / perSample);
    const offers = [
      smaller && `${aSize(smaller)} patch fits at batch ${training.batch}: set the patch size to it (the trained network still runs tiled on whole images)`,
      batchFits >= 1 && `batch ${batchFits} fits at this patch`,
    ].filter((o): o is string => !!o);
    message += offers.length ? `; ${offers.join('; or ')}; or raise the limit` : '; no smaller patch fits either';
    return { ok: false, need, message, smallerInput: smaller };
  }
  message += smaller
    ? `; ${aSize(smaller)} input fits: set the input node to it and tile the image (the editor's Run panel does), or raise the limit`
    : '; no smaller valid input size fits either';
  return { ok: false, need, message, smallerInput: smaller };
}

/** "a 572×572", "an 8×8", "an 800×600": the article as the number is read. */
export const aSize = (s: { h: number; w: number }) => `${/^(8|1[18](\d{3})?$)/.test(String(s.h)) ? 'an' : 'a'} ${s.h}×${s.w}`;

/** The largest valid input near a square shrink of `size` whose run (or training step) fits; undefined when none is found. */
export function smallerInputThatFits(doc: GraphDoc, size: { h: number; w: number }, limitBytes: number, options: NeedOptions) {
  let current = size;
  for (let attempt = 0; attempt < 8; attempt++) {
    const analysis = analyzeGraph(doc, { input: current, solve: false });
    const need = memoryNeed(analysis, options);
    const fixed = sizeIndependent(need, options, analysis);
    if (fixed >= limitBytes) return undefined;
    // Activations and the resized input grow with the area; aim a little under the limit.
    const factor = Math.min(0.9, Math.sqrt((0.9 * (limitBytes - fixed)) / Math.max(1, need.totalBytes - fixed)));
    const target = { h: Math.max(1, Math.floor(current.h * factor)), w: Math.max(1, Math.floor(current.w * factor)) };
    const near = nearestValid(doc, target, { maxDistance: 256 });
    const h = near.h.below ?? near.h.above;
    const w = near.w.below ?? near.w.above;
    if (h === undefined || w === undefined) return undefined;
    const fits = analyzeGraph(doc, { input: { h, w }, solve: false });
    if (fits.errorCount === 0 && memoryNeed(fits, options).totalBytes <= limitBytes) return { h, w };
    if (h >= current.h && w >= current.w) return undefined;
    current = { h, w };
  }
  return undefined;
}

/** A run refused by the guard: thrown by the runtime host before it allocates, reported as a 'memory' HostError. */
export class MemoryRefused extends Error {
  constructor(
    message: string,
    readonly smallerInput?: { h: number; w: number },
  ) {
    super(message);
    this.name = 'MemoryRefused';
  }
}

/** Bytes as people read them (binary units, 3 significant digits). */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = n;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) (value /= 1024), i++;
  return i === 0 ? `${Math.round(value)} B` : `${value.toPrecision(3)} ${units[i]}`;
}

/** A count as "2.58e11" past a million, exact below. */
const approx = (n: number) => (n >= 1e6 ? n.toExponential(2).replace('e+', 'e') : n.toLocaleString('en-US'));

/** `--max-memory` values: "8G", "1.5GiB", "512M", "2T" or plain bytes. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const scale = { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[unit as 'b' | 'k' | 'm' | 'g' | 't'];
  const value = Math.round(Number(m[1]) * scale);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
