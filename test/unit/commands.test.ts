import { describe, expect, it } from 'vitest';
import type { Fix } from '../../src/core/diagnostics';
import { inferShapes } from '../../src/core/infer';
import type { GraphDoc } from '../../src/core/types';
import {
  addNode,
  applyDiagnosticFix,
  connect,
  deleteSelection,
  emptyDocument,
  isValidConnection,
  moveNodes,
  newDocument,
  removeElements,
  setLabel,
  setParams,
} from '../../src/state/commands';
import { createEditorStore } from '../../src/state/store';
import { edge, fanDoc, findNode, node, portsInto } from './state-fixtures';

describe('addNode', () => {
  it('gives readable unique ids, fills defaults and selects the new node', () => {
    const store = createEditorStore(fanDoc());
    const first = addNode(store, 'conv2d', { x: 5, y: 6 }, { filters: 16 });
    const second = addNode(store, 'conv2d', { x: 0, y: 0 });
    expect([first, second]).toEqual(['conv2d_1', 'conv2d_2']);
    const added = findNode(store.getState().doc, first)!;
    expect(added).toMatchObject({ op: 'conv2d', position: { x: 5, y: 6 }, params: { filters: 16, kernel: 3, padding: 'valid' } });
    expect(store.getState().selection.nodes).toEqual([second]);
    expect(store.getState().undoLabel).toBe('Add Conv 2D');
  });

  it('numbers after the highest id in use', () => {
    const doc = fanDoc();
    doc.nodes.push(node('conv2d_7', 'conv2d'));
    expect(addNode(createEditorStore(doc), 'conv2d', { x: 0, y: 0 })).toBe('conv2d_8');
  });

  it('names the unknown op and the known ones', () => {
    const store = createEditorStore(fanDoc());
    expect(() => addNode(store, 'conv3d', { x: 0, y: 0 })).toThrow(/unknown op "conv3d" \(known ops: input, conv2d/);
    expect(store.getState().canUndo).toBe(false);
  });
});

describe('connect and isValidConnection', () => {
  it('adds an edge as one step', () => {
    const store = createEditorStore(fanDoc());
    const id = addNode(store, 'conv2d', { x: 0, y: 0 });
    const result = connect(store, { source: 'a', target: id, targetPort: 0 });
    expect(result).toEqual({ ok: true, edgeId: `e_a_${id}` });
    expect(portsInto(store.getState().doc, id)).toEqual([['a', 0]]);
    expect(store.getState().undoLabel).toBe(`Connect a → ${id}`);
  });

  it.each([
    [{ source: 'a', target: 'a', targetPort: 0 }, /a cannot feed its own input/],
    [{ source: 'cat', target: 'a', targetPort: 0 }, /input "x" of a is already fed by input/],
    [{ source: 'output', target: 'a', targetPort: 0 }, /output is an output/],
    [{ source: 'a', target: 'input', targetPort: 0 }, /input \(Input\) takes no inputs/],
    [{ source: 'a', target: 'output', targetPort: 1 }, /output \(Output\) has no input port 1; it takes 1: x/],
    [{ source: 'a', target: 'cat', targetPort: 1 }, /input 1 of cat is already fed by b/],
    [{ source: 'ghost', target: 'a', targetPort: 0 }, /no node "ghost"/],
    [{ source: 'a', target: 'b', targetPort: -1 }, /not a port number/],
  ])('rejects %o', (conn, reason) => {
    const store = createEditorStore(fanDoc());
    const result = connect(store, conn);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
    expect(store.getState().canUndo).toBe(false);
  });

  it('rejects a cycle, naming both ends', () => {
    const store = createEditorStore(fanDoc());
    const id = addNode(store, 'conv2d', { x: 0, y: 0 });
    expect(connect(store, { source: 'cat', target: id, targetPort: 0 }).ok).toBe(true);
    const loop = isValidConnection(store.getState().doc, { source: id, target: 'cat', targetPort: 3 });
    expect(loop).toEqual({ ok: false, reason: `connecting ${id} → cat would create a cycle: cat already feeds ${id}` });
  });

  it('appends to a variadic op when dropped on the free slot or past it', () => {
    const store = createEditorStore(fanDoc());
    const extra = addNode(store, 'conv2d', { x: 0, y: 0 });
    connect(store, { source: 'input', target: extra, targetPort: 0 });
    expect(isValidConnection(store.getState().doc, { source: extra, target: 'cat', targetPort: 7 })).toEqual({ ok: true, targetPort: 3 });
    expect(connect(store, { source: extra, target: 'cat', targetPort: 7 }).ok).toBe(true);
    expect(portsInto(store.getState().doc, 'cat')).toEqual([['a', 0], ['b', 1], ['c', 2], [extra, 3]]);
    // The same source may feed a concat twice (a channel duplicate is legal).
    expect(connect(store, { source: 'a', target: 'cat', targetPort: 4 })).toEqual({ ok: true, edgeId: 'e_a_cat' });
    expect(connect(store, { source: 'a', target: 'cat', targetPort: 5 })).toEqual({ ok: true, edgeId: 'e_a_cat_2' });
  });

  it('lets an empty concat be filled in either of its two visible slots', () => {
    const store = createEditorStore(fanDoc());
    const cat = addNode(store, 'concat', { x: 0, y: 0 });
    expect(isValidConnection(store.getState().doc, { source: 'a', target: cat, targetPort: 1 })).toEqual({ ok: true, targetPort: 1 });
    expect(isValidConnection(store.getState().doc, { source: 'a', target: cat, targetPort: 2 })).toEqual({ ok: true, targetPort: 0 });
  });

  it('stops at the op maximum', () => {
    const store = createEditorStore(fanDoc());
    const add = addNode(store, 'add', { x: 0, y: 0 });
    for (let i = 0; i < 8; i++) expect(connect(store, { source: 'a', target: add, targetPort: i }).ok).toBe(true);
    const ninth = connect(store, { source: 'b', target: add, targetPort: 8 });
    expect(ninth).toEqual({ ok: false, reason: `${add} already has 8 inputs, the most add takes` });
  });

  it('follows params that change the ports (crop gains "like" in mode like)', () => {
    const store = createEditorStore(fanDoc());
    const crop = addNode(store, 'crop', { x: 0, y: 0 }, { mode: 'size', height: 8, width: 8 });
    expect(isValidConnection(store.getState().doc, { source: 'b', target: crop, targetPort: 1 }).ok).toBe(false);
    setParams(store, crop, { mode: 'like' });
    expect(isValidConnection(store.getState().doc, { source: 'b', target: crop, targetPort: 1 })).toEqual({ ok: true, targetPort: 1 });
  });
});

describe('removeElements', () => {
  it('removes a node with its edges and compacts the concat it fed, in order', () => {
    const store = createEditorStore(fanDoc());
    removeElements(store, { nodes: ['b'] });
    const doc = store.getState().doc;
    expect(findNode(doc, 'b')).toBeUndefined();
    expect(doc.edges.some((e) => e.source === 'b' || e.target === 'b')).toBe(false);
    expect(portsInto(doc, 'cat')).toEqual([['a', 0], ['c', 1]]);
    expect(store.getState().undoLabel).toBe('Delete b');
    store.undo();
    expect(store.getState().doc).toEqual(fanDoc());
  });

  it('compacts when only the edge into port 0 is removed', () => {
    const store = createEditorStore(fanDoc());
    removeElements(store, { edges: ['a-cat-0'] });
    expect(portsInto(store.getState().doc, 'cat')).toEqual([['b', 0], ['c', 1]]);
  });

  it('leaves named ports alone and records nothing for unknown ids', () => {
    const doc = fanDoc();
    doc.nodes.push(node('crop', 'crop', { mode: 'like' }));
    doc.edges.push(edge('a', 'crop', 0), edge('b', 'crop', 1));
    const store = createEditorStore(doc);
    removeElements(store, { edges: ['a-crop-0'] });
    expect(portsInto(store.getState().doc, 'crop')).toEqual([['b', 1]]);
    const state = store.getState();
    removeElements(store, { nodes: ['ghost'] });
    expect(store.getState()).toBe(state);
  });

  it('deletes the selection and prunes it', () => {
    const store = createEditorStore(fanDoc());
    store.setSelection({ nodes: ['a', 'c'], edges: ['cat-output-0'] });
    deleteSelection(store);
    expect(store.getState().undoLabel).toBe('Delete 2 nodes and 1 edge');
    expect(store.getState().selection).toEqual({ nodes: [], edges: [] });
    expect(portsInto(store.getState().doc, 'cat')).toEqual([['b', 0]]);
  });
});

describe('setParams, setLabel, moveNodes', () => {
  it('merges typing into one field and keeps fields apart', () => {
    const store = createEditorStore(fanDoc());
    for (const f of [1, 12, 128]) setParams(store, 'a', { filters: f });
    setParams(store, 'a', { kernel: 5 });
    expect(findNode(store.getState().doc, 'a')!.params).toMatchObject({ filters: 128, kernel: 5 });
    store.undo();
    expect(findNode(store.getState().doc, 'a')!.params.filters).toBe(128);
    store.undo();
    expect(store.getState().doc).toEqual(fanDoc());
  });

  it('refuses a value the format refuses (inference still reports one in a document), and ignores a node that is gone', () => {
    // The store refuses what autosave could not restore (issue 11); the field keeps half-typed text on its own.
    const refusing = createEditorStore(fanDoc());
    const before = refusing.getState();
    expect(setParams(refusing, 'a', { filters: -2 })).toMatchObject({ ok: false, message: expect.stringMatching(/^Set a\.filters was not applied: nodes\[1\]\.params\.filters: expected an integer ≥ 1.*got -2$/) });
    expect(refusing.getState()).toBe(before);
    const doc = fanDoc();
    doc.nodes[1]!.params.filters = -2;
    const bad = inferShapes(doc).diagnostics.find((d) => d.code === 'bad-param');
    expect(bad).toMatchObject({ nodeId: 'a', field: 'filters' });
    const store = createEditorStore(fanDoc());
    const state = store.getState();
    setParams(store, 'ghost', { filters: 3 });
    expect(store.getState()).toBe(state);
  });

  it('sets and clears labels', () => {
    const store = createEditorStore(fanDoc());
    setLabel(store, 'a', '  skip conv ');
    expect(findNode(store.getState().doc, 'a')!.label).toBe('skip conv');
    store.endMerge();
    setLabel(store, 'a', '   ');
    expect('label' in findNode(store.getState().doc, 'a')!).toBe(false);
    store.undo();
    expect(findNode(store.getState().doc, 'a')!.label).toBe('skip conv');
  });

  it('merges the frames of a drag; final ends it; undo returns to before the drag', () => {
    const store = createEditorStore(fanDoc());
    for (let i = 1; i <= 5; i++) moveNodes(store, { a: { x: 100 + i, y: i }, b: { x: 100, y: 10 * i } });
    moveNodes(store, { a: { x: 150, y: 50 }, b: { x: 100, y: 60 } }, { final: true });
    moveNodes(store, { a: { x: 0, y: 0 }, b: { x: 0, y: 0 } }, { final: true });
    store.undo();
    expect(findNode(store.getState().doc, 'a')!.position).toEqual({ x: 150, y: 50 });
    store.undo();
    expect(store.getState().doc).toEqual(fanDoc());
    expect(store.getState().canUndo).toBe(false);
  });

  it('ignores non-finite positions', () => {
    const store = createEditorStore(fanDoc());
    moveNodes(store, { a: { x: Number.NaN, y: 0 } }, { final: true });
    expect(store.getState().canUndo).toBe(false);
  });
});

describe('documents', () => {
  it('starts a new document as one undoable step', () => {
    const store = createEditorStore(fanDoc());
    newDocument(store, 'Blank');
    expect(store.getState().doc).toEqual(emptyDocument('Blank'));
    expect(inferShapes(store.getState().doc).diagnostics).toEqual([]);
    store.undo();
    expect(store.getState().doc).toEqual(fanDoc());
  });
});

describe('applyDiagnosticFix', () => {
  /** input 1×32×32 and a valid 3×3 conv (30×30) meet at a concat: the paper's uncropped skip. */
  function mismatchDoc(): GraphDoc {
    const doc = fanDoc();
    doc.nodes = doc.nodes.filter((n) => n.id !== 'b' && n.id !== 'c');
    findNode(doc, 'a')!.params.padding = 'valid';
    doc.edges = [edge('input', 'a'), edge('input', 'cat', 0), edge('a', 'cat', 1), edge('cat', 'output')];
    return doc;
  }

  it('applies a real concat-mismatch fix as one undoable step and selects the inserted node', () => {
    const store = createEditorStore(mismatchDoc());
    const diagnostic = inferShapes(store.getState().doc).diagnostics.find((d) => d.code === 'concat-mismatch');
    const crop = diagnostic?.fixes?.find((f) => f.actions[0]?.kind === 'insertBefore' && f.actions[0].op === 'crop');
    expect(crop).toBeDefined();
    const result = applyDiagnosticFix(store, crop!);
    expect(result.ok).toBe(true);
    const added = result.ok ? result.addedNodes : [];
    expect(added).toHaveLength(1);
    expect(store.getState().selection.nodes).toEqual(added);
    expect(store.getState().undoLabel).toBe(crop!.label);
    const after = inferShapes(store.getState().doc);
    expect(after.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(after.nodes.get('cat')!.output).toEqual({ c: 9, h: 30, w: 30 });
    store.undo();
    expect(store.getState().doc).toEqual(mismatchDoc());
  });

  it('reports a stale fix without changing anything', () => {
    const store = createEditorStore(mismatchDoc());
    const stale: Fix = {
      label: 'Set then remove',
      actions: [
        { kind: 'setParams', nodeId: 'a', params: { filters: 3 } },
        { kind: 'removeEdge', edgeId: 'gone' },
      ],
    };
    const result = applyDiagnosticFix(store, stale);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/could not apply "Set then remove": .*gone/) });
    expect(store.getState().doc).toEqual(mismatchDoc());
    expect(store.getState().canUndo).toBe(false);
  });
});
