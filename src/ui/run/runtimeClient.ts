/**
 * The page's one connection to the runtime worker (compile, run, feature maps, training all happen there).
 * Started on first use; shared by the Run and Train tabs.
 */
import { connectRuntime, type RemoteRuntime } from '../../runtime/browser';

let connection: { runtime: RemoteRuntime; worker: Worker } | undefined;

export function runtime(): RemoteRuntime {
  connection ??= connectRuntime();
  return connection.runtime;
}

let nextWeightsId = 1;

/** A fresh id for a weights source: the worker keeps weights by id, so runs name them instead of sending them again. */
export const newWeightsId = (): number => nextWeightsId++;
