import type { GraphDoc } from '../core/types';
import type { EditorStore } from '../state/store';

/** What browser tests and benchmarks read from the running editor as `window.__unetStudio`; read-only by design. */
export interface UnetStudioDebugHook {
  /** The current document (immer-frozen: it cannot be changed through this). */
  getDoc(): GraphDoc;
}

/**
 * Publishes the document reader on `window.__unetStudio`, so tests can compare what the page shows with the
 * document behind it. Other parts (the Run tab) add their own read-only helpers to the same object.
 */
export function exposeDebugHook(store: EditorStore): void {
  if (typeof window === 'undefined') return;
  const host = window as unknown as { __unetStudio?: object };
  const hook: UnetStudioDebugHook = { getDoc: () => store.getState().doc };
  host.__unetStudio = Object.assign(host.__unetStudio ?? {}, hook);
}
