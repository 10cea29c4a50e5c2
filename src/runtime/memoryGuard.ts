/**
 * Refusing runs that cannot fit, before anything is allocated. The core's analysis already knows the weights and
 * the peak activations of a forward pass; the guard adds what a run holds besides (the compiled copies, the image
 * buffers), compares it with a limit and, when activations are the problem, finds a smaller valid input that fits
 * (the image is then tiled at that size, as the editor's Run panel does). Pure: usable from the CLI, the worker
 * runtime and tests without tfjs.
 */
import { analyzeGraph, type Analysis } from '../core/analysis';
import { nearestValid } from '../core/solver';
import type { GraphDoc } from '../core/types';

/** The wasm backend's heap is 32-bit: every tensor of a run lives in these 4 GiB (tfjs-backend-wasm getHeapMax). */
export const WASM_HEAP_BYTES = 4294901760;
const BYTES_PER_VALUE = 4;

export interface MemoryNeed {
  /** Weights times the compiled copies alive at once (a run compiles the graph and its inference-optimised form). */
  weightsBytes: number;
  /** Peak activations of one forward pass at batch 1 (the core's estimate, input included). */
  activationBytes: number;
  /** The decoded image, its float copy and the resized network input (run only). */
  imageBytes: number;
  totalBytes: number;
}

export interface MemoryLimit {
  bytes: number;
  /** Where the limit comes from, for the message: "--max-memory", "free memory", "the wasm heap". */
  source: string;
}

export interface NeedOptions {
  /** How many compiled copies of the weights are alive at once: run 2 (plain + optimised), export 2–3. */
  weightCopies: number;
  /** Whether a forward pass runs (run) or only the weights are written (export). */
  forward: boolean;
  /** The image to run on (width × height pixels), decoded to RGBA. */
  image?: { width: number; height: number };
}

/** What a run or export of the analysed graph holds at its peak. */
export function memoryNeed(analysis: Analysis, options: NeedOptions): MemoryNeed {
  const batch = analysis.input?.batch ?? 1;
  const weightsBytes = options.weightCopies * analysis.totals.paramBytes;
  const activationBytes = options.forward ? analysis.totals.peakBytes / batch : 0;
  let imageBytes = 0;
  if (options.forward && options.image && analysis.input) {
    const { c, h, w } = analysis.input.shape;
    // The resized input twice (the tensor and the copy handed to the model), besides the image itself.
    imageBytes = rawImageBytes(options, c) + 2 * BYTES_PER_VALUE * c * h * w;
  }
  return { weightsBytes, activationBytes, imageBytes, totalBytes: weightsBytes + activationBytes + imageBytes };
}

/** The decoded image (RGBA bytes) and its float pixels: what does not shrink with the input size. */
const rawImageBytes = (options: NeedOptions, channels: number) =>
  options.image ? (4 + BYTES_PER_VALUE * channels) * options.image.width * options.image.height : 0;

/** The effective limit on a backend: the wasm heap caps whatever the machine has. */
export function limitOn(backend: string, limit: MemoryLimit): MemoryLimit {
  return backend === 'wasm' && limit.bytes > WASM_HEAP_BYTES ? { bytes: WASM_HEAP_BYTES, source: 'the wasm backend’s 4 GiB heap' } : limit;
}

export type MemoryVerdict =
  | { ok: true; need: MemoryNeed }
  | { ok: false; need: MemoryNeed; message: string; smallerInput?: { h: number; w: number } };

/**
 * Checks the graph (at its input node's size) against the limit. Over it, the message says how much is needed
 * and of what; when the weights fit but activations do not, a smaller valid input size that fits is offered.
 */
export function checkMemory(doc: GraphDoc, analysis: Analysis, limit: MemoryLimit, options: NeedOptions): MemoryVerdict {
  const need = memoryNeed(analysis, options);
  if (need.totalBytes <= limit.bytes) return { ok: true, need };
  const parts = [`weights ${bytes(need.weightsBytes)}`];
  if (options.forward) parts.push(`activations ${bytes(need.activationBytes)}`);
  if (need.imageBytes) parts.push(`image ${bytes(need.imageBytes)}`);
  const input = analysis.input;
  const at = input && options.forward ? ` at input ${input.shape.c}×${input.shape.h}×${input.shape.w}` : '';
  let message = `needs about ${bytes(need.totalBytes)}${at} (${parts.join(', ')}), over the ${bytes(limit.bytes)} limit (${limit.source})`;
  const fixedBytes = need.weightsBytes;
  if (fixedBytes >= limit.bytes) {
    const params = analysis.totals.params.total;
    return { ok: false, need, message: `${message}: the ${approx(params)} parameters alone do not fit; make the network narrower` };
  }
  const smaller = options.forward && input ? smallerInputThatFits(doc, input.shape, limit.bytes, options) : undefined;
  message += smaller
    ? `; a ${smaller.h}×${smaller.w} input fits: set the input node to it and tile the image (the editor's Run panel does), or raise the limit`
    : '; no smaller valid input size fits either';
  return { ok: false, need, message, smallerInput: smaller };
}

/** The largest valid input near a square shrink of `size` whose run fits; undefined when none is found. */
export function smallerInputThatFits(doc: GraphDoc, size: { h: number; w: number }, limitBytes: number, options: NeedOptions) {
  let current = size;
  for (let attempt = 0; attempt < 8; attempt++) {
    const analysis = analyzeGraph(doc, { input: current, solve: false });
    const need = memoryNeed(analysis, options);
    const fixed = need.weightsBytes + rawImageBytes(options, analysis.input?.shape.c ?? 1);
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
