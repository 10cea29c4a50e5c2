import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Clipboard } from '../state/commands';
import type { EditorState, EditorStore } from '../state/store';
import type { UiAnalysis } from './model/analysis';

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
  /** Opens the file picker for importing a graph. */
  openImport(): void;
  /**
   * Reads dropped or picked files — our graph JSON, an .onnx, or a Keras / tfjs model.json with its .bin files; a
   * rejected file leaves the graph untouched and opens the error dialog.
   */
  importFile(file: File | File[]): Promise<void>;
  /** Replaces the document and fits the view to it. */
  loadDocument(doc: EditorState['doc'], label: string): void;
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
  return (
    <EditorServicesContext.Provider value={services}>
      <AnalysisContext.Provider value={analysis}>{children}</AnalysisContext.Provider>
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

/** The store's state; re-renders on every store change (document or selection). */
export function useStoreState(store: EditorStore): EditorState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}

export function useEditorState(): EditorState {
  return useStoreState(useEditor().store);
}
