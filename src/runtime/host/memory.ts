/**
 * The runtime host's memory guard: every request that would compile or run a graph (run, weights check,
 * training, trained export) is checked against the limit before a tensor exists, with the same estimate and
 * wording as the CLI and the Run panel (../memoryGuard.ts). A refusal throws `MemoryRefused`, which the host
 * reports as a 'memory' HostError.
 */
import { analyzeGraph } from '../../core/analysis';
import type { GraphDoc } from '../../core/types';
import { checkMemory, limitOn, MemoryRefused, type MemoryLimit, type NeedOptions, type OptimizerKind, runNeed, trainingNeed, WASM_HEAP_BYTES } from '../memoryGuard';
import type { Size } from '../tiling';
import type { RunJob } from './runner';

/** Without a limit from the host or the request: what a browser tab can count on (and the wasm heap's size). */
export const DEFAULT_HOST_LIMIT: MemoryLimit = { bytes: WASM_HEAP_BYTES, source: 'the runtime’s default' };

/**
 * The limit a request brings (the Run panel's budget, which the user chose, as `--max-memory` in the CLI), else
 * the host's. Either way the wasm heap caps it on wasm (`limitOn`).
 */
export function effectiveLimit(host: MemoryLimit, requested?: MemoryLimit): MemoryLimit {
  return requested ?? host;
}

/**
 * Throws MemoryRefused when the graph at `inputSize` (the input node's own size when undefined) needs more than
 * the limit on this backend. A graph with errors passes: the compiler says what is wrong with it.
 */
export function guardMemory(doc: GraphDoc, inputSize: Size | undefined, need: NeedOptions, limit: MemoryLimit, backend: string): void {
  const analysis = analyzeGraph(doc, { input: inputSize, solve: false });
  if (analysis.errorCount > 0) return;
  const verdict = checkMemory(doc, analysis, limitOn(backend, limit), need);
  if (!verdict.ok) throw new MemoryRefused(`refused: ${verdict.message}`, verdict.smallerInput);
}

/** A run as the Run panel planned it: the network at the plan's input size, on this image, tiled or not. */
export function guardRun(doc: GraphDoc, job: RunJob, image: { width: number; height: number }, limit: MemoryLimit, backend: string): void {
  const tiles = job.tiles;
  const tiledOutput = tiles && { ...tiles.output, channels: job.outputs.reduce((n, o) => n + o.shape.c, 0) };
  const size = job.overridden ? { h: job.runInput.h, w: job.runInput.w } : undefined;
  guardMemory(doc, size, runNeed(image, tiledOutput), limit, backend);
}

/** A training step at this patch, batch size and optimiser. */
export function guardTraining(doc: GraphDoc, patch: Size, batch: number, optimizer: OptimizerKind, limit: MemoryLimit, backend: string): void {
  guardMemory(doc, patch, trainingNeed(batch, optimizer), limit, backend);
}
