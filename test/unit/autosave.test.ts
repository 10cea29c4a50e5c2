import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseGraph } from '../../src/core/format';
import type { GraphDoc } from '../../src/core/types';
import {
  AUTOSAVE_KEY,
  clearAutosave,
  createAutosave,
  loadAutosave,
  type AutosaveError,
  type KeyValueStorage,
} from '../../src/state/autosave';
import { addNode, setParams } from '../../src/state/commands';
import { recoverGraph } from '../../src/state/recover';
import { createEditorStore } from '../../src/state/store';

function smallDoc(): GraphDoc {
  return {
    format: 'unet-studio/graph',
    version: 2,
    name: 'small',
    nodes: [
      { id: 'input', op: 'input', params: { channels: 1, height: 64, width: 64 }, position: { x: 0, y: 0 } },
      { id: 'conv', op: 'conv2d', params: { filters: 8 }, position: { x: 100, y: 0 } },
      { id: 'output', op: 'output', params: {}, position: { x: 200, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 'input', target: 'conv', targetPort: 0 },
      { id: 'e2', source: 'conv', target: 'output', targetPort: 0 },
    ],
  };
}

/** How the format parser reads `smallDoc` back: the same graph with every param default filled in. */
function smallDocAsParsed(): GraphDoc {
  const parsed = parseGraph(smallDoc());
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  return parsed.doc;
}

function memoryStorage(): KeyValueStorage & { data: Map<string, string>; writes: number } {
  const data = new Map<string, string>();
  return {
    data,
    writes: 0,
    get: (key) => data.get(key) ?? null,
    set(key, value) {
      this.writes++;
      data.set(key, value);
    },
    remove: (key) => void data.delete(key),
  };
}

const quotaError = () => Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError', code: 22 });

describe('createAutosave', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-03-01T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('saves once, delayMs after the last of a burst of changes', () => {
    const store = createEditorStore(smallDoc());
    const storage = memoryStorage();
    createAutosave(store, storage, { delayMs: 500 });
    for (const f of [1, 16, 32]) {
      setParams(store, 'conv', { filters: f });
      vi.advanceTimersByTime(300);
    }
    expect(storage.writes).toBe(0);
    vi.advanceTimersByTime(199);
    expect(storage.writes).toBe(0);
    vi.advanceTimersByTime(1);
    expect(storage.writes).toBe(1);
    const saved = JSON.parse(storage.data.get(AUTOSAVE_KEY)!);
    expect(saved).toEqual({ savedAt: Date.parse('2025-03-01T12:00:01.100Z'), doc: store.getState().doc });
  });

  it('ignores selection changes, and saves again after undo', () => {
    const store = createEditorStore(smallDoc());
    const storage = memoryStorage();
    createAutosave(store, storage);
    store.setSelection({ nodes: ['conv'] });
    vi.advanceTimersByTime(5000);
    expect(storage.writes).toBe(0);
    setParams(store, 'conv', { filters: 3 });
    vi.advanceTimersByTime(500);
    store.undo();
    vi.advanceTimersByTime(500);
    expect(storage.writes).toBe(2);
    expect(loadAutosave(storage)!.doc).toEqual(smallDocAsParsed());
  });

  it('saves a pending change on flush and on dispose, then stops watching', () => {
    const store = createEditorStore(smallDoc());
    const storage = memoryStorage();
    const autosave = createAutosave(store, storage);
    setParams(store, 'conv', { filters: 3 });
    autosave.flush();
    expect(storage.writes).toBe(1);
    autosave.flush(); // nothing new
    expect(storage.writes).toBe(1);
    setParams(store, 'conv', { filters: 4 });
    autosave.dispose();
    expect(storage.writes).toBe(2);
    setParams(store, 'conv', { filters: 5 });
    vi.advanceTimersByTime(5000);
    expect(storage.writes).toBe(2);
  });

  it('reports a full storage once through onError, keeps editing alive, and recovers', () => {
    const store = createEditorStore(smallDoc());
    const storage = memoryStorage();
    let full = true;
    const set = storage.set.bind(storage);
    storage.set = (key, value) => {
      if (full) throw quotaError();
      set(key, value);
    };
    const errors: AutosaveError[] = [];
    const saved: number[] = [];
    createAutosave(store, storage, { onError: (e) => errors.push(e), onSaved: (t) => saved.push(t) });
    setParams(store, 'conv', { filters: 3 });
    expect(() => vi.advanceTimersByTime(500)).not.toThrow();
    setParams(store, 'conv', { filters: 4 });
    vi.advanceTimersByTime(500);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'quota', message: expect.stringMatching(/storage for this page is full .*kB/) });
    full = false;
    setParams(store, 'conv', { filters: 5 });
    vi.advanceTimersByTime(500);
    expect(saved).toHaveLength(1);
    expect(loadAutosave(storage)!.doc.nodes[1]!.params.filters).toBe(5);
  });

  it('reports missing browser storage instead of throwing (no localStorage in node)', () => {
    const store = createEditorStore(smallDoc());
    const onError = vi.fn();
    createAutosave(store, undefined, { onError });
    addNode(store, 'conv2d', { x: 0, y: 0 });
    vi.advanceTimersByTime(500);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ kind: 'unavailable' }));
    expect(loadAutosave()).toBeNull();
  });
});

describe('loadAutosave', () => {
  const save = (storage: KeyValueStorage, value: unknown) =>
    storage.set(AUTOSAVE_KEY, typeof value === 'string' ? value : JSON.stringify(value));

  it('returns the saved document and time', () => {
    const storage = memoryStorage();
    save(storage, { savedAt: 1234, doc: smallDoc() });
    expect(loadAutosave(storage)).toEqual({ doc: smallDocAsParsed(), savedAt: 1234, repaired: [] });
  });

  it.each([
    ['nothing saved', undefined],
    ['truncated JSON', '{"savedAt": 1, "doc": {"format": "unet-'],
    ['not an object', '42'],
    ['no savedAt', { doc: smallDoc() }],
    ['no doc', { savedAt: 1 }],
    ['not a graph', { savedAt: 1, doc: { hello: 'world' } }],
    ['a future version', { savedAt: 1, doc: { ...smallDoc(), version: 9 } }],
    ['an unknown op', { savedAt: 1, doc: { ...smallDoc(), nodes: [{ id: 'x', op: 'conv9d', params: {}, position: { x: 0, y: 0 } }], edges: [] } }],
    ['a dangling edge', { savedAt: 1, doc: { ...smallDoc(), edges: [{ id: 'e', source: 'ghost', target: 'conv', targetPort: 0 }] } }],
  ])('ignores %s', (_what, value) => {
    const storage = memoryStorage();
    if (value !== undefined) save(storage, value);
    expect(loadAutosave(storage)).toBeNull();
  });

  it('is null when reading storage throws', () => {
    const storage: KeyValueStorage = { get: () => { throw new Error('SecurityError'); }, set: () => {} };
    expect(loadAutosave(storage)).toBeNull();
  });

  it('restores work with a half-typed param, resetting just that param', () => {
    // The store no longer takes such a value; an autosave written before it did is still restored.
    const storage = memoryStorage();
    const doc = smallDoc();
    doc.nodes[1]!.params = { filters: -2, kernel: 5 };
    save(storage, { savedAt: 1, doc });
    const loaded = loadAutosave(storage)!;
    expect(loaded.doc.nodes[1]!.params).toMatchObject({ kernel: 5 });
    expect(loaded.doc.nodes[1]!.params.filters).toBe(64);
    expect(loaded.repaired).toEqual([expect.stringMatching(/^conv\.filters: expected an integer ≥ 1.*got -2 — reset to its default$/)]);
  });

  it('clears the saved document', () => {
    const storage = memoryStorage();
    save(storage, { savedAt: 1, doc: smallDoc() });
    clearAutosave(storage);
    expect(loadAutosave(storage)).toBeNull();
  });
});

describe('recoverGraph', () => {
  it('drops an edge left on a port that a param change removed', () => {
    const doc = smallDoc();
    doc.nodes.push({ id: 'crop', op: 'crop', params: { mode: 'size', height: 8, width: 8 }, position: { x: 0, y: 0 } });
    doc.edges.push({ id: 'x', source: 'input', target: 'crop', targetPort: 0 }, { id: 'like', source: 'conv', target: 'crop', targetPort: 1 });
    const recovered = recoverGraph(doc)!;
    expect(recovered.doc.edges.map((e) => e.id)).toEqual(['e1', 'e2', 'x']);
    expect(recovered.repaired).toEqual([expect.stringMatching(/port 1 of "crop".* — edge removed$/)]);
  });

  it('refuses documents with problems that are not editing leftovers', () => {
    expect(recoverGraph({ ...smallDoc(), nodes: [...smallDoc().nodes, smallDoc().nodes[0]] })).toBeNull();
    expect(recoverGraph('not json')).toBeNull();
  });
});
