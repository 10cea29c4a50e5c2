import { createContext, useContext, useLayoutEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { Clipboard } from '../state/commands';
import type { EditorState, EditorStore, ReplaceOptions } from '../state/store';
import type { UiAnalysis } from './model/analysis';
import { createEdgeShapeSource, EdgeShapesContext, type EdgeShapeSource } from './model/edgeShapes';

export type ToastKind = 'info' | 'success' | 'error';
export type SummaryTab = 'layers' | 'problems';

/** Things every panel may need that are not document state: the store, messages, app-level dialogs. */
export interface EditorServices {
  store: EditorStore;
  notify(message: string, kind?: ToastKind): void;
  /** Last copied/cut nodes (also put on the system clipboard as text). */
  clipboard: { current: Clipboard | null };
  openShortcuts(): void;
  openNewUNet(): void;
  /** Asks for a name and groups the selected nodes into a block (Ctrl+G). */
  groupSelection(): void;
  /** Ungroups the blocks the selection touches (Ctrl+Shift+G). */
  ungroupSelection(): void;
  /** Opens the file picker for importing a graph. */
  openImport(): void;
  /**
   * Reads dropped or picked files — our graph JSON, an .onnx, or a Keras / tfjs model.json with its .bin files; a
   * rejected file leaves the graph untouched and opens the error dialog.
   */
  importFile(file: File | File[]): Promise<void>;
  /** Replaces the document and fits the view to it. */
  loadDocument(doc: EditorState['doc'], label: string, opts?: ReplaceOptions): void;
  /** Pans/zooms to show these nodes (the whole graph when empty). */
  focusNodes(ids: string[]): void;
  /** Opens the summary panel on its Problems tab. */
  showProblems(): void;
  /** Which summary tab is open; `null` when the panel is collapsed. */
  summaryTab: SummaryTab | null;
  setSummaryTab(tab: SummaryTab | null): void;
}

/** Exported for components that also render outside the editor (an edge in a test): they check for null. */
export const EditorServicesContext = createContext<EditorServices | null>(null);
const AnalysisContext = createContext<UiAnalysis | null>(null);

export function EditorProvider({ services, analysis, children }: { services: EditorServices; analysis: UiAnalysis; children: ReactNode }) {
  const edgeShapes = useRef<EdgeShapeSource | null>(null);
  edgeShapes.current ??= createEdgeShapeSource(analysis.edgeShapes);
  // Edges rendered in this pass read the new shapes; those already drawn hear of them before the frame is painted.
  edgeShapes.current.set(analysis.edgeShapes);
  const source = edgeShapes.current;
  useLayoutEffect(() => source.notify(), [source, analysis]);
  return (
    <EditorServicesContext.Provider value={services}>
      <AnalysisContext.Provider value={analysis}>
        <EdgeShapesContext.Provider value={source}>{children}</EdgeShapesContext.Provider>
      </AnalysisContext.Provider>
    </EditorServicesContext.Provider>
  );
}

export function useEditor(): EditorServices {
  const services = useContext(EditorServicesContext);
  if (!services) throw new Error('useEditor must be used inside <EditorProvider>');
  return services;
}

export function useAnalysis(): UiAnalysis {
  const analysis = useContext(AnalysisContext);
  if (!analysis) throw new Error('useAnalysis must be used inside <EditorProvider>');
  return analysis;
}

/**
 * The store's state, or the part of it a selector picks (zustand-style): the component re-renders only when
 * the selected value changes — compared with `equal`, `Object.is` by default, `shallow` (zustand) for an object
 * of several fields — so a panel that reads the document does not re-render when the selection changes.
 * Without a selector: the whole state, re-rendering on every change.
 */
export function useStoreState(store: EditorStore): EditorState;
export function useStoreState<T>(store: EditorStore, selector: (state: EditorState) => T, equal?: (a: T, b: T) => boolean): T;
export function useStoreState<T>(store: EditorStore, selector?: (state: EditorState) => T, equal: (a: T, b: T) => boolean = Object.is): T | EditorState {
  const last = useRef<{ state: EditorState; select: unknown; value: T } | null>(null);
  const getSnapshot = (): T | EditorState => {
    const state = store.getState();
    if (!selector) return state;
    const prev = last.current;
    if (prev && prev.state === state && prev.select === selector) return prev.value;
    const next = selector(state);
    // Equal content keeps the previous value, so useSyncExternalStore sees no change and skips the render.
    const value = prev && equal(prev.value, next) ? prev.value : next;
    last.current = { state, select: selector, value };
    return value;
  };
  return useSyncExternalStore(store.subscribe, getSnapshot, getSnapshot);
}

export function useEditorState(): EditorState;
export function useEditorState<T>(selector: (state: EditorState) => T, equal?: (a: T, b: T) => boolean): T;
export function useEditorState<T>(selector?: (state: EditorState) => T, equal?: (a: T, b: T) => boolean): T | EditorState {
  const { store } = useEditor();
  return selector ? useStoreState(store, selector, equal) : useStoreState(store);
}
