/**
 * A training session inside the runtime host: builds the data, runs the shared training loop with Pause /
 * Stop between steps, reports progress as plain data, saves checkpoints (latest every interval, best by
 * validation Dice) and keeps the trained weights for the run panel and for exports once it ends.
 */
import type { CarryReport, StateDict } from '../../compile';
import type { GraphDoc } from '../../core/types';
import type { RgbaImage } from '../image';
import { inputSpecFromParams } from '../image';
import type { MemoryLimit } from '../memoryGuard';
import { type Evaluation, labelClassesOf, labelledImage, patchGeometry, type PatchGeometry, sampleSet, type SampleSetName, Trainer, trainLoop, type TrainOptions, type TrainProgress } from '../train';
import type { CheckpointInfo, CheckpointStore } from './checkpoints';
import { guardTraining } from './memory';
import { graphKey } from './models';

export type TrainData =
  | { kind: 'samples'; set: SampleSetName; count: number }
  | { kind: 'pairs'; pairs: { name: string; image: RgbaImage; mask: RgbaImage }[] };

export interface TrainRequest {
  doc: GraphDoc;
  data: TrainData;
  options: TrainOptions;
  /** Steps of this session. */
  steps: number;
  validateEvery: number;
  /** Go on from the weights trained so far (this graph's, node by node), or start from seeded random ones. */
  continueTraining: boolean;
  /** Save the latest weights at least this often (default 30 s). */
  checkpointEveryMs: number;
  /** The page's own memory limit; else the host's. */
  memoryLimit?: MemoryLimit;
}

export interface StartInfo {
  geometry: PatchGeometry;
  classes: number;
  headActivation: string;
  params: number;
  split: string;
  images: number;
  carried?: CarryReport;
  /** Steps and time of the training the weights already had (0 for fresh weights). */
  priorSteps: number;
  priorElapsedMs: number;
}

/** A validation pass as the worker posts it (plain data: numbers and typed arrays). */
export type ValidationData = Evaluation;

/** One step's progress as the worker posts it: the training loop's own report. */
export type ProgressData = TrainProgress;

export type TrainEvent =
  | { type: 'started'; info: StartInfo }
  | { type: 'progress'; progress: ProgressData }
  | { type: 'checkpoint'; info: CheckpointInfo }
  /** Saving a checkpoint failed (e.g. storage full); training goes on. */
  | { type: 'checkpoint-failed'; message: string };

export interface TrainSummary {
  state: 'done' | 'stopped';
  steps: number;
  elapsedMs: number;
  val?: ValidationData;
}

/** The weights training produced, with what the panel says about them. */
export interface TrainedWeights {
  doc: GraphDoc;
  dict: StateDict;
  info: CheckpointInfo;
}

export class TrainingSession {
  private readonly stop = new AbortController();
  private paused: { promise: Promise<void>; resolve: () => void } | undefined;
  trainer: Trainer | undefined;

  constructor(
    private readonly req: TrainRequest,
    private readonly store: CheckpointStore | undefined,
    private readonly prior: TrainedWeights | undefined,
  ) {}

  pause(): void {
    if (this.paused || this.stop.signal.aborted) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.paused = { promise, resolve };
  }

  resume(): void {
    this.paused?.resolve();
    this.paused = undefined;
  }

  /** Ends the session after the step in progress (the weights keep that step). */
  end(): void {
    this.stop.abort();
    this.resume();
  }

  get isPaused(): boolean {
    return !!this.paused;
  }

  private images() {
    const { doc, data } = this.req;
    const input = doc.nodes.find((n) => n.op === 'input');
    if (!input) throw new Error('the graph has no input node');
    const spec = inputSpecFromParams(input.params);
    const classes = labelClassesOf(doc);
    const pairs = data.kind === 'samples' ? sampleSet(data.set, data.count) : data.pairs;
    if (pairs.length === 0) throw new Error('no training images: add image + mask pairs or use the bundled samples');
    return pairs.map((p) => labelledImage(p.name, p.image, p.mask, spec, classes));
  }

  /**
   * Runs the session to its end; `onEvent` gets the start, every step and every checkpoint. With `memory`, a
   * session whose training step would need more than the limit is refused (MemoryRefused) before any tensor exists.
   */
  async run(onEvent: (e: TrainEvent) => void, memory?: { limit: MemoryLimit; backend: string }): Promise<{ summary: TrainSummary; trained: TrainedWeights }> {
    const { doc, options, steps, validateEvery, checkpointEveryMs, continueTraining } = this.req;
    if (memory) guardTraining(doc, patchGeometry(doc, options.patch).input, options.batch, options.optimizer, memory.limit, memory.backend);
    const images = this.images();
    const prior = continueTraining ? this.prior : undefined;
    const sameGraph = !!prior && graphKey(prior.doc) === graphKey(doc);
    const trainer = (this.trainer = await Trainer.create(doc, images, options, prior?.dict));
    const priorSteps = sameGraph ? prior!.info.steps : 0;
    const priorElapsedMs = sameGraph ? prior!.info.elapsedMs : 0;
    onEvent({
      type: 'started',
      info: {
        geometry: trainer.geometry,
        classes: trainer.head.classes,
        headActivation: trainer.head.activation,
        params: trainer.compiled.model.countParams(),
        split: trainer.split.description,
        images: images.length,
        carried: trainer.carried,
        priorSteps,
        priorElapsedMs,
      },
    });
    let best = sameGraph ? (prior!.info.valDice ?? -1) : -1;
    let lastSaved = performance.now();
    let last: { elapsedMs: number; val?: Evaluation } = { elapsedMs: 0 };
    let lastVal: Evaluation | undefined;
    const info = (slot: CheckpointInfo['slot'], elapsedMs: number, val?: Evaluation): CheckpointInfo => ({
      slot,
      graphKey: graphKey(doc),
      graphName: doc.name,
      steps: priorSteps + trainer.steps,
      elapsedMs: priorElapsedMs + elapsedMs,
      valDice: val?.dice,
      valIou: val?.iou,
      savedAt: Date.now(),
      options,
      targetSteps: steps,
    });
    const save = async (slot: CheckpointInfo['slot'], elapsedMs: number, val?: Evaluation) => {
      if (!this.store) return;
      const i = info(slot, elapsedMs, val);
      try {
        await this.store.save({ info: i, doc, weights: await trainer.weights() });
        onEvent({ type: 'checkpoint', info: i });
      } catch (err) {
        onEvent({ type: 'checkpoint-failed', message: `the ${slot} checkpoint could not be saved (${err instanceof Error ? err.message : String(err)}); training goes on, but a reload would lose it` });
      }
    };
    try {
      await trainLoop(trainer, {
        steps,
        validateEvery,
        signal: this.stop.signal,
        whenRunning: async () => {
          while (this.paused) await this.paused.promise;
        },
        onProgress: async (p) => {
          last = p;
          if (p.val) lastVal = p.val;
          onEvent({ type: 'progress', progress: { step: p.step, steps: p.steps, loss: p.loss, msPerStep: p.msPerStep, etaMs: p.etaMs, elapsedMs: p.elapsedMs, val: p.val } });
          if (p.val && p.val.dice > best) {
            best = p.val.dice;
            await save('best', p.elapsedMs, p.val);
          }
          if (performance.now() - lastSaved >= checkpointEveryMs) {
            lastSaved = performance.now();
            await save('latest', p.elapsedMs, lastVal);
          }
        },
      });
      const trained: TrainedWeights = { doc, dict: await trainer.weights(), info: info('latest', last.elapsedMs, lastVal) };
      await save('latest', last.elapsedMs, lastVal);
      const summary: TrainSummary = { state: this.stop.signal.aborted ? 'stopped' : 'done', steps: trainer.steps, elapsedMs: last.elapsedMs, val: lastVal };
      return { summary, trained };
    } finally {
      this.trainer = undefined;
      trainer.dispose();
    }
  }
}
