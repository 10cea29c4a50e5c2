/**
 * Training checkpoints: the latest weights (saved every interval) and the best by validation Dice, with what
 * a reload needs to say "trained 3 min, val Dice 0.93" and to go on training. The browser keeps them in
 * IndexedDB (idb-keyval, usable from the worker); other hosts may keep them in memory or nowhere.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { StateDict } from '../../compile';
import type { GraphDoc } from '../../core/types';
import type { TrainOptions } from '../train';

export type CheckpointSlot = 'latest' | 'best';

/** What the panel shows about a checkpoint without reading its weights. */
export interface CheckpointInfo {
  slot: CheckpointSlot;
  /** graphKey of the graph the weights were trained on. */
  graphKey: string;
  graphName: string;
  steps: number;
  /** Training time, pauses excluded. */
  elapsedMs: number;
  valDice?: number;
  valIou?: number;
  savedAt: number;
  options: TrainOptions;
  /** The run's target step count (to go on from where it stopped). */
  targetSteps: number;
}

export interface Checkpoint {
  info: CheckpointInfo;
  doc: GraphDoc;
  weights: StateDict;
}

export interface CheckpointStore {
  save(checkpoint: Checkpoint): Promise<void>;
  load(slot: CheckpointSlot): Promise<Checkpoint | undefined>;
  info(slot: CheckpointSlot): Promise<CheckpointInfo | undefined>;
  clear(): Promise<void>;
}

/** IndexedDB store: one database for the app's checkpoints; info kept beside the weights so it reads fast. */
export function indexedDbCheckpoints(name = 'unet-studio-checkpoints'): CheckpointStore {
  let store: UseStore | undefined;
  const db = () => (store ??= createStore(name, 'checkpoints'));
  return {
    async save(c) {
      await set(`${c.info.slot}:weights`, { doc: c.doc, weights: c.weights }, db());
      await set(`${c.info.slot}:info`, c.info, db());
    },
    async load(slot) {
      const [info, body] = await Promise.all([get<CheckpointInfo>(`${slot}:info`, db()), get<{ doc: GraphDoc; weights: StateDict }>(`${slot}:weights`, db())]);
      return info && body ? { info, ...body } : undefined;
    },
    info: (slot) => get<CheckpointInfo>(`${slot}:info`, db()),
    async clear() {
      for (const slot of ['latest', 'best'] as const) await Promise.all([del(`${slot}:info`, db()), del(`${slot}:weights`, db())]);
    },
  };
}

/** In memory (Node, tests): the same behaviour without persistence. */
export function memoryCheckpoints(): CheckpointStore {
  const slots = new Map<CheckpointSlot, Checkpoint>();
  return {
    save: async (c) => void slots.set(c.info.slot, structuredClone(c)),
    load: async (slot) => (slots.has(slot) ? structuredClone(slots.get(slot)) : undefined),
    info: async (slot) => slots.get(slot)?.info,
    clear: async () => slots.clear(),
  };
}
