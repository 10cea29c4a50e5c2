/**
 * The run panel's state outside React: it survives switching tabs, owns the compiled models (one entry at a
 * time, disposed when replaced) and the current run. Components read it with `useRunSession`.
 */
import * as tf from '@tensorflow/tfjs';
import { useSyncExternalStore } from 'react';
import type { BackendChoice, Size } from '../../runtime';
import { CompileError, WeightsError } from '../../compile';
import type { GraphDoc } from '../../core/types';
import { activateBackend, loseWebglContext } from './backend';
import { loadImageFile, loadSample, loadSampleList, type LoadedImage, type SampleEntry } from './images';
import { ModelCache, type WeightsSource } from './models';
import { DEFAULT_BUDGET_BYTES, type RunPlan, type SizeMode } from './plan';
import { RunCancelled, runPlan, type RunProgress, type RunResult } from './runner';
import { readWeightFiles, type NamedBlob } from './weightFiles';

export interface Problem {
  title: string;
  details: string[];
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
  weightsError?: Problem;
  status: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  progress?: RunProgress;
  error?: Problem;
  result?: RunResult;
  /** The image the result was computed from (the picker may have moved on). */
  resultImage?: LoadedImage;
  /** The document revision the result was computed from. */
  resultRevision?: number;
}

/** Turns any failure into words for the panel: compile and weight problems list each node. */
export function describeProblem(err: unknown, fallbackTitle = 'The run failed'): Problem {
  if (err instanceof CompileError) return { title: 'The graph cannot be compiled', details: err.problems.map((p) => (p.nodeId && !p.message.startsWith(p.nodeId) ? `${p.nodeId}: ${p.message}` : p.message)) };
  if (err instanceof WeightsError) return { title: 'The weights do not fit this graph', details: err.problems.slice(0, 12).concat(err.problems.length > 12 ? [`… and ${err.problems.length - 12} more`] : []) };
  const message = err instanceof Error ? err.message : String(err);
  const backends = /^no tfjs backend could start: (.*)$/.exec(message);
  if (backends) return { title: 'The backend could not start', details: [...backends[1]!.split('; '), 'Choose Auto to use the fastest backend this browser has.'] };
  return { title: fallbackTitle, details: [message] };
}

type Listener = () => void;

export class RunSession {
  private state: RunPanelState = {
    samples: { status: 'loading' },
    mode: 'auto',
    backend: 'auto',
    budgetBytes: DEFAULT_BUDGET_BYTES,
    weights: { kind: 'random' },
    weightsBusy: false,
    status: 'idle',
  };
  private readonly listeners = new Set<Listener>();
  readonly cache = new ModelCache();
  private abort: AbortController | undefined;
  private imageRequest = 0;

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

  /** Reads weight files, checks them against the graph by compiling, then re-runs when a result is shown. */
  async loadWeights(files: ArrayLike<NamedBlob>, doc: GraphDoc, plan: RunPlan | undefined, revision: number): Promise<void> {
    this.set({ weightsBusy: true, weightsError: undefined });
    try {
      const weights = await readWeightFiles(files);
      if (plan) {
        // Check the fit now (compiling, as the next run will) so a misfit is reported next to the button.
        const size = plan.overridden ? { h: plan.runInput.h, w: plan.runInput.w } : undefined;
        const backend = await activateBackend(this.state.backend);
        await this.cache.ensure(doc, size, backend.name, weights);
      }
      this.set({ weights, weightsBusy: false });
      if (this.state.result && plan) await this.run(doc, plan, revision);
    } catch (err) {
      this.set({ weightsBusy: false, weightsError: describeProblem(err, 'These weights cannot be loaded') });
    }
  }

  async useRandomWeights(doc?: GraphDoc, plan?: RunPlan, revision?: number): Promise<void> {
    this.set({ weights: { kind: 'random' }, weightsError: undefined });
    if (this.state.result && doc && plan && revision !== undefined) await this.run(doc, plan, revision);
  }

  async run(doc: GraphDoc, plan: RunPlan, revision: number): Promise<void> {
    const image = this.state.image;
    if (!image || this.state.status === 'running') return;
    const abort = new AbortController();
    this.abort = abort;
    this.set({ status: 'running', progress: { phase: 'backend', done: 0, total: 1 }, error: undefined });
    try {
      const result = await runPlan(this.cache, {
        doc,
        plan,
        image: image.rgba,
        backend: this.state.backend,
        weights: this.state.weights,
        signal: abort.signal,
        onProgress: (progress) => this.set({ progress }),
      });
      const fellBack = result.backend.name === 'wasm' && this.state.backend === 'webgl';
      this.set({ status: 'done', result, resultImage: image, resultRevision: revision, progress: undefined, ...(fellBack ? { backend: 'wasm' as const } : {}) });
    } catch (err) {
      if (err instanceof RunCancelled) this.set({ status: 'cancelled', progress: undefined });
      else this.set({ status: 'error', progress: undefined, error: describeProblem(err) });
    } finally {
      if (this.abort === abort) this.abort = undefined;
    }
  }

  cancel = () => this.abort?.abort(new RunCancelled());

  /** What browser tests read: tfjs memory, and how many tensors the cached models hold. */
  memory() {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend(), modelTensors: this.cache.heldTensors() };
  }
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
    memory: () => s.memory(),
    runStatus: () => {
      const { status, result } = s.getState();
      return { status, backend: result?.backend.name, outputs: result?.outputs.map((o) => ({ id: o.id, h: o.h, w: o.w, c: o.c, view: o.view })) };
    },
    loseWebglContext,
  });
}
