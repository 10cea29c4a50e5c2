import type { GraphDoc } from '../core/types';
import type { EditorStore } from '../state/store';

/** What browser tests and benchmarks read from the running editor; read-only by design. */
export interface UnetStudioDebugHook {
  /** The current document (immer-frozen: it cannot be changed through this). */
  getDoc(): GraphDoc;
}

declare global {
  interface Window {
    __unetStudio?: UnetStudioDebugHook;
  }
}

/** Publishes `window.__unetStudio` so tests can compare what the page shows with the document behind it. */
export function exposeDebugHook(store: EditorStore): void {
  if (typeof window === 'undefined') return;
  window.__unetStudio = { getDoc: () => store.getState().doc };
}
