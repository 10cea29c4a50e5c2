/**
 * The run panel's state outside React: it survives switching tabs and holds the shown result. Everything that
 * touches tfjs (compiling, running, feature maps) happens in the runtime worker; this only sends the graph,
 * the image and the weights' id, and receives progress and results.
 */
import { useSyncExternalStore } from 'react';
import type { BackendChoice, HostError, RunProgress, RunResult, Size, WeightsSource } from '../../runtime';
import { proxy } from '../../runtime/browser';
import { errorProblem, type Problem } from '../../core/problem';
import type { GraphDoc } from '../../core/types';
import { loadImageFile, loadSample, loadSampleList, type LoadedImage, type SampleEntry } from './images';
import { DEFAULT_BUDGET_BYTES, type RunPlan, type SizeMode } from './plan';
import { newWeightsId, runtime } from './runtimeClient';
import { readWeightFiles, type NamedBlob } from './weightFiles';
import { isPytorchWeightsFile, type WeightMapping } from '../../compile/import/pytorch/names';

/** What the panel shows for a failure: a title over the problems (core/problem.ts), and what to try. */
export interface PanelProblem {
  title: string;
  problems: Problem[];
  hint?: string;
}

/** A run's result as the panel shows it: what the worker returned, with the graph and plan it ran. */
export interface ShownResult extends RunResult {
  doc: GraphDoc;
  plan: RunPlan;
}

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
  weights: WeightsSource;
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
}

/** Turns a runtime failure into words for the panel: compile and weight problems list each node. */
export function describeProblem(err: HostError | unknown, fallbackTitle = 'The run failed'): PanelProblem {
  const e = err as Partial<HostError>;
  if (e && typeof e === 'object' && typeof e.kind === 'string' && Array.isArray(e.problems)) {
    if (e.kind === 'compile') return { title: 'The graph cannot be compiled', problems: e.problems };
    if (e.kind === 'weights') return { title: 'The weights do not fit this graph', problems: e.problems };
    if (e.kind === 'backend') return { title: 'The backend could not start', problems: e.problems, hint: 'Choose Auto to use the fastest backend this browser has.' };
    return { title: fallbackTitle, problems: [errorProblem('failed', e.message ?? 'unknown error')] };
  }
  return { title: fallbackTitle, problems: [errorProblem('failed', err instanceof Error ? err.message : String(err))] };
}

type Listener = () => void;

export class RunSession {
  private state: RunPanelState = {
    samples: { status: 'loading' },
    mode: 'auto',
    backend: 'auto',
    budgetBytes: DEFAULT_BUDGET_BYTES,
    weights: { kind: 'random', id: newWeightsId() },
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

  private async send(weights: WeightsSource) {
    if (this.sent.has(weights.id)) return;
    await runtime().setWeights(weights);
    this.sent.add(weights.id);
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
      this.set({ weights, weightsBusy: false });
    } catch (err) {
      this.set({ weightsBusy: false, weightsError: describeProblem(err, 'These weights cannot be loaded') });
    }
  }

  /** Use these weights for the next runs (fresh random ones, or a training session's). */
  useWeights(weights: WeightsSource): void {
    this.set({ weights, weightsError: undefined });
  }

  useRandomWeights = (): void => this.useWeights({ kind: 'random', id: newWeightsId() });

  async run(doc: GraphDoc, plan: RunPlan, revision: number): Promise<void> {
    const image = this.state.image;
    if (!image || this.state.status === 'running') return;
    this.set({ status: 'running', progress: { phase: 'backend', done: 0, total: 1 }, error: undefined });
    const weights = this.state.weights;
    try {
      await this.send(weights);
      const outcome = await runtime().run(
        { doc, plan, image: image.rgba, backend: this.state.backend, weightsId: weights.id },
        proxy((progress: RunProgress) => {
          if (this.state.status === 'running') this.set({ progress });
        }),
      );
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
  cancel = (): void => {
    void runtime().cancelRun();
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
    memory: () => runtime().memory(),
    runStatus: () => {
      const { status, result } = s.getState();
      return { status, backend: result?.backend.name, outputs: result?.outputs.map((o) => ({ id: o.id, h: o.h, w: o.w, c: o.c, view: o.view })) };
    },
    loseWebglContext: () => runtime().loseWebglContext(),
  });
}
