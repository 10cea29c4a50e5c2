import { useEffect, useRef } from 'react';
import {
  copySelection,
  cutSelection,
  parseClipboard,
  paste,
  removeElements,
  selectAll,
  type Clipboard,
} from '../state/commands';
import type { EditorStore } from '../state/store';
import type { ToastKind } from './EditorContext';
import { freePasteOffset } from './model/pastePlacement';

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
export const MOD = isMac ? '⌘' : 'Ctrl';

/** True when the key belongs to whatever the user is typing in. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'range', 'color', 'file'].includes(type);
}

export interface ShortcutHandlers {
  store: EditorStore;
  clipboard: { current: Clipboard | null };
  notify(message: string, kind?: ToastKind): void;
  toggleHelp(): void;
  fitView(): void;
  groupSelection(): void;
  ungroupSelection(): void;
  /** False while a dialog is open: it owns the keyboard. */
  enabled: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a shortcut's action gets: the handlers above, plus the clipboard helpers of the hook. */
interface ShortcutContext extends ShortcutHandlers {
  pasteClip(clip: Clipboard): void;
  writeSystemClipboard(clip: Clipboard): void;
}

export interface Shortcut {
  /** As shown in the help panel. */
  keys: string[];
  action: string;
  /** Whether a key press is this shortcut (absent: a mouse gesture, listed for help only). */
  match?: (e: KeyboardEvent, mod: boolean) => boolean;
  /** Does it; `false` when there was nothing to do, so the browser keeps the key (e.g. its own paste). */
  run?: (ctx: ShortcutContext) => boolean | void;
}

const key = (e: KeyboardEvent) => e.key.toLowerCase();
const selectionOf = (ctx: ShortcutContext) => ctx.store.getState().selection;
const hasSelection = (ctx: ShortcutContext) => selectionOf(ctx).nodes.length + selectionOf(ctx).edges.length > 0;

/**
 * The keyboard shortcuts: one table for the help panel (`?`) and for the handler, so they cannot drift apart.
 * The first entry that matches a key press handles it.
 */
export const SHORTCUTS: readonly Shortcut[] = [
  {
    keys: ['Delete'],
    action: 'Delete the selection (also Backspace)',
    match: (e, mod) => !mod && (e.key === 'Delete' || e.key === 'Backspace'),
    run: (ctx) => void (hasSelection(ctx) && removeElements(ctx.store, selectionOf(ctx))),
  },
  { keys: [MOD, 'Z'], action: 'Undo', match: (e, mod) => mod && key(e) === 'z' && !e.shiftKey, run: (ctx) => ctx.store.undo() },
  {
    keys: [MOD, 'Shift', 'Z'],
    action: 'Redo (also Ctrl Y)',
    match: (e, mod) => (mod && key(e) === 'z' && e.shiftKey) || (e.ctrlKey && key(e) === 'y'),
    run: (ctx) => ctx.store.redo(),
  },
  {
    keys: [MOD, 'C'],
    action: 'Copy the selected nodes',
    match: (e, mod) => mod && key(e) === 'c',
    run: (ctx) => {
      const count = selectionOf(ctx).nodes.length;
      if (!count) return false;
      ctx.clipboard.current = copySelection(ctx.store);
      ctx.writeSystemClipboard(ctx.clipboard.current);
      ctx.notify(`Copied ${plural(count, 'node')}`, 'info');
    },
  },
  {
    keys: [MOD, 'X'],
    action: 'Cut',
    match: (e, mod) => mod && key(e) === 'x',
    run: (ctx) => {
      if (!hasSelection(ctx)) return false;
      ctx.clipboard.current = cutSelection(ctx.store);
      ctx.writeSystemClipboard(ctx.clipboard.current);
    },
  },
  {
    keys: [MOD, 'V'],
    action: 'Paste',
    match: (e, mod) => mod && key(e) === 'v',
    // Without an in-app copy, let the browser deliver the system clipboard to the paste listener.
    run: (ctx) => (ctx.clipboard.current ? ctx.pasteClip(ctx.clipboard.current) : false),
  },
  {
    keys: [MOD, 'D'],
    action: 'Duplicate',
    match: (e, mod) => mod && key(e) === 'd',
    run: (ctx) => {
      if (!selectionOf(ctx).nodes.length) return;
      const clip = copySelection(ctx.store);
      const { doc } = ctx.store.getState();
      paste(ctx.store, clip, freePasteOffset(doc.nodes, clip.nodes, doc.edges));
    },
  },
  {
    keys: [MOD, 'G'],
    action: 'Group the selected nodes into a block',
    match: (e, mod) => mod && key(e) === 'g' && !e.shiftKey,
    run: (ctx) => ctx.groupSelection(),
  },
  {
    keys: [MOD, 'Shift', 'G'],
    action: 'Ungroup the selected blocks',
    match: (e, mod) => mod && key(e) === 'g' && e.shiftKey,
    run: (ctx) => ctx.ungroupSelection(),
  },
  { keys: [MOD, 'A'], action: 'Select everything', match: (e, mod) => mod && key(e) === 'a', run: (ctx) => selectAll(ctx.store) },
  {
    keys: ['Esc'],
    action: 'Clear the selection, close a menu or dialog',
    match: (e) => e.key === 'Escape',
    run: (ctx) => ctx.store.setSelection({ nodes: [], edges: [] }),
  },
  { keys: ['F'], action: 'Fit the graph to the view', match: (e, mod) => !mod && !e.altKey && key(e) === 'f', run: (ctx) => ctx.fitView() },
  { keys: ['?'], action: 'Show this panel', match: (e) => e.key === '?', run: (ctx) => ctx.toggleHelp() },
  { keys: ['Drag'], action: 'Box-select on empty canvas' },
  { keys: ['Drag output'], action: 'Drop on empty canvas to add a connected node' },
  { keys: ['Shift', 'Click'], action: 'Add to the selection' },
  { keys: ['Scroll'], action: 'Pan (Space + drag, or middle mouse, also pans)' },
  { keys: [MOD, 'Scroll'], action: 'Zoom' },
  { keys: ['Double-click'], action: 'Expand a collapsed block' },
  { keys: ['Right-click'], action: 'Node menu: group, collapse, expand, ungroup' },
];

/** Editor keyboard shortcuts on the window; keys typed into fields are left alone. */
export function useShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;

  useEffect(() => {
    const writeSystemClipboard = (clip: Clipboard) => {
      void navigator.clipboard?.writeText(JSON.stringify(clip)).catch(() => undefined);
    };
    const pasteClip = (clip: Clipboard) => {
      const { store, notify } = ref.current;
      const { doc } = store.getState();
      const ids = paste(store, clip, freePasteOffset(doc.nodes, clip.nodes, doc.edges));
      if (ids.length) notify(`Pasted ${plural(ids.length, 'node')}`, 'info');
    };

    const onKeyDown = (e: KeyboardEvent) => {
      const h = ref.current;
      if (!h.enabled || e.defaultPrevented || isTypingTarget(e.target)) return;
      const mod = e.metaKey || e.ctrlKey;
      for (const shortcut of SHORTCUTS) {
        if (!shortcut.match?.(e, mod)) continue;
        if (shortcut.run!({ ...h, pasteClip, writeSystemClipboard }) !== false) e.preventDefault();
        return;
      }
    };

    const onPaste = (e: ClipboardEvent) => {
      const h = ref.current;
      if (!h.enabled || isTypingTarget(e.target)) return;
      const text = e.clipboardData?.getData('text/plain');
      if (!text) return;
      const parsed = parseClipboard(text);
      if (!parsed.ok) return;
      e.preventDefault();
      pasteClip(parsed.clipboard);
    };

    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('paste', onPaste);
    };
  }, []);
}
