/**
 * The editor's runtime: running (RuntimeHost) plus training sessions, their checkpoints and the trained
 * weights that the run panel and the exports use. One instance lives in the browser's runtime worker.
 */
import * as tf from '@tensorflow/tfjs';
import { compileGraph, loadWeights, type StateDict, stateDictToJson, toTfjsFiles, type TfjsFiles } from '../../compile';
import type { GraphDoc } from '../../core/types';
import type { BackendChoice } from '../backends';
import { weightsNeed } from '../memoryGuard';
import { activateBackend } from './backend';
import type { CheckpointInfo, CheckpointStore } from './checkpoints';
import { type HostOptions, hostError, type Outcome, RuntimeHost } from './host';
import { guardMemory } from './memory';
import { graphKey } from './models';
import { type TrainedWeights, type TrainEvent, type TrainRequest, TrainingSession, type TrainSummary } from './training';

export interface EditorRuntimeOptions extends HostOptions {
  checkpoints?: CheckpointStore;
}

/** "trained 3 min, val Dice 0.93" (or "trained 40 s" before the first validation). */
export function trainedLabel(info: Pick<CheckpointInfo, 'elapsedMs' | 'valDice' | 'steps'>): string {
  const s = Math.round(info.elapsedMs / 1000);
  const time = s < 60 ? `${s} s` : s < 3600 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
  return `trained ${time}${info.valDice === undefined ? '' : `, val Dice ${info.valDice.toFixed(2)}`}`;
}

export type ExportedWeights = { format: 'tfjs'; files: TfjsFiles } | { format: 'state-dict'; json: string };

export class EditorRuntime extends RuntimeHost {
  private session: TrainingSession | undefined;
  private trained: TrainedWeights | undefined;

  constructor(private readonly editorOptions: EditorRuntimeOptions) {
    super(editorOptions);
  }

  /** Trains until the steps are done or Stop; events stream through `onEvent` (a comlink proxy in the browser). */
  async startTraining(req: TrainRequest, backend: BackendChoice, onEvent: (e: TrainEvent) => void): Promise<Outcome<TrainSummary>> {
    if (this.session) return { ok: false, error: { kind: 'failed', message: 'training is already running', problems: [] } };
    const session = (this.session = new TrainingSession(req, this.editorOptions.checkpoints, this.trained));
    try {
      const active = await activateBackend(backend, this.options.backends);
      const { summary, trained } = await session.run(onEvent, { limit: this.memoryLimit(req.memoryLimit), backend: active.name });
      this.trained = trained;
      return { ok: true, value: summary };
    } catch (err) {
      return { ok: false, error: hostError(err) };
    } finally {
      this.session = undefined;
    }
  }

  pauseTraining(): void {
    this.session?.pause();
  }

  resumeTraining(): void {
    this.session?.resume();
  }

  /** Ends training after the step in progress; its weights are kept as the trained weights. */
  stopTraining(): void {
    this.session?.end();
  }

  trainingState(): 'idle' | 'running' | 'paused' {
    return !this.session ? 'idle' : this.session.isPaused ? 'paused' : 'running';
  }

  /** After a reload: takes the latest checkpoint as the trained weights; says what it holds (nothing when none). */
  async restoreCheckpoint(): Promise<Outcome<{ info: CheckpointInfo; doc: GraphDoc } | null>> {
    try {
      const c = await this.editorOptions.checkpoints?.load('latest');
      if (!c) return { ok: true, value: null };
      this.trained = { doc: c.doc, dict: c.weights, info: c.info };
      return { ok: true, value: { info: c.info, doc: c.doc } };
    } catch (err) {
      return { ok: false, error: hostError(err) };
    }
  }

  async forgetTraining(): Promise<void> {
    this.trained = undefined;
    await this.editorOptions.checkpoints?.clear();
  }

  /** The weights trained so far (live from a running session), registered under `id` for runs. */
  async useTrainedWeights(id: number): Promise<Outcome<{ label: string; info: CheckpointInfo; sameGraphKey: string } | null>> {
    try {
      const live = this.session?.trainer;
      const dict = live ? await live.weights() : this.trained?.dict;
      const info = this.trained?.info;
      if (!dict) return { ok: true, value: null };
      const label = live ? `training · step ${live.steps}` : trainedLabel(info!);
      this.setWeights({ kind: 'trained', id, label, dict });
      return { ok: true, value: info ? { label, info, sameGraphKey: info.graphKey } : null };
    } catch (err) {
      return { ok: false, error: hostError(err) };
    }
  }

  /** The trained weights themselves (live from a running session), e.g. for an export made in the page. */
  async trainedStateDict(): Promise<Outcome<{ dict: StateDict; label: string; doc: GraphDoc } | null>> {
    try {
      const live = this.session?.trainer;
      if (live) return { ok: true, value: { dict: await live.weights(), label: `training · step ${live.steps}`, doc: live.doc } };
      const t = this.trained;
      if (!t) return { ok: true, value: null };
      // Structured clone gives the page its own copy; the host keeps these.
      return { ok: true, value: { dict: t.dict, label: trainedLabel(t.info), doc: t.doc } };
    } catch (err) {
      return { ok: false, error: hostError(err) };
    }
  }

  /** The trained weights for a download: tfjs (model.json + weights.bin at the graph's own size) or a state dict. */
  async exportTrained(doc: GraphDoc, format: 'tfjs' | 'state-dict'): Promise<Outcome<ExportedWeights>> {
    try {
      const trained = this.trained;
      if (!trained) throw new Error('nothing trained yet');
      if (graphKey(trained.doc) !== graphKey(doc)) throw new Error('the graph changed since training: train again (or undo the change) to export weights that fit it');
      if (format === 'state-dict') return { ok: true, value: { format, json: JSON.stringify(stateDictToJson(trained.dict)) } };
      guardMemory(doc, undefined, weightsNeed, this.memoryLimit(), tf.getBackend());
      const compiled = compileGraph(doc);
      try {
        loadWeights(compiled, trained.dict, { strict: true });
        compiled.model.setUserDefinedMetadata({ unetStudio: { trained: { steps: trained.info.steps, elapsedMs: trained.info.elapsedMs, valDice: trained.info.valDice, valIou: trained.info.valIou } } });
        const files = await toTfjsFiles(compiled.model);
        return { ok: true, value: this.transfer({ format, files }, [files.weights.buffer]) };
      } finally {
        compiled.model.dispose();
      }
    } catch (err) {
      return { ok: false, error: hostError(err) };
    }
  }
}
