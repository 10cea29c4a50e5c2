import { describe, expect, it } from 'vitest';
import { copySelection, cutSelection, duplicateSelection, parseClipboard, paste, selectAll } from '../../src/state/commands';
import { createEditorStore } from '../../src/state/store';
import { fanDoc, findNode, node, portsInto } from './state-fixtures';

describe('clipboard', () => {
  it('copies selected nodes with internal edges only, and pastes them under new ids, selected', () => {
    const store = createEditorStore(fanDoc());
    store.setSelection({ nodes: ['input', 'a', 'b'] });
    const clip = copySelection(store);
    expect(clip.nodes.map((n) => n.id)).toEqual(['input', 'a', 'b']);
    expect(clip.edges.map((e) => e.id)).toEqual(['input-a-0', 'input-b-0']);

    const ids = paste(store, clip, { x: 10, y: 20 });
    expect(ids).toEqual(['input_1', 'conv2d_1', 'conv2d_2']);
    const doc = store.getState().doc;
    expect(findNode(doc, 'conv2d_1')).toMatchObject({ op: 'conv2d', params: { filters: 8 }, position: { x: 110, y: 20 } });
    expect(portsInto(doc, 'conv2d_1')).toEqual([['input_1', 0]]);
    expect(portsInto(doc, 'conv2d_2')).toEqual([['input_1', 0]]);
    expect(store.getState().selection).toEqual({ nodes: ids, edges: ['e_input_1_conv2d_1', 'e_input_1_conv2d_2'] });
    expect(store.getState().undoLabel).toBe('Paste 3 nodes');
    store.undo();
    expect(store.getState().doc).toEqual(fanDoc());
  });

  it('survives a trip through the system clipboard as JSON text', () => {
    const store = createEditorStore(fanDoc());
    store.setSelection({ nodes: ['a', 'cat'] });
    const parsed = parseClipboard(JSON.stringify(copySelection(store)));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    paste(store, parsed.clipboard);
    // Only a→cat came along; it lands on port 0 of the copy, not port 0 with holes.
    expect(portsInto(store.getState().doc, 'concat_1')).toEqual([['conv2d_1', 0]]);
  });

  it('compacts a copied concat whose first inputs stayed behind', () => {
    const store = createEditorStore(fanDoc());
    store.setSelection({ nodes: ['c', 'cat'] });
    paste(store, copySelection(store));
    expect(portsInto(store.getState().doc, 'concat_1')).toEqual([['conv2d_1', 0]]);
  });

  it('explains what it cannot paste', () => {
    expect(parseClipboard('hello')).toEqual({ ok: false, reason: 'the clipboard does not hold UNet Studio nodes (it is not JSON)' });
    expect(parseClipboard({ format: 'other', nodes: [], edges: [] })).toMatchObject({ ok: false, reason: /expected format "unet-studio\/clipboard"/ });
    const bad = { format: 'unet-studio/clipboard', nodes: [{ ...node('x', 'conv2d'), position: { x: 'a', y: 0 } }], edges: [] };
    expect(parseClipboard(bad)).toMatchObject({ ok: false, reason: /clipboard nodes\.0\.position\.x/ });
    const unknown = { format: 'unet-studio/clipboard', nodes: [node('x', 'conv9d')], edges: [] };
    expect(parseClipboard(unknown)).toEqual({ ok: false, reason: 'clipboard node x: unknown op "conv9d"' });
  });

  it('cuts as one step and duplicates with an offset', () => {
    const store = createEditorStore(fanDoc());
    store.setSelection({ nodes: ['b'] });
    const clip = cutSelection(store);
    expect(clip.nodes.map((n) => n.id)).toEqual(['b']);
    expect(findNode(store.getState().doc, 'b')).toBeUndefined();
    expect(store.getState().undoLabel).toBe('Cut b');
    store.undo();
    store.setSelection({ nodes: ['a'] });
    const [copy] = duplicateSelection(store);
    expect(findNode(store.getState().doc, copy!)!.position).toEqual({ x: 140, y: 40 });
  });

  it('selects everything', () => {
    const store = createEditorStore(fanDoc());
    selectAll(store);
    expect(store.getState().selection.nodes).toHaveLength(6);
    expect(store.getState().selection.edges).toHaveLength(7);
  });
});

