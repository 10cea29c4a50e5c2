import { createContext } from 'react';
import { formatShape, type Shape } from '../../core/types';
import { createKeyedSource, useKeyedSource, type KeyedSource } from './keyedSource';

/**
 * Every edge's C×H×W, published apart from React Flow's edge objects (keyedSource.ts). A parameter edit changes
 * labels, not connections: kept out of the edges array, it leaves that array (and React Flow's connection lookup,
 * rebuilt for all edges whenever the array changes) alone, and only the drawn edges whose label text changed re-render.
 */
export type EdgeShapeSource = KeyedSource<Shape | undefined>;

export const createEdgeShapeSource = (initial: ReadonlyMap<string, Shape | undefined>): EdgeShapeSource => createKeyedSource(initial);

export const EdgeShapesContext = createContext<EdgeShapeSource | null>(null);

/** The live label of an edge ('?' when its shape is unknown); undefined outside the editor or for an edge the analysis does not know. */
export function useEdgeShapeLabel(id: string): string | undefined {
  return useKeyedSource(EdgeShapesContext, (source) => (source?.has(id) ? formatShape(source.get(id)) : undefined));
}
