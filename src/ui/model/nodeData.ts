import { createContext } from 'react';
import type { OpNodeData } from './flowModel';
import { createKeyedSource, useKeyedSource, type KeyedSource } from './keyedSource';

/**
 * Every node's full render data by id, published apart from React Flow's node objects (which carry only an
 * OpNodeFrame; keyedSource.ts): a parameter edit changes a summary or a shape, not handles, so the nodes array stays
 * as it was and only the drawn nodes whose data object changed re-render. The data objects keep their identity while
 * their content is the same (createNodeDataCache).
 */
export type NodeDataSource = KeyedSource<OpNodeData>;

export const createNodeDataSource = (): NodeDataSource => createKeyedSource<OpNodeData>();

export const NodeDataContext = createContext<NodeDataSource | null>(null);

/** The live render data of node `id`; undefined outside a canvas that publishes it. */
export function useNodeData(id: string): OpNodeData | undefined {
  return useKeyedSource(NodeDataContext, (source) => source?.get(id));
}
