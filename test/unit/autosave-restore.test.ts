// Restoring the autosave loses nothing: what cannot be restored is kept (and offered for download), what was
// repaired is reported, and 21 repairable problems are repaired like 20.
import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../src/core/types';
import { AUTOSAVE_KEY, discardKeptAutosave, KEPT_AUTOSAVE_KEY, restoreAutosave, type KeyValueStorage } from '../../src/state/autosave';
import { recoverGraph } from '../../src/state/recover';

function memoryStorage(quota = Infinity): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  const used = () => [...data.values()].reduce((n, v) => n + v.length, 0);
  return {
    data,
    get: (key) => data.get(key) ?? null,
    set(key, value) {
      if (used() - (data.get(key)?.length ?? 0) + value.length > quota) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
      data.set(key, value);
    },
    remove: (key) => void data.delete(key),
  };
}

function chain(convs: number): GraphDoc {
  const nodes: GraphDoc['nodes'] = [{ id: 'input', op: 'input', params: { channels: 1, height: 64, width: 64 }, position: { x: 0, y: 0 } }];
  const edges: GraphDoc['edges'] = [];
  for (let i = 0; i < convs; i++) {
    nodes.push({ id: `c${i}`, op: 'conv2d', params: { filters: 4, padding: 'same' }, position: { x: 0, y: 100 * (i + 1) } });
    edges.push({ id: `e${i}`, source: i === 0 ? 'input' : `c${i - 1}`, target: `c${i}`, targetPort: 0 });
  }
  return { format: 'unet-studio/graph', version: 2, name: 'chain', nodes, edges };
}

const entry = (doc: unknown) => JSON.stringify({ savedAt: 1_700_000_000_000, doc });

describe('recoverGraph', () => {
  it.each([20, 21, 150])('repairs %i half-typed params (the count line is not a problem)', (n) => {
    const doc = chain(n);
    for (let i = 0; i < n; i++) doc.nodes[i + 1]!.params.kernel = -1;
    const recovered = recoverGraph(doc);
    expect(recovered).not.toBeNull();
    expect(recovered!.repaired).toHaveLength(n);
    expect(recovered!.doc.nodes.every((node) => node.op !== 'conv2d' || node.params.kernel === 3)).toBe(true);
  });
});

describe('restoreAutosave', () => {
  it('restores a clean entry and keeps nothing', () => {
    const storage = memoryStorage();
    storage.set(AUTOSAVE_KEY, entry(chain(2)));
    const result = restoreAutosave(storage);
    expect(result).toMatchObject({ kind: 'restored', saved: { repaired: [] } });
    expect(result.kept).toBeUndefined();
    expect(storage.data.has(KEPT_AUTOSAVE_KEY)).toBe(false);
  });

  it('reports a repaired param (kernel "abc" is not silently 3) and keeps the original', () => {
    const storage = memoryStorage();
    const doc = chain(1);
    doc.nodes[1]!.params.kernel = 'abc';
    const raw = entry(doc);
    storage.set(AUTOSAVE_KEY, raw);
    const result = restoreAutosave(storage);
    if (result.kind !== 'restored') throw new Error(result.kind);
    expect(result.saved.repaired).toEqual([expect.stringMatching(/^c0\.kernel: expected an integer.*got "abc" — reset to its default$/)]);
    expect(result.kept).toEqual({ text: raw, stored: true });
    expect(storage.get(KEPT_AUTOSAVE_KEY)).toBe(raw);
  });

  const bigDescription = { ...chain(1), description: 'd'.repeat(4.5e6) };
  it.each([
    ['garbage', 'garbage{', /not JSON/],
    ['truncated', entry(chain(3)).slice(0, 200), /not JSON/],
    ['[]', '[]', /not an autosave entry/],
    ['{}', '{}', /no save time/],
    ['a __proto__ key', entry(chain(1)).replace('"name":"chain"', '"name":"chain","__proto__":{"x":1}'), /__proto__/],
    ['a 4.5 MB description', entry(bigDescription), /description: 4,?500,?000 characters; the limit is 20,?000/],
    ['a dangling edge', entry({ ...chain(1), edges: [{ id: 'x', source: 'ghost', target: 'c0', targetPort: 0 }] }), /dangling|not a node/],
  ])('keeps an entry it cannot restore (%s) and says why', (_, raw, reason) => {
    const storage = memoryStorage();
    storage.set(AUTOSAVE_KEY, raw);
    const result = restoreAutosave(storage);
    expect(result.kind).toBe('unreadable');
    if (result.kind !== 'unreadable') return;
    expect(result.reason).toMatch(reason);
    expect(result.reason.length).toBeLessThan(400);
    expect(result.kept).toEqual({ text: raw, stored: true });
    // The next save writes AUTOSAVE_KEY; the kept copy is elsewhere.
    storage.set(AUTOSAVE_KEY, entry(chain(1)));
    expect(storage.get(KEPT_AUTOSAVE_KEY)).toBe(raw);
    // Still offered on the next start, until discarded.
    expect(restoreAutosave(storage).kept).toEqual({ text: raw, stored: true });
    discardKeptAutosave(storage);
    expect(restoreAutosave(storage).kept).toBeUndefined();
  });

  it('keeps the entry even when storage is too full for a second copy', () => {
    const raw = 'x'.repeat(1000);
    const storage = memoryStorage(1500);
    storage.set(AUTOSAVE_KEY, raw);
    const result = restoreAutosave(storage);
    expect(result).toMatchObject({ kind: 'unreadable', kept: { text: raw, stored: true } });
    expect(storage.get(KEPT_AUTOSAVE_KEY)).toBe(raw);
  });

  it('holds the entry in the page when storage cannot keep it at all', () => {
    const raw = 'x'.repeat(1000);
    const storage = memoryStorage(1500);
    storage.set(AUTOSAVE_KEY, raw);
    storage.set = () => {
      throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    };
    const result = restoreAutosave(storage);
    expect(result).toMatchObject({ kind: 'unreadable', kept: { text: raw, stored: false } });
  });
});
