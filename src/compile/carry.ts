import type { CompiledGraph } from './compile';
import type { StateDict } from './stateDict';
import { boundWeights, exportWeights, loadWeights } from './weights';

export interface CarryReport {
  /** Nodes whose every weight came over from the old weights (same node id, same shapes). */
  kept: string[];
  /** Nodes with weights that start fresh (new nodes, or a changed shape), in graph order. */
  reinitialised: string[];
}

/**
 * Takes over the weights of unchanged nodes after a graph edit: a node keeps its weights when the old state
 * dict has all of them under its id with the shapes it needs now; every other node keeps the fresh
 * initialisation the compiler gave it.
 */
export async function carryWeights(compiled: CompiledGraph, old: StateDict): Promise<CarryReport> {
  const byNode = new Map<string, { torch: string; shape: number[] }[]>();
  for (const b of boundWeights(compiled)) byNode.set(b.nodeId, [...(byNode.get(b.nodeId) ?? []), { torch: b.spec.torch, shape: b.torchShape }]);
  const kept: string[] = [];
  const reinitialised: string[] = [];
  // The fresh weights of the model, with the kept nodes' entries replaced: one complete, checked load.
  const merged: StateDict = await exportWeights(compiled);
  for (const [nodeId, wanted] of byNode) {
    const entries = old[nodeId];
    const fits = !!entries && wanted.every(({ torch, shape }) => entries[torch]?.shape.join() === shape.join());
    if (fits) {
      merged[nodeId] = Object.fromEntries(wanted.map(({ torch }) => [torch, entries[torch]!]));
      kept.push(nodeId);
    } else reinitialised.push(nodeId);
  }
  if (kept.length) loadWeights(compiled, merged);
  return { kept, reinitialised };
}
