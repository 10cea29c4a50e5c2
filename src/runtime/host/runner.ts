/**
 * One run: backend, model (cached), preprocessing, forward passes tile by tile with progress and cancel,
 * stitching, timings. Holds no tensors between calls; a lost WebGL context falls back to wasm and retries.
 */
import type { GraphDoc, Shape } from '../../core/types';
import type { BackendChoice } from '../backends';
import { imageToInput, type InputSpec, type OutputView, resolveView, type RgbaImage } from '../image';
import type { TensorData } from '../predict';
import { predictStepped } from '../stepped';
import { extractTile, stitchTile, type TilePlan } from '../tiling';
import { activateBackend, type BackendStarter, recoverFromLostWebgl, webglContextLost, type ActiveBackend } from './backend';
import { median, recordPass, type ModelCache, type ModelEntry, type WeightsSource } from './models';

/** What a run does, as the run panel planned it (its RunPlan carries these and more). */
export interface RunJob {
  /** C×H×W the network runs at (one tile, or the resized image). */
  runInput: Shape;
  /** Whether that differs from the input node's own size. */
  overridden: boolean;
  spec: InputSpec;
  tiles?: TilePlan;
  /** Output nodes and their per-pass shapes, in model output order. */
  outputs: { id: string; shape: Shape }[];
}

export interface RunProgress {
  phase: 'backend' | 'compile' | 'run';
  done: number;
  total: number;
}

export interface RunRequest {
  doc: GraphDoc;
  plan: RunJob;
  image: RgbaImage;
  backend: BackendChoice;
  weights: WeightsSource;
  signal: AbortSignal;
  onProgress(p: RunProgress): void;
  /** Throws (MemoryRefused) when the run would not fit on this backend: called before the model is compiled. */
  guard?(backend: string): void;
}

export interface OutputResult {
  id: string;
  /** HWC values of the whole result (stitched for tiles). */
  data: Float32Array;
  h: number;
  w: number;
  c: number;
  view: OutputView;
}

export interface RunTimings {
  /** Set when this run compiled the model. */
  compileMs?: number;
  /** The model's first forward pass (shader compilation, kernel set-up included). */
  firstPassMs?: number;
  /** Median of the model's later passes. */
  warmPassMs?: number;
  totalMs: number;
  passes: number;
}

/** What a run gives back to the page: plain data (the outputs' buffers are transferred, not copied). */
export interface RunResult {
  backend: ActiveBackend;
  outputs: OutputResult[];
  timings: RunTimings;
  notes: string[];
  /** The weights the run used: what the panel says about them ("untrained — random weights", …). */
  weights: { kind: WeightsSource['kind']; label?: string };
}

/** A run as the host keeps it for feature maps: the result, the model entry and the input it fed. */
export interface CompletedRun {
  result: RunResult;
  plan: RunJob;
  entry: ModelEntry;
  /** What feature maps feed the plain model: the whole normalised image (tiles) or the one input. */
  pixels: TensorData;
}

export class RunCancelled extends Error {
  constructor() {
    super('The run was cancelled.');
    this.name = 'RunCancelled';
  }
}

/** Lets the browser paint (progress bar) and handle clicks (Cancel) between forward passes. */
const yieldToBrowser = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function checkCancel(signal: AbortSignal) {
  if (signal.aborted) throw new RunCancelled();
}

async function forwardPasses(entry: ModelEntry, req: RunRequest, pixels: TensorData): Promise<{ outputs: OutputResult[]; passes: number }> {
  const { plan, signal } = req;
  const outputIds = entry.fast.outputIds;
  const viewOf = (id: string) => String(entry.fast.doc.nodes.find((n) => n.id === id)?.params.view ?? 'auto');
  // Layer by layer, so a slow pass keeps the page responsive, moves the bar and can be cancelled.
  const timed = async (input: TensorData, pass: number, passes: number) => {
    const started = performance.now();
    const out = await predictStepped(entry.fast.model, input, {
      signal,
      onProgress: (done, total) => req.onProgress({ phase: 'run', done: pass + done / total, total: passes }),
    });
    recordPass(entry, performance.now() - started);
    return out;
  };

  // One pass cannot tell warm from first: after a model's first pass, time one more when that was quick.
  const measureWarm = async (input: TensorData, passes: number) => {
    if (entry.passes !== 1 || (entry.firstPassMs ?? Infinity) >= 3000) return;
    await yieldToBrowser();
    checkCancel(signal);
    await timed(input, passes - 1, passes);
  };

  if (!plan.tiles) {
    req.onProgress({ phase: 'run', done: 0, total: 1 });
    const out = await timed(pixels, 0, 1);
    await measureWarm(pixels, 1);
    req.onProgress({ phase: 'run', done: 1, total: 1 });
    return {
      outputs: out.map((t, k) => ({ id: outputIds[k]!, data: t.data, h: t.shape[1]!, w: t.shape[2]!, c: t.shape[3]!, view: resolveView(viewOf(outputIds[k]!), t) })),
      passes: 1,
    };
  }

  const tiles = plan.tiles;
  const c = plan.runInput.c;
  const { h: inH, w: inW } = tiles.geometry.input;
  const results = plan.outputs.map((o) => new Float32Array(tiles.output.h * tiles.output.w * o.shape.c));
  for (const tile of tiles.tiles) {
    checkCancel(signal);
    req.onProgress({ phase: 'run', done: tile.index, total: tiles.tiles.length });
    const input: TensorData = { data: extractTile(pixels.data, tiles, tile, c), shape: [1, inH, inW, c] };
    const out = await timed(input, tile.index, tiles.tiles.length);
    out.forEach((t, k) => stitchTile(results[k]!, tiles, tile, t.data, t.shape[3]!));
    if (tiles.tiles.length === 1) await measureWarm(input, 1);
    await yieldToBrowser();
  }
  req.onProgress({ phase: 'run', done: tiles.tiles.length, total: tiles.tiles.length });
  return {
    outputs: results.map((data, k) => {
      const id = outputIds[k]!;
      const c = plan.outputs[k]!.shape.c;
      const view = resolveView(viewOf(id), { data, shape: [1, tiles.output.h, tiles.output.w, c] });
      return { id, data, h: tiles.output.h, w: tiles.output.w, c, view };
    }),
    passes: tiles.tiles.length,
  };
}

async function attempt(cache: ModelCache, req: RunRequest, backend: ActiveBackend, notes: string[]): Promise<CompletedRun> {
  const started = performance.now();
  const { plan } = req;
  req.guard?.(backend.name);
  req.onProgress({ phase: 'compile', done: 0, total: 1 });
  await yieldToBrowser();
  const { entry, compiled } = await cache.ensure(req.doc, plan.overridden ? { h: plan.runInput.h, w: plan.runInput.w } : undefined, backend.name, req.weights);
  if (entry.fast.model.inputs.length !== 1) throw new Error(`the graph has ${entry.fast.model.inputs.length} inputs; the run panel feeds one image`);
  checkCancel(req.signal);
  // Tiles are cut from the whole image at full resolution; otherwise the image is resized to the input.
  const spec = plan.tiles ? { ...plan.spec, height: req.image.height, width: req.image.width } : plan.spec;
  const pixels = imageToInput(req.image, spec);
  const { outputs, passes } = await forwardPasses(entry, req, pixels);
  const weights = req.weights.kind === 'random' ? { kind: req.weights.kind } : { kind: req.weights.kind, label: req.weights.label };
  if (entry.reinitialised.length)
    notes.push(`The graph changed since training: ${entry.reinitialised.join(', ')} ${entry.reinitialised.length === 1 ? 'has' : 'have'} fresh random weights; the other nodes keep their trained weights. Train again to fit them.`);
  const result: RunResult = {
    backend,
    outputs,
    notes,
    weights,
    timings: {
      compileMs: compiled ? entry.compileMs : undefined,
      firstPassMs: entry.firstPassMs,
      warmPassMs: median(entry.warmPassMs),
      totalMs: performance.now() - started,
      passes,
    },
  };
  return { result, plan, entry, pixels };
}

const LOST = 'The WebGL context was lost (the GPU was reset or the browser reclaimed it): switched to wasm.';

/** Runs the plan; throws RunCancelled, CompileError, WeightsError or the runtime's error for the panel to show. */
export async function runPlan(cache: ModelCache, req: RunRequest, starter: BackendStarter): Promise<CompletedRun> {
  const notes: string[] = [];
  req.onProgress({ phase: 'backend', done: 0, total: 1 });
  let backend: ActiveBackend;
  if ((req.backend === 'webgl' || req.backend === 'auto') && webglContextLost()) {
    cache.dispose();
    backend = await recoverFromLostWebgl(starter);
    notes.push(LOST);
  } else backend = await activateBackend(req.backend, starter);
  try {
    return await attempt(cache, req, backend, notes);
  } catch (err) {
    if (err instanceof RunCancelled || backend.name !== 'webgl' || !webglContextLost()) throw err;
    cache.dispose();
    const fallback = await recoverFromLostWebgl(starter);
    return attempt(cache, req, fallback, [...notes, LOST]);
  }
}
