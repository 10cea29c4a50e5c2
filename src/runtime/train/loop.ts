/**
 * The training loop both hosts run: steps with the event loop given back in between (so a worker can take a
 * Pause / Stop message and a CLI can print), validation every so often, and progress with time per step and
 * the remaining time. Paused time counts neither in the step time nor in the estimate.
 */
import type { Evaluation, Trainer } from './trainer';

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  /** Mean wall time of the recent steps. */
  msPerStep: number;
  etaMs: number;
  /** Training time so far (pauses excluded). */
  elapsedMs: number;
  /** Set on the steps that were followed by a validation. */
  val?: Evaluation;
}

export interface LoopOptions {
  /** Total steps of this run (the trainer may already have taken some: it continues from `trainer.steps`). */
  steps: number;
  /** Validate every this many steps, and after the last. */
  validateEvery: number;
  onProgress?(p: TrainProgress): void | Promise<void>;
  /** Checked between steps; an aborted signal ends the loop (the weights stay as they are). */
  signal?: AbortSignal;
  /** Resolves when training may go on (a paused session keeps it pending). */
  whenRunning?(): Promise<void>;
  /** Gives the host's event loop a turn between steps (default: a macrotask). */
  yieldBetweenSteps?(): Promise<void>;
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Runs steps until `steps` are done or the signal aborts; returns the last validation, if any. */
export async function trainLoop(trainer: Trainer, options: LoopOptions): Promise<Evaluation | undefined> {
  const { steps, validateEvery, onProgress, signal, whenRunning, yieldBetweenSteps = macrotask } = options;
  const recent: number[] = [];
  let elapsedMs = 0;
  let last: Evaluation | undefined;
  while (trainer.steps < steps && !signal?.aborted) {
    await whenRunning?.();
    if (signal?.aborted) break;
    const started = performance.now();
    const loss = await trainer.step();
    const stepMs = performance.now() - started;
    recent.push(stepMs);
    if (recent.length > 20) recent.shift();
    let val: Evaluation | undefined;
    if (trainer.steps % validateEvery === 0 || trainer.steps === steps) val = last = await trainer.evaluate();
    elapsedMs += performance.now() - started;
    const msPerStep = recent.reduce((a, b) => a + b, 0) / recent.length;
    await onProgress?.({ step: trainer.steps, steps, loss, msPerStep, etaMs: msPerStep * (steps - trainer.steps), elapsedMs, val });
    await yieldBetweenSteps();
  }
  return last;
}
