/**
 * The run panel's state outside React: it survives switching tabs and holds the shown result. Everything that
 * touches tfjs (compiling, running, feature maps) happens in the runtime worker; this only sends the graph,
 * the image and the weights' id, and receives progress and results.
 */
import { useSyncExternalStore } from 'react';
import type { StateDict, TfjsFiles } from '../../compile';
import type { BackendChoice, RunProgress, RunResult, Size, WeightsSource } from '../../runtime';
import { proxy } from '../../runtime/browser';
import type { GraphDoc } from '../../core/types';
import { loadImageFile, loadSample, loadSampleList, type LoadedImage, type SampleEntry } from './images';
import { DEFAULT_BUDGET_BYTES, type RunPlan, type SizeMode } from './plan';
import { describeProblem, type PanelProblem } from './problem';
import { newWeightsId, runtime } from './runtimeClient';

export { describeProblem, type PanelProblem } from './problem';
import { trainSession } from '../train/trainSession';
import { readWeightFiles, type NamedBlob } from './weightFiles';
import { isPytorchWeightsFile, type WeightMapping } from '../../compile/import/pytorch/names';


/** A run's result as the panel shows it: what the worker returned, with the graph and plan it ran. */
export interface ShownResult extends RunResult {
  doc: GraphDoc;
  plan: RunPlan;
}

/** The weights the panel runs with: loaded or random ones (held by the worker by id), or the trained ones. */
export type PanelWeights =
  | Extract<WeightsSource, { kind: 'random' }>
  | (Extract<WeightsSource, { kind: 'tfjs' | 'state-dict' }> & { trained?: string })
  | { kind: 'trained'; id: number; label: string };

export interface RunPanelState {
  samples: { status: 'loading' } | { status: 'ready'; list: SampleEntry[] } | { status: 'error'; message: string };
  image?: LoadedImage;
  /** Name of the image being decoded. */
  imageLoading?: string;
  imageError?: string;
  mode: SizeMode;
  backend: BackendChoice;
  budgetBytes: number;
  runSize?: Size;
  weights: PanelWeights;
  /** Run with the trained weights whenever there are any (until the user picks other weights). */
  preferTrained: boolean;
  weightsBusy: boolean;
  weightsError?: PanelProblem;
  /** PyTorch weights read and matched to the graph, waiting for the user to check the mapping and apply it. */
  pendingMapping?: { label: string; mapping: WeightMapping };
  status: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  progress?: RunProgress;
  error?: PanelProblem;
  result?: ShownResult;
  /** The image the result was computed from (the picker may have moved on). */
  resultImage?: LoadedImage;
  /** The document revision the result was computed from. */
  resultRevision?: number;
  /** ms from Cancel until the worker confirmed the run ended. */
  cancelAckMs?: number;
}


type Listener = () => void;

export class RunSession {
  private state: RunPanelState = {
    samples: { status: 'loading' },
    mode: 'auto',
    backend: 'auto',
    budgetBytes: DEFAULT_BUDGET_BYTES,
    weights: { kind: 'random', id: newWeightsId() },
    preferTrained: true,
    weightsBusy: false,
    status: 'idle',
  };
  private readonly listeners = new Set<Listener>();
  private imageRequest = 0;
  /** Weights ids the worker already holds. */
  private readonly sent = new Set<number>();

  constructor() {
    loadSampleList().then(
      (list) => this.set({ samples: { status: 'ready', list } }),
      (err: unknown) => this.set({ samples: { status: 'error', message: err instanceof Error ? err.message : String(err) } }),
    );
  }

  getState = (): RunPanelState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<RunPanelState>) {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }

  private async loadImage(name: string, load: () => Promise<LoadedImage>) {
    const request = ++this.imageRequest;
    this.set({ imageLoading: name, imageError: undefined });
    try {
      const image = await load();
      if (request === this.imageRequest) this.set({ image, imageLoading: undefined, runSize: undefined });
    } catch (err) {
      if (request === this.imageRequest) this.set({ imageLoading: undefined, imageError: err instanceof Error ? err.message : String(err) });
    }
  }

  selectSample(entry: SampleEntry): Promise<void> {
    return this.loadImage(entry.title, () => loadSample(entry));
  }

  openFile(file: File): Promise<void> {
    return this.loadImage(file.name, () => loadImageFile(file));
  }

  setMode = (mode: SizeMode) => this.set({ mode });
  setBackend = (backend: BackendChoice) => this.set({ backend });
  setBudget = (budgetBytes: number) => this.set({ budgetBytes });
  setRunSize = (runSize: Size | undefined) => this.set({ runSize });

  private trainedVersion = -1;

  private async send(weights: PanelWeights) {
    if (this.sent.has(weights.id) || weights.kind === 'trained') return;
    await runtime().setWeights(weights);
    this.sent.add(weights.id);
  }

  /**
   * The weights for the next run: the trained ones when there are any and the user did not pick others
   * (registered again in the worker whenever training changed them), else the panel's.
   */
  private async weightsForRun(): Promise<PanelWeights> {
    const train = trainSession().getState();
    if (!this.state.preferTrained || train.weightsVersion === 0) return this.state.weights;
    if (this.state.weights.kind === 'trained' && this.trainedVersion === train.weightsVersion) return this.state.weights;
    const id = newWeightsId();
    const outcome = await runtime().useTrainedWeights(id);
    if (!outcome.ok || !outcome.value) return this.state.weights;
    this.trainedVersion = train.weightsVersion;
    const weights: PanelWeights = { kind: 'trained', id, label: outcome.value.label };
    this.set({ weights });
    return weights;
  }

  /**
   * Reads weight files and checks them against the graph by compiling (as the next run will), so a misfit is
   * reported next to the button. Loading weights never starts a run.
   */
  async loadWeights(files: ArrayLike<NamedBlob>, doc: GraphDoc, plan: RunPlan | undefined): Promise<void> {
    const pytorch = Array.from(files).find((f) => isPytorchWeightsFile(f.name));
    if (pytorch) return this.mapPytorch(pytorch, doc);
    await this.checkAndUse(async () => ({ ...(await readWeightFiles(files)), id: newWeightsId() }) as WeightsSource, doc, plan);
  }

  /**
   * PyTorch weights (.pth / .pt / .safetensors): read and matched to the graph (by name, else forward order and
   * shape); the mapping waits in `pendingMapping` for the user to check and apply it.
   */
  private async mapPytorch(file: NamedBlob, doc: GraphDoc): Promise<void> {
    this.set({ weightsBusy: true, weightsError: undefined });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      // Loaded on first use: matching compiles the graph (tfjs, cpu) in this thread for its weight shapes.
      const { mapPytorchWeightsToGraph } = await import('../../compile/import/pytorch');
      this.set({ pendingMapping: { label: file.name, mapping: await mapPytorchWeightsToGraph(file.name, bytes, doc) }, weightsBusy: false });
    } catch (err) {
      this.set({ weightsBusy: false, weightsError: describeProblem(err, 'These weights cannot be loaded') });
    }
  }

  /** Applies the pending PyTorch mapping as the weights, checked like any others. */
  async applyMapping(doc: GraphDoc, plan: RunPlan | undefined): Promise<void> {
    const pending = this.state.pendingMapping;
    if (!pending) return;
    this.set({ pendingMapping: undefined });
    await this.checkAndUse(async () => ({ kind: 'state-dict', label: pending.label, dict: pending.mapping.dict, id: newWeightsId() }), doc, plan);
  }

  dismissMapping = () => this.set({ pendingMapping: undefined });

  private async checkAndUse(read: () => Promise<WeightsSource>, doc: GraphDoc, plan: RunPlan | undefined): Promise<void> {
    this.set({ weightsBusy: true, weightsError: undefined });
    try {
      const weights = await read();
      await this.send(weights);
      if (plan) {
        const size = plan.overridden ? { h: plan.runInput.h, w: plan.runInput.w } : undefined;
        const checked = await runtime().checkWeights(doc, size, this.state.backend, weights.id);
        if (!checked.ok) throw checked.error;
      }
      this.set({ weights, weightsBusy: false, preferTrained: false });
    } catch (err) {
      this.set({ weightsBusy: false, weightsError: describeProblem(err, 'These weights cannot be loaded') });
    }
  }

  /** Use these weights for the next runs (fresh random ones, or a training session's). */
  /** Use these weights for the next runs (e.g. the weights of a model file opened as a graph). */
  useWeights(weights: PanelWeights): void {
    this.set({ weights, weightsError: undefined, preferTrained: false });
  }

  /**
   * The weights the next run would use, as data for exports made in the page: loaded ones as they are, trained
   * ones fetched from the worker; undefined for random weights.
   */
  async currentWeights(): Promise<{ label: string; apply: { kind: 'tfjs'; files: TfjsFiles } | { kind: 'dict'; dict: StateDict } } | undefined> {
    const train = trainSession().getState();
    const weights = this.state.weights;
    if ((this.state.preferTrained && train.weightsVersion > 0) || weights.kind === 'trained') {
      const outcome = await runtime().trainedStateDict();
      if (outcome.ok && outcome.value) return { label: outcome.value.label, apply: { kind: 'dict', dict: outcome.value.dict } };
    }
    if (weights.kind === 'tfjs') return { label: weights.label, apply: { kind: 'tfjs', files: weights.files } };
    if (weights.kind === 'state-dict') return { label: weights.label, apply: { kind: 'dict', dict: weights.dict } };
    return undefined;
  }

  useRandomWeights = (): void => this.set({ weights: { kind: 'random', id: newWeightsId() }, weightsError: undefined, preferTrained: false });

  /** Back to the trained weights (the Train tab's). */
  useTrainedWeights = (): void => {
    this.trainedVersion = -1;
    this.set({ preferTrained: true });
  };

  async run(doc: GraphDoc, plan: RunPlan, revision: number): Promise<void> {
    const image = this.state.image;
    if (!image || this.state.status === 'running') return;
    this.set({ status: 'running', progress: { phase: 'backend', done: 0, total: 1 }, error: undefined, cancelAckMs: undefined });
    // A cancelled run may still be finishing its layer in the worker: start after it.
    await this.inFlight;
    const run = this.execute(doc, plan, revision, image);
    this.inFlight = run.catch(() => undefined);
    await run;
  }

  private inFlight: Promise<void> = Promise.resolve();
  private cancelledAt: number | undefined;

  private async execute(doc: GraphDoc, plan: RunPlan, revision: number, image: LoadedImage): Promise<void> {
    this.cancelledAt = undefined;
    try {
      const weights = await this.weightsForRun();
      await this.send(weights);
      const outcome = await runtime().run(
        { doc, plan, image: image.rgba, backend: this.state.backend, weightsId: weights.id, memoryLimit: { bytes: plan.memory.budgetBytes, source: 'the Run panel’s memory budget' } },
        proxy((progress: RunProgress) => {
          if (this.state.status === 'running') this.set({ progress });
        }),
      );
      if (this.cancelledAt !== undefined) {
        this.set({ cancelAckMs: performance.now() - this.cancelledAt });
        return;
      }
      if (!outcome.ok) {
        if (outcome.error.kind === 'cancelled') this.set({ status: 'cancelled', progress: undefined });
        else this.set({ status: 'error', progress: undefined, error: describeProblem(outcome.error) });
        return;
      }
      const result = outcome.value;
      const fellBack = result.backend.name === 'wasm' && this.state.backend === 'webgl';
      this.set({ status: 'done', result: { ...result, doc, plan }, resultImage: image, resultRevision: revision, progress: undefined, ...(fellBack ? { backend: 'wasm' as const } : {}) });
    } catch (err) {
      this.set({ status: 'error', progress: undefined, error: describeProblem(err) });
    }
  }

  /** Asks the worker to stop the run at its next yield between layers. */
  /** Shows "Cancelled" at once; the worker stops at its next yield between layers and the next run waits for that. */
  cancel = (): void => {
    if (this.state.status !== 'running') return;
    this.cancelledAt = performance.now();
    void runtime().cancelRun();
    this.set({ status: 'cancelled', progress: undefined });
  };
}

let session: RunSession | undefined;

/** The panel's session, created (and exposed to browser tests) on first use. */
export function runSession(): RunSession {
  if (!session) {
    session = new RunSession();
    exposeToTests(session);
  }
  return session;
}

export function useRunSession(): [RunPanelState, RunSession] {
  const s = runSession();
  return [useSyncExternalStore(s.subscribe, s.getState, s.getState), s];
}

/** Adds read-only run helpers to the editor's `window.__unetStudio` debug hook. */
function exposeToTests(s: RunSession) {
  if (typeof window === 'undefined') return;
  const host = window as unknown as { __unetStudio?: object };
  host.__unetStudio = Object.assign(host.__unetStudio ?? {}, {
    runStatus: () => {
      const { status, result, cancelAckMs } = s.getState();
      return { status, cancelAckMs, backend: result?.backend.name, outputs: result?.outputs.map((o) => ({ id: o.id, h: o.h, w: o.w, c: o.c, view: o.view })) };
    },
  });
}
