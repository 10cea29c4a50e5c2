import { createContext, useContext, useSyncExternalStore } from 'react';
import { formatShape, type Shape } from '../../core/types';

/**
 * Every edge's C×H×W label, published apart from React Flow's edge objects. A parameter edit changes labels,
 * not connections: kept out of the edges array, it leaves that array (and React Flow's connection lookup, rebuilt
 * for all edges whenever the array changes) alone, and only the drawn edges whose label text changed re-render.
 */
export interface EdgeShapeSource {
  /** The label of edge `id` ('?' when its shape is unknown); undefined for an edge the analysis does not know. */
  label(id: string): string | undefined;
  subscribe(listener: () => void): () => void;
  /** Takes the analysis's edge shapes; listeners hear of it on `notify`. */
  set(shapes: ReadonlyMap<string, Shape | undefined>): void;
  notify(): void;
}

export function createEdgeShapeSource(initial: ReadonlyMap<string, Shape | undefined>): EdgeShapeSource {
  let shapes = initial;
  const listeners = new Set<() => void>();
  return {
    label: (id) => (shapes.has(id) ? formatShape(shapes.get(id)) : undefined),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    set(next) {
      shapes = next;
    },
    notify() {
      for (const listener of [...listeners]) listener();
    },
  };
}

export const EdgeShapesContext = createContext<EdgeShapeSource | null>(null);

const noSubscription = () => () => {};

/** The live label of an edge; undefined outside the editor (then the edge's own data says). */
export function useEdgeShapeLabel(id: string): string | undefined {
  const source = useContext(EdgeShapesContext);
  const read = () => source?.label(id);
  return useSyncExternalStore(source ? source.subscribe : noSubscription, read, read);
}
