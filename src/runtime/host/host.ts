/**
 * The runtime host: everything that touches tfjs for the editor — compile, run (tiled, stepped, cancellable),
 * feature maps, training — behind one message-friendly API. The browser runs it in a Web Worker
 * (`../worker.ts`, reached with comlink); Node and tests construct it in-process. Every answer is plain data;
 * failures come back as `HostError`s (structured clone keeps no error classes), never as thrown exceptions.
 */
import * as tf from '@tensorflow/tfjs';
import { CompileError, WeightsError } from '../../compile';
import { errorProblem, type Problem } from '../../core/problem';
import type { GraphDoc } from '../../core/types';
import { BackendUnavailableError, type BackendChoice } from '../backends';
import type { RgbaImage } from '../image';
import { MemoryRefused, type MemoryLimit, weightsNeed } from '../memoryGuard';
import type { Size } from '../tiling';
import { activateBackend, type BackendStarter, loseWebglContext } from './backend';
import { featureMaps, type FeatureMaps } from './featureMaps';
import { DEFAULT_HOST_LIMIT, effectiveLimit, guardMemory, guardRun } from './memory';
import { ModelCache, type WeightsSource } from './models';
import { type CompletedRun, RunCancelled, runPlan, type RunJob, type RunProgress, type RunResult } from './runner';

/**
 * A failure as data: which kind, the one-line message, and its problems (core/problem.ts) — per node for compile
 * errors, per tensor for weights, per backend tried when none could start.
 */
export interface HostError {
  kind: 'cancelled' | 'compile' | 'weights' | 'backend' | 'memory' | 'failed';
  message: string;
  problems: Problem[];
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: HostError };

export function hostError(err: unknown): HostError {
  if (err instanceof RunCancelled) return { kind: 'cancelled', message: err.message, problems: [] };
  if (err instanceof CompileError) return { kind: 'compile', message: err.message, problems: err.problems };
  // Weights problems name their node and tensor where the loader found them; they pass through as they are.
  if (err instanceof WeightsError) return { kind: 'weights', message: err.message, problems: err.problems };
  // Refused before allocating: the message says how much is needed, the limit and what would fit.
  if (err instanceof MemoryRefused) return { kind: 'memory', message: err.message, problems: [errorProblem('memory', err.message)] };
  if (err instanceof BackendUnavailableError)
    return { kind: 'backend', message: err.message, problems: err.attempts.map((a) => errorProblem('backend-unavailable', a.reason ?? 'failed', { field: a.name })) };
  return { kind: 'failed', message: err instanceof Error ? err.message : String(err), problems: [] };
}

async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: hostError(err) };
  }
}

export interface RunRequestData {
  doc: GraphDoc;
  plan: RunJob;
  image: RgbaImage;
  backend: BackendChoice;
  /** Weights given to `setWeights` earlier (the latest of each id is kept). */
  weightsId: number;
  /** The page's own limit (the Run panel's memory budget, which the user chose); else the host's. */
  memoryLimit?: MemoryLimit;
}

export interface HostOptions {
  backends: BackendStarter;
  /** Marks buffers to move rather than copy across the worker boundary (comlink's `transfer`); Node: none. */
  transfer?<T>(value: T, buffers: Transferable[]): T;
  /** The memory a request may need (checked before compiling); default DEFAULT_HOST_LIMIT. The wasm heap caps it. */
  memoryLimit?(): MemoryLimit;
}

export interface MemoryReport {
  numTensors: number;
  numBytes: number;
  backend: string;
  /** Variables held by the cached models (what numTensors comes back to after a run). */
  modelTensors: number;
}

export class RuntimeHost {
  protected readonly cache = new ModelCache();
  private readonly weights = new Map<number, WeightsSource>();
  private abort: AbortController | undefined;
  private last: CompletedRun | undefined;

  constructor(protected readonly options: HostOptions) {}

  protected transfer<T>(value: T, buffers: Transferable[]): T {
    return this.options.transfer ? this.options.transfer(value, buffers) : value;
  }

  /** Keeps weights for later runs under their id (one random source and one loaded/trained source at a time suffice). */
  setWeights(source: WeightsSource): void {
    for (const [id, w] of this.weights) if (w.kind === source.kind || this.weights.size > 4) this.weights.delete(id);
    this.weights.set(source.id, source);
  }

  /** The limit a request is checked against: its own when it brings one, else the host's. */
  protected memoryLimit(requested?: MemoryLimit): MemoryLimit {
    return effectiveLimit(this.options.memoryLimit?.() ?? DEFAULT_HOST_LIMIT, requested);
  }

  protected weightsFor(id: number): WeightsSource {
    const w = this.weights.get(id);
    if (!w) throw new Error(`weights #${id} were not handed to the runtime`);
    return w;
  }

  /** Compiles with these weights (as the next run will), so a misfit is reported when they are loaded. */
  checkWeights(doc: GraphDoc, inputSize: Size | undefined, backend: BackendChoice, weightsId: number): Promise<Outcome<null>> {
    return outcome(async () => {
      const active = await activateBackend(backend, this.options.backends);
      guardMemory(doc, inputSize, weightsNeed, this.memoryLimit(), active.name);
      await this.cache.ensure(doc, inputSize, active.name, this.weightsFor(weightsId));
      return null;
    });
  }

  /** One run; progress is reported through `onProgress` (a comlink proxy in the browser). */
  run(req: RunRequestData, onProgress: (p: RunProgress) => void): Promise<Outcome<RunResult>> {
    if (this.abort) return Promise.resolve({ ok: false, error: { kind: 'failed', message: 'a run is already in progress', problems: [] } });
    const abort = new AbortController();
    this.abort = abort;
    const limit = this.memoryLimit(req.memoryLimit);
    const guard = (backend: string) => guardRun(req.doc, req.plan, req.image, limit, backend);
    return outcome(async () => {
      try {
        const done = await runPlan(
          this.cache,
          { doc: req.doc, plan: req.plan, image: req.image, backend: req.backend, weights: this.weightsFor(req.weightsId), signal: abort.signal, onProgress, guard },
          this.options.backends,
        );
        this.last = done;
        // The outputs move to the page; feature maps need only the model and the input the host keeps.
        return this.transfer(done.result, done.result.outputs.map((o) => o.data.buffer));
      } finally {
        this.abort = undefined;
      }
    }).then((o) => (!o.ok && abort.signal.aborted ? { ok: false, error: { kind: 'cancelled', message: 'The run was cancelled.', problems: [] } } : o));
  }

  /** Stops the current run at its next yield (between layers, at most ~25 ms of work away). */
  cancelRun(): void {
    this.abort?.abort(new RunCancelled());
  }

  /** The tensor a node outputs in the last run (first channels), for the edge the user clicked. */
  featureMaps(nodeId: string, maxChannels: number, tileIndex = 0): Promise<Outcome<FeatureMaps>> {
    return outcome(async () => {
      if (!this.last) throw new Error('run the graph first to see feature maps');
      const maps = await featureMaps(this.last, nodeId, maxChannels, tileIndex);
      return this.transfer(maps, maps.channels.map((c) => c.data.buffer));
    });
  }

  memory(): MemoryReport {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend(), modelTensors: this.heldTensors() };
  }

  /** Tensors the host keeps on purpose: the cached run models' variables (subclasses add theirs). */
  protected heldTensors(): number {
    return this.cache.heldTensors();
  }

  /** For browser tests: drops the webgl backend's context, as a GPU reset would. */
  loseWebglContext(): boolean {
    return loseWebglContext();
  }
}
