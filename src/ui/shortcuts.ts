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

/** Shown in the help panel; one source for the panel and the handler below. */
export const SHORTCUTS: { keys: string[]; action: string }[] = [
  { keys: ['Delete'], action: 'Delete the selection (also Backspace)' },
  { keys: [MOD, 'Z'], action: 'Undo' },
  { keys: [MOD, 'Shift', 'Z'], action: 'Redo (also Ctrl Y)' },
  { keys: [MOD, 'C'], action: 'Copy the selected nodes' },
  { keys: [MOD, 'X'], action: 'Cut' },
  { keys: [MOD, 'V'], action: 'Paste' },
  { keys: [MOD, 'D'], action: 'Duplicate' },
  { keys: [MOD, 'A'], action: 'Select everything' },
  { keys: ['Esc'], action: 'Clear the selection, close a menu or dialog' },
  { keys: ['F'], action: 'Fit the graph to the view' },
  { keys: ['?'], action: 'Show this panel' },
  { keys: ['Drag'], action: 'Box-select on empty canvas' },
  { keys: ['Drag output'], action: 'Drop on empty canvas to add a connected node' },
  { keys: ['Shift', 'Click'], action: 'Add to the selection' },
  { keys: ['Scroll'], action: 'Pan (Space + drag, or middle mouse, also pans)' },
  { keys: [MOD, 'Scroll'], action: 'Zoom' },
];

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
  /** False while a dialog is open: it owns the keyboard. */
  enabled: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

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
      const ids = paste(store, clip, freePasteOffset(store.getState().doc.nodes, clip.nodes, store.getState().doc.edges));
      if (ids.length) notify(`Pasted ${plural(ids.length, 'node')}`, 'info');
    };

    const onKeyDown = (e: KeyboardEvent) => {
      const h = ref.current;
      if (!h.enabled || e.defaultPrevented || isTypingTarget(e.target)) return;
      const { store } = h;
      const mod = e.metaKey || e.ctrlKey;
      const key = e.key.toLowerCase();
      const selection = store.getState().selection;
      const hasSelection = selection.nodes.length + selection.edges.length > 0;
      let handled = true;
      if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) {
        if (hasSelection) removeElements(store, selection);
      } else if (mod && key === 'z' && !e.shiftKey) store.undo();
      else if ((mod && key === 'z' && e.shiftKey) || (e.ctrlKey && key === 'y')) store.redo();
      else if (mod && key === 'c') {
        if (!selection.nodes.length) return;
        h.clipboard.current = copySelection(store);
        writeSystemClipboard(h.clipboard.current);
        h.notify(`Copied ${plural(selection.nodes.length, 'node')}`, 'info');
      } else if (mod && key === 'x') {
        if (!hasSelection) return;
        h.clipboard.current = cutSelection(store);
        writeSystemClipboard(h.clipboard.current);
      } else if (mod && key === 'v') {
        // Without an in-app copy, let the browser deliver the system clipboard to the paste listener.
        if (!h.clipboard.current) return;
        pasteClip(h.clipboard.current);
      } else if (mod && key === 'd') {
        if (selection.nodes.length) {
          const clip = copySelection(store);
          paste(store, clip, freePasteOffset(store.getState().doc.nodes, clip.nodes, store.getState().doc.edges));
        }
      } else if (mod && key === 'a') selectAll(store);
      else if (e.key === 'Escape') store.setSelection({ nodes: [], edges: [] });
      else if (e.key === '?') h.toggleHelp();
      else if (!mod && !e.altKey && key === 'f') h.fitView();
      else handled = false;
      if (handled) e.preventDefault();
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
