import { createContext, useContext, useSyncExternalStore } from 'react';
import type { OpNodeData } from './flowModel';

/**
 * Every node's full render data by id, published apart from React Flow's node objects (which carry only an
 * OpNodeFrame): a parameter edit changes a summary or a shape, not handles, so the nodes array stays as it was
 * and only the drawn nodes whose data object changed re-render. The data objects keep their identity while
 * their content is the same (createNodeDataCache).
 */
export interface NodeDataSource {
  get(id: string): OpNodeData | undefined;
  subscribe(listener: () => void): () => void;
  set(datas: ReadonlyMap<string, OpNodeData>): void;
  notify(): void;
}

export function createNodeDataSource(): NodeDataSource {
  let datas: ReadonlyMap<string, OpNodeData> = new Map();
  const listeners = new Set<() => void>();
  return {
    get: (id) => datas.get(id),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    set(next) {
      datas = next;
    },
    notify() {
      for (const listener of [...listeners]) listener();
    },
  };
}

export const NodeDataContext = createContext<NodeDataSource | null>(null);

const noSubscription = () => () => {};

/** The live render data of node `id`; undefined outside a canvas that publishes it. */
export function useNodeData(id: string): OpNodeData | undefined {
  const source = useContext(NodeDataContext);
  const read = () => source?.get(id);
  return useSyncExternalStore(source ? source.subscribe : noSubscription, read, read);
}
