import type { GraphDoc } from '../core/types';
import { recoverGraph } from './recover';
import type { EditorStore } from './store';

export const AUTOSAVE_KEY = 'unet-studio:autosave:v1';

/** The slice of `Storage` autosave needs; tests pass a Map-backed one. */
export interface KeyValueStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove?(key: string): void;
}

export interface AutosaveError {
  /** `quota`: the browser's storage is full; `unavailable`: no storage (private mode, blocked); `other`: anything else. */
  kind: 'quota' | 'unavailable' | 'other';
  message: string;
  cause: unknown;
}

export interface AutosaveOptions {
  delayMs?: number;
  key?: string;
  /** Called instead of throwing when a save fails; the editor keeps working and tries again on the next change. */
  onError?: (error: AutosaveError) => void;
  /** Called after each successful save, with its time (ms since the epoch). */
  onSaved?: (savedAt: number) => void;
}

export interface Autosave {
  /** Saves a pending change now (e.g. on `pagehide`). */
  flush(): void;
  /** Stops watching the store; a pending change is saved first so nothing typed is lost. */
  dispose(): void;
}

export interface SavedDocument {
  doc: GraphDoc;
  /** ms since the epoch. */
  savedAt: number;
  /**
   * Work-in-progress problems the format refuses (a half-typed param, an edge on a port that is gone) that were
   * reset or dropped to restore the rest; one line each, for the UI to tell the user. Usually empty.
   */
  repaired: string[];
}

class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

/** `localStorage`, looked up on each call so that merely importing this module works where there is none. */
export function browserStorage(): KeyValueStorage {
  const local = (): Storage => {
    const storage = (globalThis as { localStorage?: Storage }).localStorage;
    if (!storage) throw new StorageUnavailableError('this browser gives the page no local storage');
    return storage;
  };
  return {
    get(key) {
      try {
        return local().getItem(key);
      } catch {
        return null;
      }
    },
    set: (key, value) => local().setItem(key, value),
    remove: (key) => local().removeItem(key),
  };
}

function isQuotaError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  // Chrome/Safari: QuotaExceededError (code 22); old Firefox: NS_ERROR_DOM_QUOTA_REACHED (code 1014).
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}

function describeSaveError(err: unknown, bytes: number): AutosaveError {
  const size = bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
  if (isQuotaError(err))
    return {
      kind: 'quota',
      message: `Autosave failed: the browser's storage for this page is full (the document needs ${size}). Export the graph to keep your work.`,
      cause: err,
    };
  if (err instanceof StorageUnavailableError || (err as { name?: unknown } | null)?.name === 'SecurityError')
    return { kind: 'unavailable', message: 'Autosave is off: this browser does not allow the page to store data.', cause: err };
  return { kind: 'other', message: `Autosave failed: ${err instanceof Error ? err.message : String(err)}`, cause: err };
}

/** Saves the document (`{ savedAt, doc }` under `unet-studio:autosave:v1`) `delayMs` after the last change. */
export function createAutosave(
  store: EditorStore,
  storage: KeyValueStorage = browserStorage(),
  options: AutosaveOptions = {},
): Autosave {
  const { delayMs = 500, key = AUTOSAVE_KEY, onError, onSaved } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let savedRevision = store.getState().revision;
  let seenRevision = savedRevision;
  let lastError: AutosaveError['kind'] | undefined;

  const save = () => {
    timer = undefined;
    const { doc, revision } = store.getState();
    if (revision === savedRevision) return;
    const savedAt = Date.now();
    const text = JSON.stringify({ savedAt, doc });
    try {
      storage.set(key, text);
    } catch (err) {
      const error = describeSaveError(err, text.length);
      // Report a lasting condition once, not on every keystroke.
      if (error.kind !== lastError) onError?.(error);
      lastError = error.kind;
      return;
    }
    lastError = undefined;
    savedRevision = revision;
    onSaved?.(savedAt);
  };

  const unsubscribe = store.subscribe(() => {
    // Selection changes notify too; only document changes (re)start the clock.
    const { revision } = store.getState();
    if (revision === seenRevision) return;
    seenRevision = revision;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(save, delayMs);
  });

  return {
    flush() {
      if (timer !== undefined) clearTimeout(timer);
      save();
    },
    dispose() {
      unsubscribe();
      if (timer !== undefined) {
        clearTimeout(timer);
        save();
      }
    },
  };
}

/**
 * The last autosaved document, validated by the format parser (see `recoverGraph` for the few editing leftovers it
 * repairs); null when there is none or it cannot be read (corrupt, from an incompatible version). Never throws.
 */
export function loadAutosave(storage: KeyValueStorage = browserStorage(), key = AUTOSAVE_KEY): SavedDocument | null {
  let text: string | null;
  try {
    text = storage.get(key);
  } catch {
    return null;
  }
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { savedAt, doc } = value as { savedAt?: unknown; doc?: unknown };
  if (typeof savedAt !== 'number' || !Number.isFinite(savedAt)) return null;
  const recovered = recoverGraph(doc);
  return recovered && { doc: recovered.doc, savedAt, repaired: recovered.repaired };
}

export function clearAutosave(storage: KeyValueStorage = browserStorage(), key = AUTOSAVE_KEY): void {
  try {
    storage.remove?.(key);
  } catch {
    // Nothing to clear where storage is blocked.
  }
}
