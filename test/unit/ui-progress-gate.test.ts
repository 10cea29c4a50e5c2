// Issue 11: the open's progress line appears when the work takes over 300 ms (elapsed), not by file size.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressGate } from '../../src/ui/model/progressGate';

describe('progress gate', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('stays hidden for quick work', () => {
    const shown: string[] = [];
    const gate = progressGate('reading', { afterMs: 300, show: (s) => shown.push(s), now });
    clock = 120;
    expect(gate.step('drawing 40 nodes', 6)).toBe(false);
    vi.advanceTimersByTime(120);
    expect(gate.end()).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(shown).toEqual([]);
  });

  it('appears after 300 ms of work off the page thread, and then follows the steps', () => {
    const shown: string[] = [];
    const gate = progressGate('reading', { afterMs: 300, show: (s) => shown.push(s), now });
    vi.advanceTimersByTime(299);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual(['reading']);
    clock = 400;
    expect(gate.step('drawing 50 nodes', 7)).toBe(true);
    expect(shown).toEqual(['reading', 'drawing 50 nodes']);
    expect(gate.end()).toBe(true);
  });

  it('appears before a blocking step that would take the work past 300 ms, however small the input', () => {
    const shown: string[] = [];
    const gate = progressGate('reading', { afterMs: 300, show: (s) => shown.push(s), now });
    clock = 100;
    expect(gate.step('drawing 5,000 nodes', 750)).toBe(true);
    expect(shown).toEqual(['drawing 5,000 nodes']);
    vi.advanceTimersByTime(1000);
    expect(shown).toEqual(['drawing 5,000 nodes']);
    expect(gate.end()).toBe(true);
  });
});
