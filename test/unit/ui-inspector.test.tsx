// @vitest-environment jsdom
import './setup-dom';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc } from '../../src/core/types';
import { createEditorStore, type EditorStore } from '../../src/state/store';
import { App } from '../../src/ui/App';
import { getTemplate } from '../../src/ui/model/templates';

function renderEditor(doc: GraphDoc, select?: string): EditorStore {
  const store = createEditorStore(doc);
  const saved = new Map<string, string>();
  const storage = { get: (k: string) => saved.get(k) ?? null, set: (k: string, v: string) => void saved.set(k, v) };
  render(<App store={store} storage={storage} templateId="paper-572" />);
  if (select) act(() => store.setSelection({ nodes: [select], edges: [] }));
  return store;
}

const paper = () => structuredClone(getTemplate('paper-572')!.doc);
const paramsOf = (store: EditorStore, id: string) => store.getState().doc.nodes.find((n) => n.id === id)!.params;
const type = (testId: string, text: string) => act(() => void fireEvent.change(screen.getByTestId(testId), { target: { value: text } }));

describe('Inspector', () => {
  it('generates fields from the op ParamSpecs and hides those whose `when` does not hold', () => {
    const store = renderEditor(paper(), 'enc0_conv1');
    for (const name of ['filters', 'kernel', 'stride', 'padding', 'dilation', 'bias', 'activation'])
      expect(screen.getByTestId(`param-${name}`)).toBeTruthy();
    expect(screen.queryByTestId('param-alpha')).toBeNull();
    act(() => void fireEvent.change(screen.getByTestId('param-activation'), { target: { value: 'leakyRelu' } }));
    expect(paramsOf(store, 'enc0_conv1').activation).toBe('leakyRelu');
    expect(screen.getByTestId('param-alpha')).toBeTruthy();
  });

  it('validates while typing with the spec message and never commits a refused value', () => {
    const store = renderEditor(paper(), 'enc0_conv1');
    type('param-filters', '-2');
    expect(screen.getByTestId('param-filters-error').textContent).toBe('expected an integer ≥ 1 and ≤ 65536, got -2');
    expect(paramsOf(store, 'enc0_conv1').filters).toBe(64);
    type('param-filters', '12.5');
    expect(screen.getByTestId('param-filters-error').textContent).toMatch(/expected an integer/);
    type('param-filters', 'abc');
    expect(screen.getByTestId('param-filters-error').textContent).toBe('expected an integer ≥ 1 and ≤ 65536, got "abc"');
    expect(paramsOf(store, 'enc0_conv1').filters).toBe(64);
    type('param-filters', '32');
    expect(screen.queryByTestId('param-filters-error')).toBeNull();
    // Typed is not committed: leaving the field (or Enter) commits it.
    expect(paramsOf(store, 'enc0_conv1').filters).toBe(64);
    act(() => void fireEvent.blur(screen.getByTestId('param-filters')));
    expect(paramsOf(store, 'enc0_conv1').filters).toBe(32);
    expect(screen.getByTestId('inspector-shape').textContent).toBe('32×570×570');
    // Leaving a refused value restores the last good one.
    type('param-filters', '0');
    act(() => void fireEvent.blur(screen.getByTestId('param-filters')));
    expect((screen.getByTestId('param-filters') as HTMLInputElement).value).toBe('32');
  });

  it('shows each number field its range, and steps integers with the arrow keys within it', () => {
    const store = renderEditor(paper(), 'enc0_conv1');
    expect(screen.getByTestId('field-kernel').textContent).toContain('1 – 31');
    act(() => void fireEvent.keyDown(screen.getByTestId('param-kernel'), { key: 'ArrowUp' }));
    expect(paramsOf(store, 'enc0_conv1').kernel).toBe(4);
    act(() => void fireEvent.keyDown(screen.getByTestId('param-stride'), { key: 'ArrowDown' }));
    expect(paramsOf(store, 'enc0_conv1').stride).toBe(1); // 0 is out of range: nothing committed
  });

  it('edits padding as valid / same / an explicit number', () => {
    const store = renderEditor(paper(), 'enc0_conv1');
    act(() => void fireEvent.change(screen.getByTestId('param-padding'), { target: { value: 'same' } }));
    expect(paramsOf(store, 'enc0_conv1').padding).toBe('same');
    expect(screen.queryByTestId('param-padding-value')).toBeNull();
    act(() => void fireEvent.change(screen.getByTestId('param-padding'), { target: { value: 'explicit' } }));
    expect(paramsOf(store, 'enc0_conv1').padding).toBe(1);
    type('param-padding-value', '2');
    act(() => void fireEvent.blur(screen.getByTestId('param-padding-value')));
    expect(paramsOf(store, 'enc0_conv1').padding).toBe(2);
    type('param-padding-value', '-1');
    expect(screen.getByTestId('param-padding-value-error')).toBeTruthy();
    act(() => void fireEvent.blur(screen.getByTestId('param-padding-value')));
    expect(paramsOf(store, 'enc0_conv1').padding).toBe(2);
  });

  it('shows the node problems with one-click fixes', () => {
    const doc: GraphDoc = {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name: 'mismatch',
      nodes: [
        { id: 'in', op: 'input', params: { channels: 1, height: 8, width: 8 }, position: { x: 0, y: 0 } },
        { id: 'conv', op: 'conv2d', params: { filters: 4, padding: 'valid' }, position: { x: 300, y: 0 } },
        { id: 'cat', op: 'concat', params: {}, position: { x: 600, y: 0 } },
        { id: 'out', op: 'output', params: {}, position: { x: 900, y: 0 } },
      ],
      edges: [
        { id: 'a', source: 'in', target: 'conv', targetPort: 0 },
        { id: 'b', source: 'conv', target: 'cat', targetPort: 0 },
        { id: 'c', source: 'in', target: 'cat', targetPort: 1 },
        { id: 'd', source: 'cat', target: 'out', targetPort: 0 },
      ],
    };
    const store = renderEditor(doc, 'cat');
    expect(screen.getByTestId('inspector-diagnostics').textContent).toMatch(/concat: input 0 is 6×6, input 1 is 8×8/);
    const fix = screen.getByTestId('fix-concat-mismatch-0');
    expect(fix.textContent).toMatch(/^Insert crop/);
    act(() => void fireEvent.click(fix));
    const after = store.getState().doc;
    expect(after.nodes.map((n) => n.op)).toContain('crop');
    expect(screen.getByTestId('node-cat').dataset.severity).toBe('ok');
    expect(screen.getByTestId('node-shape-cat').textContent).toBe('5×6×6');
  });

  it('input node: C, H×W and the size solver with its nearest valid sizes as buttons', () => {
    const doc = paper();
    const input = doc.nodes.find((n) => n.id === 'input')!;
    input.params = { ...input.params, height: 570, width: 570 };
    const store = renderEditor(doc, 'input');
    for (const name of ['channels', 'height', 'width']) expect(screen.getByTestId(`param-${name}`)).toBeTruthy();
    expect(screen.getByTestId('solver-invalid').textContent).toMatch(/^570 is not valid — nearest:/);
    act(() => void fireEvent.click(screen.getByTestId('solver-suggestion-572x572')));
    expect(paramsOf(store, 'input')).toMatchObject({ height: 572, width: 572 });
    expect(screen.getByTestId('solver-valid').textContent).toMatch(/572 is valid/);
    expect(screen.queryByTestId('solver-invalid')).toBeNull();
  });

  it('nothing selected: the graph itself, with its name editable as one undo step', () => {
    const store = renderEditor(paper());
    expect(screen.getByTestId('inspector-doc')).toBeTruthy();
    type('doc-name', 'Mine');
    type('doc-name', 'Mine 2');
    expect(store.getState().doc.name).toBe('Mine 2');
    expect(store.getState().undoLabel).toBe('Rename graph');
    act(() => store.undo());
    expect(store.getState().doc.name).toBe('U-Net (paper, 572×572)');
  });
});

describe('keyboard', () => {
  it('Delete removes the selection; keys typed into a field are left alone; Ctrl+Z undoes', () => {
    const store = renderEditor(paper(), 'enc0_conv1');
    const field = screen.getByTestId('param-filters');
    act(() => void fireEvent.keyDown(field, { key: 'Backspace' }));
    expect(store.getState().doc.nodes.some((n) => n.id === 'enc0_conv1')).toBe(true);
    act(() => void fireEvent.keyDown(document.body, { key: 'Delete' }));
    expect(store.getState().doc.nodes.some((n) => n.id === 'enc0_conv1')).toBe(false);
    act(() => void fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true }));
    expect(store.getState().doc.nodes.some((n) => n.id === 'enc0_conv1')).toBe(true);
    act(() => void fireEvent.keyDown(document.body, { key: 'Z', ctrlKey: true, shiftKey: true }));
    expect(store.getState().doc.nodes.some((n) => n.id === 'enc0_conv1')).toBe(false);
  });

  it('Ctrl+A selects all, Ctrl+C / Ctrl+V pastes copies under new ids, Ctrl+D duplicates, Escape clears', () => {
    const store = renderEditor(paper(), 'head');
    const count = () => store.getState().doc.nodes.length;
    const before = count();
    act(() => void fireEvent.keyDown(document.body, { key: 'c', ctrlKey: true }));
    act(() => void fireEvent.keyDown(document.body, { key: 'v', ctrlKey: true }));
    expect(count()).toBe(before + 1);
    const pasted = store.getState().selection.nodes[0]!;
    expect(pasted).not.toBe('head');
    act(() => void fireEvent.keyDown(document.body, { key: 'd', ctrlKey: true }));
    expect(count()).toBe(before + 2);
    act(() => void fireEvent.keyDown(document.body, { key: 'a', ctrlKey: true }));
    expect(store.getState().selection.nodes).toHaveLength(before + 2);
    act(() => void fireEvent.keyDown(document.body, { key: 'Escape' }));
    expect(store.getState().selection.nodes).toHaveLength(0);
  });

  it('? opens the shortcuts panel', () => {
    renderEditor(paper());
    act(() => void fireEvent.keyDown(document.body, { key: '?' }));
    expect(screen.getByTestId('shortcuts-help').textContent).toMatch(/Undo/);
  });
});
