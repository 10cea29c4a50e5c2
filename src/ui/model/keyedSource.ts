import { useContext, useSyncExternalStore, type Context } from 'react';

/**
 * Values by id, published apart from React Flow's node and edge objects, so a change to what an element shows
 * (a label, a summary) leaves React Flow's arrays alone and re-renders only the elements that read a changed value.
 * `set` swaps the map silently; `notify` tells the readers (after a commit, so they read a consistent map).
 */
export interface KeyedSource<V> {
  get(id: string): V | undefined;
  has(id: string): boolean;
  subscribe(listener: () => void): () => void;
  set(values: ReadonlyMap<string, V>): void;
  notify(): void;
}

export function createKeyedSource<V>(initial: ReadonlyMap<string, V> = new Map()): KeyedSource<V> {
  let values = initial;
  const listeners = new Set<() => void>();
  return {
    get: (id) => values.get(id),
    has: (id) => values.has(id),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    set(next) {
      values = next;
    },
    notify() {
      for (const listener of [...listeners]) listener();
    },
  };
}

const noSubscription = () => () => {};

/** `read` of the source in `context`, kept live; `read(null)` outside a provider. */
export function useKeyedSource<V, R>(context: Context<KeyedSource<V> | null>, read: (source: KeyedSource<V> | null) => R): R {
  const source = useContext(context);
  const snapshot = () => read(source);
  return useSyncExternalStore(source ? source.subscribe : noSubscription, snapshot, snapshot);
}
