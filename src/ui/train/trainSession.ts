/**
 * The Train tab's state outside React (training goes on while other tabs are shown): settings, the data, the
 * history for the charts, and the link to the runtime worker where training runs. Checkpoints are written
 * by the worker; on start-up the latest one is restored, so a reload continues where it left off.
 */
import { useSyncExternalStore } from 'react';
import type { GraphDoc } from '../../core/types';
import {
  type BackendChoice,
  type CheckpointInfo,
  DEFAULT_TRAIN_OPTIONS,
  type LossName,
  type OptimizerName,
  type ProgressData,
  type RgbaImage,
  type SampleSetName,
  type StartInfo,
  trainedLabel,
  type TrainEvent,
  type ValidationData,
} from '../../runtime';
import { proxy } from '../../runtime/browser';
import { runtime } from '../run/runtimeClient';
import { describeProblem, type PanelProblem } from '../run/problem';

export interface TrainSettings {
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  /** Input patch side; 0 = automatic. */
  patch: number;
  steps: number;
  validateEvery: number;
  seed: number;
  flips: boolean;
  rotations: boolean;
  checkpointEverySec: number;
  backend: BackendChoice;
}

export type DataChoice = { kind: 'samples'; set: SampleSetName } | { kind: 'files' };

export interface UserPair {
  name: string;
  image: RgbaImage;
  mask: RgbaImage;
}

export interface History {
  steps: number[];
  loss: number[];
  valSteps: number[];
  valLoss: number[];
  dice: number[];
  iou: number[];
}

export type TrainStatus = 'idle' | 'preparing' | 'running' | 'paused' | 'stopping' | 'stopped' | 'done' | 'error';

export interface TrainPanelState {
  status: TrainStatus;
  settings: TrainSettings;
  data: DataChoice;
  pairs: UserPair[];
  unpaired: string[];
  dataError?: string;
  start?: StartInfo;
  progress?: ProgressData;
  lastVal?: ValidationData;
  history: History;
  /** Latest checkpoint (saved or restored) and best-by-validation checkpoint. */
  checkpoint?: CheckpointInfo;
  best?: CheckpointInfo;
  /** Why the last checkpoint could not be saved (storage full…); cleared by the next one that is. */
  checkpointError?: string;
  /** A checkpoint restored after a reload (shown until training starts again). */
  restored?: CheckpointInfo;
  error?: PanelProblem;
  /** Bumped whenever the trained weights change: the run panel re-registers them when it differs. */
  weightsVersion: number;
  /** ms from the Stop click until the worker confirmed the end. */
  stopAckMs?: number;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  loss: DEFAULT_TRAIN_OPTIONS.loss,
  optimizer: DEFAULT_TRAIN_OPTIONS.optimizer,
  lr: DEFAULT_TRAIN_OPTIONS.lr,
  batch: DEFAULT_TRAIN_OPTIONS.batch,
  patch: 0,
  steps: 300,
  validateEvery: 25,
  seed: DEFAULT_TRAIN_OPTIONS.seed,
  flips: true,
  rotations: true,
  checkpointEverySec: 30,
  backend: 'auto',
};

const emptyHistory = (): History => ({ steps: [], loss: [], valSteps: [], valLoss: [], dice: [], iou: [] });

type Listener = () => void;

export class TrainSession {
  private state: TrainPanelState = {
    status: 'idle',
    settings: DEFAULT_SETTINGS,
    data: { kind: 'samples', set: 'membranes' },
    pairs: [],
    unpaired: [],
    history: emptyHistory(),
    weightsVersion: 0,
  };
  private readonly listeners = new Set<Listener>();
  private stopClickedAt: number | undefined;
  /** Progress arrives per step; the panel repaints at most every animation frame. */
  private pending: Partial<TrainPanelState> | undefined;

  getState = (): TrainPanelState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<TrainPanelState>) {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }

  /** Coalesces step updates into one state change per frame. */
  private setSoon(patch: Partial<TrainPanelState>) {
    const first = !this.pending;
    this.pending = { ...this.pending, ...patch };
    if (!first) return;
    const flush = () => {
      const p = this.pending;
      this.pending = undefined;
      if (p) this.set(p);
    };
    if (typeof requestAnimationFrame === 'function' && !document.hidden) requestAnimationFrame(flush);
    else setTimeout(flush, 0);
  }

  setSettings = (patch: Partial<TrainSettings>) => this.set({ settings: { ...this.state.settings, ...patch } });
  setData = (data: DataChoice) => this.set({ data, dataError: undefined });
  setPairs = (pairs: UserPair[], unpaired: string[], dataError?: string) => this.set({ pairs, unpaired, dataError, data: { kind: 'files' } });

  /** After a reload: the worker takes the latest checkpoint as the trained weights. */
  async restore(): Promise<void> {
    const outcome = await runtime().restoreCheckpoint();
    if (!outcome.ok || !outcome.value) return;
    const { info } = outcome.value;
    this.set({ restored: info, checkpoint: info, status: 'stopped', weightsVersion: this.state.weightsVersion + 1 });
  }

  private onEvent = (e: TrainEvent) => {
    if (e.type === 'started') {
      this.set({ start: e.info, status: this.state.status === 'preparing' ? 'running' : this.state.status });
      return;
    }
    if (e.type === 'checkpoint') {
      this.setSoon(e.info.slot === 'best' ? { best: e.info, checkpointError: undefined } : { checkpoint: e.info, checkpointError: undefined });
      return;
    }
    if (e.type === 'checkpoint-failed') {
      this.setSoon({ checkpointError: e.message });
      return;
    }
    const p = e.progress;
    const h = this.state.history;
    const history: History = {
      steps: [...h.steps, p.step],
      loss: [...h.loss, p.loss],
      valSteps: p.val ? [...h.valSteps, p.step] : h.valSteps,
      valLoss: p.val ? [...h.valLoss, p.val.loss] : h.valLoss,
      dice: p.val ? [...h.dice, p.val.dice] : h.dice,
      iou: p.val ? [...h.iou, p.val.iou] : h.iou,
    };
    // Keep the arrays current even between frames: the next event builds on them.
    this.state = { ...this.state, history };
    this.setSoon({ progress: p, history, ...(p.val ? { lastVal: p.val } : {}), weightsVersion: this.state.weightsVersion + 1 });
  };

  async start(doc: GraphDoc, continueTraining: boolean): Promise<void> {
    if (['preparing', 'running', 'paused', 'stopping'].includes(this.state.status)) return;
    const { settings: s, data, pairs } = this.state;
    if (data.kind === 'files' && pairs.length === 0) {
      this.set({ dataError: 'Add image + mask pairs first (or use the bundled samples).' });
      return;
    }
    this.stopClickedAt = undefined;
    this.set({ status: 'preparing', error: undefined, start: undefined, progress: undefined, lastVal: undefined, history: emptyHistory(), restored: undefined, stopAckMs: undefined });
    const outcome = await runtime().startTraining(
      {
        doc,
        data: data.kind === 'samples' ? { kind: 'samples', set: data.set, count: 10 } : { kind: 'pairs', pairs },
        options: {
          ...DEFAULT_TRAIN_OPTIONS,
          loss: s.loss,
          optimizer: s.optimizer,
          lr: s.lr,
          batch: s.batch,
          patch: s.patch > 0 ? s.patch : undefined,
          seed: s.seed,
          augment: { flips: s.flips, rotations: s.rotations },
        },
        steps: s.steps,
        validateEvery: s.validateEvery,
        continueTraining,
        checkpointEveryMs: s.checkpointEverySec * 1000,
      },
      s.backend,
      proxy(this.onEvent),
    );
    const flushed = this.pending;
    this.pending = undefined;
    const stopAckMs = this.stopClickedAt === undefined ? undefined : performance.now() - this.stopClickedAt;
    if (!outcome.ok) {
      this.set({ ...flushed, status: 'error', error: describeProblem(outcome.error, 'Training failed'), stopAckMs });
      return;
    }
    this.set({ ...flushed, status: outcome.value.state, stopAckMs, weightsVersion: this.state.weightsVersion + 1 });
  }

  pause = (): void => {
    if (this.state.status !== 'running') return;
    void runtime().pauseTraining();
    this.set({ status: 'paused' });
  };

  resume = (): void => {
    if (this.state.status !== 'paused') return;
    void runtime().resumeTraining();
    this.set({ status: 'running' });
  };

  /** The panel shows "stopping" at once; the worker ends after the step in progress and keeps its weights. */
  stop = (): void => {
    if (this.state.status !== 'running' && this.state.status !== 'paused' && this.state.status !== 'preparing') return;
    this.stopClickedAt = performance.now();
    void runtime().stopTraining();
    this.set({ status: 'stopping' });
  };

  /** What the run panel says about the trained weights, or undefined when nothing is trained. */
  trainedSummary(): string | undefined {
    const { checkpoint, progress, start, status } = this.state;
    if (status === 'running' || status === 'paused' || status === 'stopping')
      return progress ? `training · step ${(start?.priorSteps ?? 0) + progress.step}` : undefined;
    return checkpoint ? trainedLabel(checkpoint) : undefined;
  }
}

let session: TrainSession | undefined;

export function trainSession(): TrainSession {
  if (!session) {
    session = new TrainSession();
    void session.restore();
    exposeToTests(session);
  }
  return session;
}

export function useTrainSession(): [TrainPanelState, TrainSession] {
  const s = trainSession();
  return [useSyncExternalStore(s.subscribe, s.getState, s.getState), s];
}

function exposeToTests(s: TrainSession) {
  if (typeof window === 'undefined') return;
  const host = window as unknown as { __unetStudio?: object };
  host.__unetStudio = Object.assign(host.__unetStudio ?? {}, {
    trainStatus: () => {
      const { status, progress, lastVal, checkpoint, best, stopAckMs, start, restored } = s.getState();
      return { status, step: progress?.step, loss: progress?.loss, dice: lastVal?.dice, checkpoint, best, stopAckMs, start, restored };
    },
  });
}
