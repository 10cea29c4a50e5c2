/**
 * The page's one connection to the runtime worker (compile, run, feature maps, training all happen there).
 * Started on first use; shared by the Run and Train tabs.
 */
import { connectRuntime, type RemoteRuntime } from '../../runtime/browser';

let connection: { runtime: RemoteRuntime; worker: Worker } | undefined;

export function runtime(): RemoteRuntime {
  if (!connection) {
    connection = connectRuntime();
    exposeToTests(connection.runtime);
  }
  return connection.runtime;
}

/** Adds the worker's read-only memory report (and a WebGL context loss for tests) to `window.__unetStudio`. */
function exposeToTests(remote: RemoteRuntime) {
  if (typeof window === 'undefined') return;
  const host = window as unknown as { __unetStudio?: object };
  host.__unetStudio = Object.assign(host.__unetStudio ?? {}, {
    memory: () => remote.memory(),
    loseWebglContext: () => remote.loseWebglContext(),
  });
}

let nextWeightsId = 1;

/** A fresh id for a weights source: the worker keeps weights by id, so runs name them instead of sending them again. */
export const newWeightsId = (): number => nextWeightsId++;
