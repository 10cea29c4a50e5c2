import { applyPatches, enablePatches, freeze, produceWithPatches, type Patch } from 'immer';
import { summarizeFormatErrors, type FormatError } from '../core/format';
import { checkDocument } from '../core/format/validate';
import type { GraphDoc } from '../core/types';

enablePatches();

export interface Selection {
  nodes: string[];
  edges: string[];
}

export interface EditorState {
  /** The document; history applies to this only. */
  doc: GraphDoc;
  /** Not part of history. Always pruned to elements that exist in `doc`. */
  selection: Selection;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel?: string;
  redoLabel?: string;
  /** Increments on every document change (apply, undo, redo, replace), for memoisation and autosave. */
  revision: number;
}

/** An edit the store did not make because the format would refuse its result (and so autosave could not restore it). */
export interface Refusal {
  /** The edit's history label, e.g. "Rename graph". */
  label: string;
  /** Why, as the parser words it (`name: 201 characters; the limit is 200`), most specific first. */
  errors: FormatError[];
  /** One line for the user: `Rename graph was not applied: name: 201 characters; the limit is 200`. */
  message: string;
}

export type ApplyResult = { ok: true } | ({ ok: false } & Refusal);

/** Thrown by commands that cannot report a refusal in their result (addNode returns the new id). */
export class EditRefused extends Error {
  override name = 'EditRefused';
  readonly refusal: Refusal;

  constructor(refusal: Refusal) {
    super(refusal.message);
    this.refusal = refusal;
  }
}

export interface ApplyOptions {
  /**
   * Consecutive applies with the same key within `mergeWindowMs` of each other (or until `endMerge()`) become one
   * history step: a drag, a number being typed.
   */
  mergeKey?: string;
}

export interface EditorStore {
  /** The same object until something changes (safe for `useSyncExternalStore`). */
  getState(): EditorState;
  subscribe(listener: () => void): () => void;
  /**
   * One undoable step. Recipes that change nothing record nothing; a result the file format would refuse is not
   * applied (the document stays as it was) and is reported to `onRefuse` listeners.
   */
  apply(label: string, recipe: (draft: GraphDoc) => void, opts?: ApplyOptions): ApplyResult;
  /** Closes the current merge group, so the next apply starts a new history step. */
  endMerge(): void;
  undo(): void;
  redo(): void;
  /** Swaps in a whole document (template, import, new) as one undoable step; clears the selection. Refused like `apply`. */
  replaceDocument(doc: GraphDoc, label: string, opts?: ReplaceOptions): ApplyResult;
  setSelection(sel: Partial<Selection>): void;
  /** Called with every refused edit (the UI shows the message). */
  onRefuse(listener: (refusal: Refusal) => void): () => void;
}

export interface ReplaceOptions {
  /**
   * The document is the format parser's result, fresh and held by nothing else (a file just opened): it is adopted
   * as it is — frozen, not copied, and not checked again, since the parser has just checked it by the same rules.
   * Saves a 10,000-node open ~0.3 s of copying and checking on the page's thread.
   */
  parsed?: boolean;
}

export interface EditorStoreOptions {
  /** Most undo steps kept; older ones are dropped. Default 200. */
  historyLimit?: number;
  /** How long after the last merged apply a new apply with the same key still merges. Default 1000 ms. */
  mergeWindowMs?: number;
  /** Clock for the merge window (tests inject one). */
  now?: () => number;
  /**
   * Refuse edits whose result the file format would refuse (default true). Off only for tests of the history
   * machinery itself, which edit documents into shapes no command makes.
   */
  validate?: boolean;
}

interface HistoryStep {
  label: string;
  patches: Patch[];
  inversePatches: Patch[];
}

interface OpenMerge {
  key: string;
  at: number;
  step: HistoryStep;
}

export const DEFAULT_HISTORY_LIMIT = 200;
export const DEFAULT_MERGE_WINDOW_MS = 1000;

const EMPTY_SELECTION: Selection = freeze({ nodes: [], edges: [] });

/** A private, frozen copy: the store's documents are immutable and never alias the caller's object. */
const own = (doc: GraphDoc): GraphDoc => freeze(structuredClone(doc), true);

export function createEditorStore(initial: GraphDoc, opts: EditorStoreOptions = {}): EditorStore {
  const historyLimit = Math.max(0, Math.floor(opts.historyLimit ?? DEFAULT_HISTORY_LIMIT));
  const mergeWindowMs = opts.mergeWindowMs ?? DEFAULT_MERGE_WINDOW_MS;
  const now = opts.now ?? Date.now;
  const validate = opts.validate ?? true;

  const past: HistoryStep[] = [];
  const future: HistoryStep[] = [];
  let merge: OpenMerge | undefined;
  const listeners = new Set<() => void>();
  const refusalListeners = new Set<(refusal: Refusal) => void>();

  /** The format's verdict on a new document: null when it may be committed. */
  function refusal(label: string, next: GraphDoc, previous?: GraphDoc, changes?: Patch[]): (Refusal & { ok: false }) | null {
    // With the edit's patches only what it touched is checked again (a param edit on a 10,000-node graph: ~1 ms, not ~70).
    const errors = validate ? checkDocument(next, { previous, changes }) : [];
    if (errors.length === 0) return null;
    // The count covers every problem, the capped list's closing line included ("and 149,978 more problems").
    const refused = { ok: false as const, label, errors, message: `${label} was not applied: ${summarizeFormatErrors(errors)}` };
    for (const listener of [...refusalListeners]) listener(refused);
    return refused;
  }

  let state: EditorState = snapshot(own(initial), EMPTY_SELECTION, 0);

  function snapshot(doc: GraphDoc, selection: Selection, revision: number): EditorState {
    const top = past[past.length - 1];
    const next = future[future.length - 1];
    return freeze({
      doc,
      selection,
      canUndo: top !== undefined,
      canRedo: next !== undefined,
      undoLabel: top?.label,
      redoLabel: next?.label,
      revision,
    });
  }

  function publish(doc: GraphDoc, selection: Selection, docChanged: boolean) {
    const revision = docChanged ? state.revision + 1 : state.revision;
    state = snapshot(doc, pruneSelection(selection, doc), revision);
    // Copy: a listener may unsubscribe (or subscribe) while we notify.
    for (const listener of [...listeners]) listener();
  }

  function pushStep(step: HistoryStep) {
    past.push(step);
    if (past.length > historyLimit) past.splice(0, past.length - historyLimit);
    future.length = 0;
  }

  function commit(label: string, next: GraphDoc, patches: Patch[], inversePatches: Patch[], mergeKey?: string) {
    const t = now();
    const open = merge;
    const top = past[past.length - 1];
    if (mergeKey !== undefined && open && open.key === mergeKey && t - open.at <= mergeWindowMs && open.step === top) {
      if (supersedes({ patches, inversePatches }, open.step)) {
        // Same fields set again (a drag frame, a typed digit): the new values replace the old, and undo still
        // restores the values from before the first change. Keeps a long drag one patch per node.
        open.step.patches = patches;
      } else {
        // Forward patches replay in order; inverse patches undo the newest change first.
        open.step.patches = [...open.step.patches, ...patches];
        open.step.inversePatches = [...inversePatches, ...open.step.inversePatches];
      }
      open.at = t;
    } else {
      const step: HistoryStep = { label, patches, inversePatches };
      pushStep(step);
      merge = mergeKey !== undefined && past[past.length - 1] === step ? { key: mergeKey, at: t, step } : undefined;
    }
    publish(next, state.selection, true);
  }

  return {
    getState: () => state,

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    apply(label, recipe, applyOpts = {}) {
      const [next, patches, inversePatches] = produceWithPatches(state.doc, (draft: GraphDoc) => {
        recipe(draft);
      });
      if (patches.length === 0) return { ok: true };
      const refused = refusal(label, next, state.doc, patches);
      if (refused) return refused;
      commit(label, next, patches, inversePatches, applyOpts.mergeKey);
      return { ok: true };
    },

    endMerge() {
      merge = undefined;
    },

    undo() {
      const step = past.pop();
      if (!step) return;
      merge = undefined;
      future.push(step);
      publish(applyPatches(state.doc, step.inversePatches), state.selection, true);
    },

    redo() {
      const step = future.pop();
      if (!step) return;
      merge = undefined;
      past.push(step);
      publish(applyPatches(state.doc, step.patches), state.selection, true);
    },

    replaceDocument(doc, label, replaceOpts = {}) {
      const replacement = replaceOpts.parsed ? freeze(doc, true) : own(doc);
      const refused = replaceOpts.parsed ? null : refusal(label, replacement);
      if (refused) return refused;
      const [next, patches, inversePatches] = produceWithPatches(state.doc, () => replacement);
      merge = undefined;
      pushStep({ label, patches, inversePatches });
      publish(next, EMPTY_SELECTION, true);
      return { ok: true };
    },

    onRefuse(listener) {
      refusalListeners.add(listener);
      return () => {
        refusalListeners.delete(listener);
      };
    },

    setSelection(sel) {
      const nodes = sel.nodes ? dedupe(sel.nodes) : state.selection.nodes;
      const edges = sel.edges ? dedupe(sel.edges) : state.selection.edges;
      const pruned = pruneSelection(freeze({ nodes, edges }), state.doc);
      if (sameIds(pruned.nodes, state.selection.nodes) && sameIds(pruned.edges, state.selection.edges)) return;
      publish(state.doc, pruned, false);
    },
  };
}

const pathKey = (p: Patch) => JSON.stringify(p.path);

/**
 * Whether `next` only replaces exactly the values `prev` replaced (both ways), so that applying `next` alone gives
 * the same document and `prev`'s inverse still restores the one before it.
 */
function supersedes(next: { patches: Patch[]; inversePatches: Patch[] }, prev: HistoryStep): boolean {
  const lists = [next.patches, next.inversePatches, prev.patches, prev.inversePatches];
  if (!lists.every((list) => list.length === prev.patches.length && list.every((p) => p.op === 'replace'))) return false;
  const paths = new Set(prev.patches.map(pathKey));
  return paths.size === prev.patches.length && lists.every((list) => list.every((p) => paths.has(pathKey(p))));
}

const dedupe = (ids: readonly string[]): string[] => [...new Set(ids)];

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/** Drops selected ids that no longer exist; returns the same object when nothing was dropped. */
function pruneSelection(sel: Selection, doc: GraphDoc): Selection {
  if (sel.nodes.length === 0 && sel.edges.length === 0) return sel === EMPTY_SELECTION ? sel : EMPTY_SELECTION;
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const nodes = sel.nodes.filter((id) => nodeIds.has(id));
  const edges = sel.edges.filter((id) => edgeIds.has(id));
  if (nodes.length === sel.nodes.length && edges.length === sel.edges.length) return sel;
  return freeze({ nodes, edges });
}
