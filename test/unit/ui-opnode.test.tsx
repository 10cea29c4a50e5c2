// @vitest-environment jsdom
import './setup-dom';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc } from '../../src/core/types';
import { createEditorStore } from '../../src/state/store';
import { App } from '../../src/ui/App';
import { analyze } from '../../src/ui/model/analysis';
import { QuickAdd } from '../../src/ui/canvas/QuickAdd';
import { nodeData, portList } from '../../src/ui/model/flowModel';
import { computeHandleSides } from '../../src/ui/model/handleSides';

/** input 1×8×8 → conv (16×6×6) ─┐
 *  input ─────────────────────── concat (6×6 vs 8×8: error) → out */
const mismatch: GraphDoc = {
  format: GRAPH_FORMAT,
  version: GRAPH_VERSION,
  name: 'mismatch',
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
};

function renderEditor(doc: GraphDoc) {
  const store = createEditorStore(doc);
  const saved = new Map<string, string>();
  const storage = { get: (k: string) => saved.get(k) ?? null, set: (k: string, v: string) => void saved.set(k, v) };
  render(<App store={store} storage={storage} templateId="paper-572" />);
  return store;
}

describe('OpNode (the one node component)', () => {
  it('shows the op, its summary line, the output shape and the parameter count', () => {
    renderEditor(mismatch);
    const conv = screen.getByTestId('node-conv');
    expect(within(conv).getByText('Conv 2D')).toBeTruthy();
    expect(screen.getByTestId('node-summary-conv').textContent).toBe('3×3 conv · 16 · valid · relu');
    expect(screen.getByTestId('node-shape-conv').textContent).toBe('16×6×6');
    // 16 filters × 1 channel × 3×3 + 16 biases
    expect(screen.getByTestId('node-params-conv').textContent).toBe('160');
    expect(conv.dataset.severity).toBe('ok');
    expect(screen.queryByTestId('node-params-in')).toBeNull();
  });

  it('marks an error in red with the message on hover, and unknown shapes downstream as ?', () => {
    renderEditor(mismatch);
    const cat = screen.getByTestId('node-cat');
    expect(cat.dataset.severity).toBe('error');
    expect(cat.className).toContain('has-error');
    expect(screen.getByTestId('node-issue-cat')).toBeTruthy();
    expect(screen.getByTestId('node-tooltip-cat').textContent).toMatch(/concat: input 0 is 6×6, input 1 is 8×8/);
    expect(screen.getByTestId('node-shape-cat').textContent).toBe('?');
    expect(screen.getByTestId('node-shape-out').textContent).toBe('?');
  });

  it('gives concat one handle per connected port plus a free slot, labelled by port', () => {
    renderEditor(mismatch);
    for (const port of [0, 1, 2]) expect(screen.getByTestId(`handle-cat-in-${port}`)).toBeTruthy();
    expect(screen.queryByTestId('handle-cat-in-3')).toBeNull();
    expect(screen.getByTestId('handle-cat-in-2').className).toContain('free');
    expect(screen.getByTestId('handle-cat-in-0').className).toContain('connected');
    // A single-input op has an unlabelled port; the output node has no output handle.
    expect(screen.getByTestId('handle-conv-in-0')).toBeTruthy();
    expect(screen.queryByTestId('handle-out-out')).toBeNull();
    expect(screen.getByTestId('handle-in-out')).toBeTruthy();
  });

  it('labels every edge with its C×H×W, ? when unknown, and flags edges into an error', () => {
    renderEditor(mismatch);
    expect(screen.getByTestId('edge-label-e_in_conv').textContent).toBe('1×8×8');
    expect(screen.getByTestId('edge-label-e_conv_cat').textContent).toBe('16×6×6');
    expect(screen.getByTestId('edge-label-e_cat_out').textContent).toBe('?');
    expect(screen.getByTestId('edge-label-e_in_cat').dataset.error).toBe('true');
    expect(screen.getByTestId('edge-label-e_in_conv').dataset.error).toBe('false');
  });

  it('follows the store: an edit, then undo, re-renders the node', () => {
    const store = renderEditor(mismatch);
    act(() => store.apply('wider', (d) => void (d.nodes[1]!.params.filters = 32)));
    expect(screen.getByTestId('node-shape-conv').textContent).toBe('32×6×6');
    expect(screen.getByTestId('node-summary-conv').textContent).toContain('· 32 ·');
    act(() => store.undo());
    expect(screen.getByTestId('node-shape-conv').textContent).toBe('16×6×6');
  });

  it('clicking a node selects it in the store and shows it in the inspector', () => {
    const store = renderEditor(mismatch);
    act(() => {
      fireEvent.click(screen.getByTestId('node-conv'));
    });
    expect(store.getState().selection.nodes).toEqual(['conv']);
    expect(screen.getByTestId('inspector-node').dataset.node).toBe('conv');
  });
});

describe('canvas', () => {
  it('clicking an edge label selects the connection and shows it in the inspector', () => {
    const store = renderEditor(mismatch);
    act(() => void fireEvent.click(screen.getByTestId('edge-label-e_conv_cat')));
    expect(store.getState().selection).toEqual({ nodes: [], edges: ['e_conv_cat'] });
    expect(screen.getByTestId('inspector-edge').textContent).toContain('16×6×6');
  });

  it('the toolbar status opens the problems list on the first problem; a problem selects its node', () => {
    const store = renderEditor(mismatch);
    expect(screen.getByTestId('status-problems').textContent).toMatch(/1 error/);
    act(() => void fireEvent.click(screen.getByTestId('status-problems')));
    expect(screen.getByTestId('problems-list')).toBeTruthy();
    expect(screen.getByTestId('problem-0').dataset.code).toBe('concat-mismatch');
    expect(store.getState().selection.nodes).toEqual(['cat']);
    act(() => store.setSelection({ nodes: [] }));
    act(() => void fireEvent.click(screen.getByTestId('problem-0').querySelector('button')!));
    expect(store.getState().selection.nodes).toEqual(['cat']);
    act(() => void fireEvent.click(screen.getByTestId('summary-toggle')));
    expect(screen.queryByTestId('problems-list')).toBeNull();
    act(() => void fireEvent.click(screen.getByTestId('summary-toggle')));
    expect(screen.getByTestId('problems-list')).toBeTruthy();
  });

  it('an empty graph says how to start', () => {
    const store = renderEditor(mismatch);
    expect(screen.queryByTestId('canvas-empty')).toBeNull();
    act(() => store.apply('clear', (d) => void ((d.nodes = []), (d.edges = []))));
    expect(screen.getByTestId('canvas-empty').textContent).toMatch(/Add an Input/);
  });
});

describe('quick add (an output dropped on empty canvas)', () => {
  it('lists the ops that take an input, filters as you type, Enter picks, Escape closes', () => {
    const picked: string[] = [];
    let closed = 0;
    render(<QuickAdd request={{ at: { x: 0, y: 0 }, source: 'conv' }} onPick={(op) => picked.push(op)} onClose={() => closed++} />);
    expect(screen.queryByTestId('quick-add-input')).toBeNull();
    expect(screen.getByTestId('quick-add-conv2d')).toBeTruthy();
    const search = screen.getByTestId('quick-add-search');
    act(() => void fireEvent.change(search, { target: { value: 'pool' } }));
    expect(screen.queryByTestId('quick-add-conv2d')).toBeNull();
    act(() => void fireEvent.keyDown(search, { key: 'ArrowDown' }));
    act(() => void fireEvent.keyDown(search, { key: 'Enter' }));
    const shown = screen.getAllByRole('button').map((b) => b.dataset.testid);
    expect(shown).toEqual(['quick-add-maxPool2d', 'quick-add-avgPool2d']);
    expect(picked).toEqual(['avgPool2d']); // the second, after one ArrowDown
    act(() => void fireEvent.keyDown(search, { key: 'Escape' }));
    expect(closed).toBe(1);
  });
});

describe('node data', () => {
  it('puts crop/pad "like" ports by name, and variadic ports up to the op maximum', () => {
    const doc = structuredClone(mismatch);
    const crop = { id: 'crop', op: 'crop', params: { mode: 'like' }, position: { x: 0, y: 0 } };
    expect(portList(crop, []).map((p) => p.label)).toEqual(['x', 'like']);
    expect(portList({ ...crop, params: { mode: 'size', height: 4, width: 4 } }, []).map((p) => p.label)).toEqual(['']);
    const cat = doc.nodes[2]!;
    expect(portList(cat, [])).toHaveLength(2);
    expect(portList(cat, Array.from({ length: 32 }, (_, i) => i))).toHaveLength(32);
  });

  it('derives the data from the document and the analysis', () => {
    const analysis = analyze(mismatch);
    const boxes = new Map(mismatch.nodes.map((n) => [n.id, { position: n.position, width: 196, height: 64 }]));
    const data = nodeData(mismatch.nodes[1]!, mismatch, analysis, computeHandleSides(boxes, mismatch.edges));
    expect(data).toMatchObject({ opLabel: 'Conv 2D', category: 'conv', shape: { c: 16, h: 6, w: 6 }, params: 160, output: 'right' });
    expect(data.ports).toEqual([{ index: 0, label: '', connected: true, side: 'left' }]);
  });
});
