import * as tf from '@tensorflow/tfjs';
import { registerTrainingGradients } from './kernels';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it was skipped or failed. */
  reason?: string;
}

export interface BackendSelection {
  backend: BackendName;
  /** Every candidate tried, in order, so a UI can say why it is not on the GPU. */
  attempts: BackendAttempt[];
}

/**
 * A candidate backend: `prepare` registers / configures it and returns a reason to skip it (e.g. "no WebGPU
 * adapter"), or nothing when it is worth trying.
 */
export interface BackendCandidate {
  name: BackendName;
  prepare: () => Promise<string | undefined>;
}

/** Renderers that run WebGL on the CPU, where tfjs' webgl backend is slower than wasm. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|mesa offscreen/i;

export const isSoftwareRenderer = (renderer: string): boolean => SOFTWARE_RENDERER.test(renderer);

/** No candidate backend started; `attempts` says why each did not, in the order tried. */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
  readonly attempts: BackendAttempt[];

  constructor(attempts: BackendAttempt[]) {
    super(`no tfjs backend could start: ${attempts.map((a) => `${a.name} (${a.reason})`).join('; ')}`);
    this.attempts = attempts;
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Activates the first candidate that prepares and initialises; throws a BackendUnavailableError when none does. */
export async function activateFirst(candidates: BackendCandidate[]): Promise<BackendSelection> {
  registerTrainingGradients(); // gradient fixes every backend needs (MirrorPad, DepthToSpace, resize, dilated conv)
  const attempts: BackendAttempt[] = [];
  for (const { name, prepare } of candidates) {
    try {
      const skip = await prepare();
      if (skip) {
        attempts.push({ name, ok: false, reason: skip });
        continue;
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        attempts.push({ name, ok: true });
        return { backend: name, attempts };
      }
      attempts.push({ name, ok: false, reason: 'failed to initialise' });
    } catch (err) {
      attempts.push({ name, ok: false, reason: message(err) });
    }
  }
  throw new BackendUnavailableError(attempts);
}

/** The candidates for a choice: the named one alone, or all of `order` for 'auto'. */
export function candidatesFor(
  choice: BackendChoice,
  order: readonly BackendName[],
  prepare: Record<BackendName, BackendCandidate['prepare']>,
): BackendCandidate[] {
  if (choice !== 'auto' && !order.includes(choice))
    throw new Error(`backend "${choice}" is not available here (choose ${['auto', ...order].join(', ')})`);
  return (choice === 'auto' ? order : [choice]).map((name) => ({ name, prepare: prepare[name] }));
}
