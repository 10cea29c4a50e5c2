import { describe, expect, it, vi } from 'vitest';
import { parseGraph, serializeGraph } from '../../src/core/format';
import type { GraphDoc, GraphNode } from '../../src/core/types';
import { createEditorStore, type EditorStore } from '../../src/state/store';

const node = (id: string, op: string, x = 0, params: GraphNode['params'] = {}): GraphNode => ({
  id,
  op,
  params,
  position: { x, y: 0 },
});

function chainDoc(): GraphDoc {
  return {
    format: 'unet-studio/graph',
    version: 2,
    name: 'chain',
    nodes: [node('input', 'input'), node('conv', 'conv2d', 100, { filters: 64 }), node('output', 'output', 200)],
    edges: [
      { id: 'e1', source: 'input', target: 'conv', targetPort: 0 },
      { id: 'e2', source: 'conv', target: 'output', targetPort: 0 },
    ],
  };
}

/** A clock the test moves by hand, for the merge window. */
function manualClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const setFilters = (store: EditorStore, filters: number, mergeKey?: string) =>
  store.apply(
    'Set filters',
    (d) => {
      d.nodes.find((n) => n.id === 'conv')!.params.filters = filters;
    },
    mergeKey ? { mergeKey } : undefined,
  );

const moveConv = (store: EditorStore, x: number) =>
  store.apply(
    'Move conv',
    (d) => {
      d.nodes.find((n) => n.id === 'conv')!.position = { x, y: 0 };
    },
    { mergeKey: 'move:conv' },
  );

describe('state snapshots and subscriptions', () => {
  it('returns the same state object until something changes, and a new one after', () => {
    const store = createEditorStore(chainDoc());
    const first = store.getState();
    expect(store.getState()).toBe(first);
    setFilters(store, 32);
    const second = store.getState();
    expect(second).not.toBe(first);
    expect(second.revision).toBe(first.revision + 1);
    expect(first.doc.nodes[1]!.params.filters).toBe(64); // old snapshots are untouched
  });

  it('notifies subscribers on changes and stops after unsubscribe', () => {
    const store = createEditorStore(chainDoc());
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    setFilters(store, 32);
    store.setSelection({ nodes: ['conv'] });
    expect(listener).toHaveBeenCalledTimes(2);
    unsubscribe();
    setFilters(store, 16);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('keeps its own frozen copy of the document', () => {
    const doc = chainDoc();
    const store = createEditorStore(doc);
    doc.nodes[1]!.params.filters = 999;
    expect(store.getState().doc.nodes[1]!.params.filters).toBe(64);
    expect(Object.isFrozen(doc)).toBe(false);
    expect(Object.isFrozen(store.getState().doc.nodes[1]!.params)).toBe(true);
  });
});

describe('undo and redo', () => {
  it('records nothing for a recipe that changes nothing', () => {
    const store = createEditorStore(chainDoc());
    const before = store.getState();
    const listener = vi.fn();
    store.subscribe(listener);
    store.apply('Nothing', (d) => {
      d.nodes[1]!.params.filters = 64;
    });
    expect(store.getState()).toBe(before);
    expect(store.getState().canUndo).toBe(false);
    expect(listener).not.toHaveBeenCalled();
  });

  it('leaves the document untouched when a recipe throws', () => {
    const store = createEditorStore(chainDoc());
    const before = store.getState();
    expect(() =>
      store.apply('Broken', (d) => {
        d.nodes.pop();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.getState()).toBe(before);
  });

  it('undoes and redoes exactly, step by step, with labels', () => {
    const store = createEditorStore(chainDoc());
    const snapshots = [structuredClone(store.getState().doc)];
    store.apply('Add pool', (d) => {
      d.nodes.splice(1, 0, node('pool', 'maxPool2d', 50, { size: 2 }));
    });
    snapshots.push(structuredClone(store.getState().doc));
    store.apply('Rewire', (d) => {
      d.edges[0]!.target = 'pool';
      d.edges.push({ id: 'e3', source: 'pool', target: 'conv', targetPort: 0 });
    });
    snapshots.push(structuredClone(store.getState().doc));
    store.apply('Describe', (d) => {
      d.description = 'with a pool';
      delete d.nodes[2]!.params.filters;
    });
    snapshots.push(structuredClone(store.getState().doc));
    expect(store.getState().undoLabel).toBe('Describe');

    for (let i = snapshots.length - 2; i >= 0; i--) {
      store.undo();
      expect(store.getState().doc).toEqual(snapshots[i]);
    }
    expect(store.getState()).toMatchObject({ canUndo: false, canRedo: true, redoLabel: 'Add pool' });
    store.undo(); // nothing left: no change
    expect(store.getState().doc).toEqual(snapshots[0]);

    for (let i = 1; i < snapshots.length; i++) {
      store.redo();
      expect(store.getState().doc).toEqual(snapshots[i]);
    }
    expect(store.getState()).toMatchObject({ canUndo: true, canRedo: false, undoLabel: 'Describe' });
  });

  it('drops the redo branch when a new edit is made after undo', () => {
    const store = createEditorStore(chainDoc());
    setFilters(store, 32);
    setFilters(store, 16);
    store.undo();
    expect(store.getState().canRedo).toBe(true);
    setFilters(store, 8);
    expect(store.getState().canRedo).toBe(false);
    store.undo();
    expect(store.getState().doc.nodes[1]!.params.filters).toBe(32);
  });

  it('stays exact over a long random edit sequence', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Raw edits (dangling edges, any port): this tests the history, not the format's rules.
    const store = createEditorStore(chainDoc(), { validate: false });
    const snapshots = [structuredClone(store.getState().doc)];
    for (let step = 0; step < 150; step++) {
      const r = random();
      store.apply(`step ${step}`, (d) => {
        if (r < 0.3 || d.nodes.length < 2) d.nodes.push(node(`n${step}`, 'conv2d', step, { filters: step + 1 }));
        else if (r < 0.5) d.nodes.splice(Math.floor(random() * d.nodes.length), 1);
        else if (r < 0.7) d.nodes[Math.floor(random() * d.nodes.length)]!.position.x += 10;
        else if (r < 0.85) d.edges.push({ id: `e${step}`, source: d.nodes[0]!.id, target: d.nodes.at(-1)!.id, targetPort: step });
        else d.name = `name ${step}`;
      });
      snapshots.push(structuredClone(store.getState().doc));
    }
    for (let i = snapshots.length - 2; i >= 0; i--) {
      store.undo();
      expect(store.getState().doc).toEqual(snapshots[i]);
    }
    for (let i = 1; i < snapshots.length; i++) {
      store.redo();
      expect(store.getState().doc).toEqual(snapshots[i]);
    }
  });

  it('keeps at most historyLimit steps, dropping the oldest', () => {
    const store = createEditorStore(chainDoc(), { historyLimit: 3 });
    for (const f of [1, 2, 3, 4, 5]) setFilters(store, f);
    let undos = 0;
    while (store.getState().canUndo) {
      store.undo();
      undos++;
    }
    expect(undos).toBe(3);
    expect(store.getState().doc.nodes[1]!.params.filters).toBe(2);
  });

  it('defaults to a 200-step history', () => {
    const store = createEditorStore(chainDoc());
    for (let f = 1; f <= 205; f++) setFilters(store, f);
    let undos = 0;
    while (store.getState().canUndo) (store.undo(), undos++);
    expect(undos).toBe(200);
  });
});

describe('merging', () => {
  it('merges a drag into one step whose undo returns to where the drag began', () => {
    const clock = manualClock();
    const store = createEditorStore(chainDoc(), { now: clock.now });
    for (const x of [110, 130, 160, 200]) {
      moveConv(store, x);
      clock.advance(16);
    }
    store.endMerge();
    expect(store.getState().doc.nodes[1]!.position.x).toBe(200);
    store.undo();
    expect(store.getState().doc).toEqual(chainDoc());
    expect(store.getState().canUndo).toBe(false);
    store.redo();
    expect(store.getState().doc.nodes[1]!.position.x).toBe(200);
  });

  it('merges typed digits of one field; pauses, endMerge and other keys start new steps', () => {
    const clock = manualClock();
    const store = createEditorStore(chainDoc(), { now: clock.now });
    for (const f of [1, 12, 128]) {
      setFilters(store, f, 'conv.filters');
      clock.advance(300);
    }
    clock.advance(1500); // a pause longer than the merge window
    setFilters(store, 256, 'conv.filters');
    store.endMerge();
    setFilters(store, 512, 'conv.filters');
    moveConv(store, 5); // different key
    setFilters(store, 1024, 'conv.filters'); // merge group was broken by the move

    const history: number[] = [];
    while (store.getState().canUndo) {
      store.undo();
      history.push(store.getState().doc.nodes[1]!.params.filters as number);
    }
    expect(history).toEqual([512, 512, 256, 128, 64]);
  });

  it('merges steps that change the structure, undoing them newest first', () => {
    const clock = manualClock();
    const store = createEditorStore(chainDoc(), { now: clock.now, validate: false });
    store.apply('Add', (d) => void d.nodes.push(node('extra', 'conv2d')), { mergeKey: 'k' });
    store.apply('Edit', (d) => void (d.nodes.at(-1)!.params.filters = 3), { mergeKey: 'k' });
    store.apply('Remove', (d) => void d.nodes.splice(1, 1), { mergeKey: 'k' });
    store.apply('Rename', (d) => void (d.nodes[1]!.id = 'renamed'), { mergeKey: 'k' });
    const after = structuredClone(store.getState().doc);
    expect(after.nodes.map((n) => n.id)).toEqual(['input', 'renamed', 'extra']);
    store.undo();
    expect(store.getState().doc).toEqual(chainDoc());
    expect(store.getState().canUndo).toBe(false);
    store.redo();
    expect(store.getState().doc).toEqual(after);
  });

  it('stays exact over a long drag', () => {
    const clock = manualClock();
    const store = createEditorStore(chainDoc(), { now: clock.now });
    for (let x = 0; x < 500; x++) {
      moveConv(store, x + 101);
      clock.advance(16);
    }
    store.undo();
    expect(store.getState().doc).toEqual(chainDoc());
    store.redo();
    expect(store.getState().doc.nodes[1]!.position.x).toBe(600);
  });

  it('does not merge into a step that undo has taken back', () => {
    const clock = manualClock();
    const store = createEditorStore(chainDoc(), { now: clock.now });
    setFilters(store, 1, 'k');
    store.undo();
    setFilters(store, 2, 'k');
    store.undo();
    expect(store.getState().doc.nodes[1]!.params.filters).toBe(64);
    expect(store.getState().canUndo).toBe(false);
  });
});

describe('selection', () => {
  it('is not history: selecting changes neither the revision nor the undo stack', () => {
    const store = createEditorStore(chainDoc());
    setFilters(store, 32);
    const { revision } = store.getState();
    store.setSelection({ nodes: ['conv'], edges: ['e1'] });
    expect(store.getState()).toMatchObject({ revision, undoLabel: 'Set filters', selection: { nodes: ['conv'], edges: ['e1'] } });
    store.setSelection({ nodes: ['output'] });
    store.undo();
    expect(store.getState().selection).toEqual({ nodes: ['output'], edges: ['e1'] });
  });

  it('ignores ids that do not exist and does not notify for an unchanged selection', () => {
    const store = createEditorStore(chainDoc());
    store.setSelection({ nodes: ['conv', 'ghost', 'conv'] });
    expect(store.getState().selection.nodes).toEqual(['conv']);
    const state = store.getState();
    store.setSelection({ nodes: ['conv'] });
    expect(store.getState()).toBe(state);
  });

  it('is pruned when selected elements disappear (delete, undo of an add)', () => {
    const store = createEditorStore(chainDoc());
    store.apply('Add', (d) => {
      d.nodes.push(node('extra', 'conv2d'));
    });
    store.setSelection({ nodes: ['extra', 'conv'], edges: ['e2'] });
    store.undo();
    expect(store.getState().selection).toEqual({ nodes: ['conv'], edges: ['e2'] });
    store.apply('Delete e2', (d) => {
      d.edges.splice(1, 1);
    });
    expect(store.getState().selection).toEqual({ nodes: ['conv'], edges: [] });
  });
});

describe('replaceDocument', () => {
  it('is one undoable step that clears the selection', () => {
    const store = createEditorStore(chainDoc());
    store.setSelection({ nodes: ['conv'] });
    const template: GraphDoc = { ...chainDoc(), name: 'template', nodes: [node('input', 'input')], edges: [] };
    store.replaceDocument(template, 'Load template');
    expect(store.getState().doc).toEqual(template);
    expect(store.getState()).toMatchObject({ undoLabel: 'Load template', selection: { nodes: [], edges: [] } });
    template.name = 'changed by caller';
    expect(store.getState().doc.name).toBe('template');
    store.undo();
    expect(store.getState().doc).toEqual(chainDoc());
    store.redo();
    expect(store.getState().doc.name).toBe('template');
  });

  it('adopts a document fresh from the parser as it is (frozen, not copied), still undoable', () => {
    const store = createEditorStore(chainDoc());
    const parsed = parseGraph(serializeGraph({ ...chainDoc(), name: 'opened' }));
    if (!parsed.ok) throw new Error('does not parse');
    expect(store.replaceDocument(parsed.doc, 'Open', { parsed: true }).ok).toBe(true);
    expect(store.getState().doc).toBe(parsed.doc);
    expect(Object.isFrozen(parsed.doc.nodes[0]!.params)).toBe(true);
    store.undo();
    expect(store.getState().doc).toEqual(chainDoc());
  });
});
