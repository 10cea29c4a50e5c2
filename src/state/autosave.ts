import { parseGraph, renderFormatError } from '../core/format';
import type { GraphDoc } from '../core/types';
import { recoverGraph } from './recover';
import type { EditorStore } from './store';

export const AUTOSAVE_KEY = 'unet-studio:autosave:v1';
/** Where an autosave entry that could not be restored as it was is kept, so the next save cannot overwrite it. */
export const KEPT_AUTOSAVE_KEY = 'unet-studio:autosave:v1:unrestored';

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
  /** Params renamed or dropped since the document was saved (an older format version), one line each; absent if none. */
  updated?: string[];
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

type Entry = { kind: 'none' } | { kind: 'read'; text: string; savedAt: number; saved: SavedDocument } | { kind: 'unreadable'; text: string; reason: string };

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Why `doc` cannot be restored, in the parser's words: its first problem and how many more. */
function refusalReason(doc: unknown): string {
  const parsed = parseGraph(doc, { maxErrors: Infinity });
  if (parsed.ok) return 'it could not be repaired';
  const [first, ...rest] = parsed.errors;
  return `${first ? renderFormatError(first) : 'not a graph'}${rest.length ? ` (and ${plural(rest.length, 'more problem')})` : ''}`;
}

function readEntry(storage: KeyValueStorage, key: string): Entry {
  let text: string | null;
  try {
    text = storage.get(key);
  } catch {
    return { kind: 'none' };
  }
  if (!text) return { kind: 'none' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', text, reason: 'it is not JSON (cut short or overwritten)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'unreadable', text, reason: 'it is not an autosave entry' };
  const { savedAt, doc } = value as { savedAt?: unknown; doc?: unknown };
  if (typeof savedAt !== 'number' || !Number.isFinite(savedAt)) return { kind: 'unreadable', text, reason: 'it is not an autosave entry (no save time)' };
  const recovered = recoverGraph(doc);
  if (!recovered) return { kind: 'unreadable', text, reason: refusalReason(doc) };
  const saved: SavedDocument = { doc: recovered.doc, savedAt, repaired: recovered.repaired };
  if (recovered.updated.length > 0) saved.updated = recovered.updated;
  return { kind: 'read', text, savedAt, saved };
}

/**
 * The last autosaved document, validated by the format parser (see `recoverGraph` for the few editing leftovers it
 * repairs); null when there is none or it cannot be read (corrupt, from an incompatible version). Never throws.
 * The editor starts with `restoreAutosave`, which also keeps what it cannot restore.
 */
export function loadAutosave(storage: KeyValueStorage = browserStorage(), key = AUTOSAVE_KEY): SavedDocument | null {
  const entry = readEntry(storage, key);
  return entry.kind === 'read' ? entry.saved : null;
}

/** The raw text of an autosave entry that was not restored as it was, for the user to download. */
export interface KeptEntry {
  text: string;
  /** Stored under KEPT_AUTOSAVE_KEY (false: storage refused the copy; it lives only in this page). */
  stored: boolean;
}

export type RestoreResult =
  | { kind: 'none'; kept?: KeptEntry }
  /** `kept` when something had to be repaired (the original is kept) or an earlier unrestored entry is still kept. */
  | { kind: 'restored'; saved: SavedDocument; kept?: KeptEntry }
  /** The entry could not be restored; it is kept rather than overwritten by the next save. */
  | { kind: 'unreadable'; reason: string; kept: KeptEntry };

/** Copies an entry aside; if storage is full, frees the main slot first (the caller holds the text meanwhile). */
function keep(storage: KeyValueStorage, key: string, text: string): KeptEntry {
  try {
    storage.set(KEPT_AUTOSAVE_KEY, text);
    return { text, stored: true };
  } catch {
    try {
      storage.remove?.(key);
      storage.set(KEPT_AUTOSAVE_KEY, text);
      return { text, stored: true };
    } catch {
      try {
        storage.set(key, text); // put it back where it was: better there than nowhere
      } catch {
        // Only this page holds it now; the notice offers the download.
      }
      return { text, stored: false };
    }
  }
}

/**
 * What the editor restores on start. Nothing is lost on the way: an entry that cannot be restored, or needed
 * repairs, is copied to KEPT_AUTOSAVE_KEY (offered for download until discarded) before the next save can
 * overwrite it, and `repaired` says what was changed. Never throws.
 */
export function restoreAutosave(storage: KeyValueStorage = browserStorage(), key = AUTOSAVE_KEY): RestoreResult {
  const entry = readEntry(storage, key);
  let earlier: KeptEntry | undefined;
  try {
    const text = storage.get(KEPT_AUTOSAVE_KEY);
    if (text) earlier = { text, stored: true };
  } catch {
    // No storage: nothing kept before either.
  }
  if (entry.kind === 'unreadable') return { kind: 'unreadable', reason: entry.reason, kept: keep(storage, key, entry.text) };
  if (entry.kind === 'none') return earlier ? { kind: 'none', kept: earlier } : { kind: 'none' };
  // Repaired or migrated: the original is kept, so whatever the change, the entry as saved can still be had.
  const changed = entry.saved.repaired.length > 0 || (entry.saved.updated?.length ?? 0) > 0;
  const kept = changed ? keep(storage, key, entry.text) : earlier;
  return kept ? { kind: 'restored', saved: entry.saved, kept } : { kind: 'restored', saved: entry.saved };
}

/** Forgets the kept entry (the user downloaded or dismissed it). */
export function discardKeptAutosave(storage: KeyValueStorage = browserStorage()): void {
  try {
    storage.remove?.(KEPT_AUTOSAVE_KEY);
  } catch {
    // Nothing to remove where storage is blocked.
  }
}

export function clearAutosave(storage: KeyValueStorage = browserStorage(), key = AUTOSAVE_KEY): void {
  try {
    storage.remove?.(key);
  } catch {
    // Nothing to clear where storage is blocked.
  }
}
