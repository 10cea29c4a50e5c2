// @vitest-environment jsdom
import './setup-dom';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc } from '../../src/core/types';
import { createEditorStore } from '../../src/state/store';
import { App } from '../../src/ui/App';

/** input 1×8×8 → [conv → concat(conv, input)] → out, the bracket a collapsed block; the concat's sizes clash. */
const doc: GraphDoc = {
  format: GRAPH_FORMAT,
  version: GRAPH_VERSION,
  name: 'a block with an error',
  nodes: [
    { id: 'in', op: 'input', params: { channels: 1, height: 8, width: 8 }, position: { x: 0, y: 0 } },
    { id: 'conv', op: 'conv2d', params: { filters: 16, kernel: 3, padding: 'valid', activation: 'relu' }, position: { x: 300, y: 0 } },
    { id: 'cat', op: 'concat', params: {}, position: { x: 600, y: 0 } },
    { id: 'out', op: 'output', params: {}, position: { x: 900, y: 0 } },
  ],
  edges: [
    { id: 'e_in_conv', source: 'in', target: 'conv', targetPort: 0 },
    { id: 'e_conv_cat', source: 'conv', target: 'cat', targetPort: 0 },
    { id: 'e_in_cat', source: 'in', target: 'cat', targetPort: 1 },
    { id: 'e_cat_out', source: 'cat', target: 'out', targetPort: 0 },
  ],
  blocks: [{ id: 'mix', name: 'Mix', nodes: ['conv', 'cat'], collapsed: true, position: { x: 450, y: 0 } }],
};

function renderEditor(start: GraphDoc) {
  const store = createEditorStore(start);
  const saved = new Map<string, string>();
  const storage = { get: (k: string) => saved.get(k) ?? null, set: (k: string, v: string) => void saved.set(k, v) };
  render(<App store={store} storage={storage} templateId="paper-572" />);
  return store;
}

describe('a collapsed block on the canvas', () => {
  it('one box instead of its members: in → out shapes, params marked incomplete when a member’s shape is unknown', () => {
    renderEditor(doc);
    expect(screen.queryByTestId('node-conv')).toBeNull();
    expect(screen.queryByTestId('node-cat')).toBeNull();
    expect(screen.getByTestId('block-shapes-mix').textContent).toBe('1×8×8 → ?');
    const params = screen.getByTestId('block-params-mix');
    expect(params.textContent).toBe('≥ 160 params');
    expect(params.className).toContain('incomplete');
    // One input port (both edges come from `in`), one output: the inner edge and the second edge of the port are not drawn.
    expect(screen.getByTestId('block-handle-mix-in-0')).toBeTruthy();
    expect(screen.queryByTestId('block-handle-mix-in-1')).toBeNull();
    expect(screen.getByTestId('block-handle-mix-out-0')).toBeTruthy();
    expect(screen.getByTestId('edge-label-e_in_conv')).toBeTruthy();
    expect(screen.getByTestId('edge-label-e_cat_out')).toBeTruthy();
    expect(screen.queryByTestId('edge-label-e_conv_cat')).toBeNull();
    expect(screen.queryByTestId('edge-label-e_in_cat')).toBeNull();
  });

  it('expands from its button as one undo step, and the members come back framed', () => {
    const store = renderEditor(doc);
    act(() => void fireEvent.click(screen.getByTestId('block-expand-mix')));
    expect(store.getState().doc.blocks![0]!.collapsed).toBe(false);
    expect(screen.getByTestId('node-conv')).toBeTruthy();
    expect(screen.getByTestId('block-frame-mix')).toBeTruthy();
    expect(screen.getByTestId('edge-label-e_conv_cat')).toBeTruthy();
    act(() => store.undo());
    expect(screen.queryByTestId('node-conv')).toBeNull();
    expect(screen.getByTestId('block-mix')).toBeTruthy();
  });
});
