import { describe, expect, it } from 'vitest';
import { MOD, SHORTCUTS } from '../../src/ui/shortcuts';

/** The key press a help-panel row describes: MOD / Shift as modifiers, the last key as the key. */
function pressFor(keys: string[]) {
  const last = keys[keys.length - 1]!;
  const key = last === 'Esc' ? 'Escape' : last.length === 1 ? (keys.includes('Shift') ? last.toUpperCase() : last.toLowerCase()) : last;
  return { key, ctrlKey: keys.includes(MOD), metaKey: false, shiftKey: keys.includes('Shift'), altKey: false } as KeyboardEvent;
}

describe('keyboard shortcuts: one table for the help panel and the handler', () => {
  it('every keyboard row of the help panel is handled by exactly that row', () => {
    const keyed = SHORTCUTS.filter((s) => s.match);
    expect(keyed.length).toBe(13);
    for (const row of keyed) {
      const e = pressFor(row.keys);
      const first = SHORTCUTS.find((s) => s.match?.(e, e.ctrlKey || e.metaKey));
      expect(first?.action, row.keys.join('+')).toBe(row.action);
      expect(typeof row.run).toBe('function');
    }
  });

  it('the mouse gestures are listed for help only', () => {
    const gestures = SHORTCUTS.filter((s) => !s.match).map((s) => s.keys.join('+'));
    expect(gestures).toEqual(['Drag', 'Drag output', 'Shift+Click', 'Scroll', `${MOD}+Scroll`, 'Double-click', 'Right-click']);
  });

  it('the "also" keys of a row work too (Backspace deletes, Ctrl+Y redoes)', () => {
    const backspace = { key: 'Backspace', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false } as KeyboardEvent;
    expect(SHORTCUTS.find((s) => s.match?.(backspace, false))?.action).toMatch(/^Delete/);
    const ctrlY = { key: 'y', ctrlKey: true, metaKey: false, shiftKey: false, altKey: false } as KeyboardEvent;
    expect(SHORTCUTS.find((s) => s.match?.(ctrlY, true))?.action).toMatch(/^Redo/);
  });
});
