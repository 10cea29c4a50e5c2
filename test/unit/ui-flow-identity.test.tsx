// @vitest-environment jsdom
// Issue 11 (huge graphs): a parameter edit must leave React Flow's nodes and edges arrays as they were (React Flow
// re-adopts every node and rebuilds its connection lookup for every edge whenever an array changes), while the
// live sources the node and label components read give the new summary and shape.
import './setup-dom';
import { ReactFlowProvider } from '@xyflow/react';
import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { buildUNet } from '../../src/core/builder';
import { setParams } from '../../src/state/commands';
import { createEditorStore, type EditorStore } from '../../src/state/store';
import { useFlowElements } from '../../src/ui/canvas/useFlowElements';
import { EditorProvider, useStoreState, type EditorServices } from '../../src/ui/EditorContext';
import { useStableAnalysis } from '../../src/ui/model/useStableAnalysis';
import type { OpFlowNode, ShapeFlowEdge } from '../../src/ui/model/flowModel';
import type { NodeDataSource } from '../../src/ui/model/nodeData';

interface Seen {
  nodes: OpFlowNode[];
  edges: ShapeFlowEdge[];
  data: NodeDataSource;
}

function Probe({ store, seen }: { store: EditorStore; seen: Seen[] }) {
  const { nodes, edges, nodeDataSource } = useFlowElements(store);
  seen.push({ nodes, edges, data: nodeDataSource });
  return null;
}

function Harness({ store, seen }: { store: EditorStore; seen: Seen[] }) {
  const doc = useStoreState(store, (s) => s.doc);
  const analysis = useStableAnalysis(doc);
  const services: EditorServices = {
    store,
    notify: () => {},
    clipboard: { current: null },
    openShortcuts: () => {},
    openNewUNet: () => {},
    openImport: () => {},
    importFile: async () => {},
    loadDocument: () => {},
    focusNodes: () => {},
    showProblems: () => {},
    summaryTab: null,
    setSummaryTab: () => {},
    groupSelection: () => {},
    ungroupSelection: () => {},
  };
  return (
    <EditorProvider services={services} analysis={analysis}>
      <Probe store={store} seen={seen} />
    </EditorProvider>
  );
}

describe('canvas elements across an edit', () => {
  it('a filter edit keeps both arrays and every unchanged node object; the node data source has the new summary', () => {
    const store = createEditorStore(buildUNet({ depth: 2, base: 4, inputSize: { h: 64, w: 64 } }));
    const seen: Seen[] = [];
    render(
      <ReactFlowProvider>
        <Harness store={store} seen={seen} />
      </ReactFlowProvider>,
    );
    const before = seen[seen.length - 1]!;
    const summaryBefore = before.data.get('enc0_conv1')!.summary;
    act(() => void setParams(store, 'enc0_conv1', { filters: 7 }));
    const after = seen[seen.length - 1]!;
    expect(after.nodes).toBe(before.nodes);
    expect(after.edges).toBe(before.edges);
    expect(after.data.get('enc0_conv1')!.summary).not.toBe(summaryBefore);
    expect(after.data.get('enc0_conv1')!.shape?.c).toBe(7);

    // A new connection changes the edges array (and only then).
    act(() => void store.apply('drop an edge', (d) => void d.edges.pop()));
    expect(seen[seen.length - 1]!.edges).not.toBe(after.edges);
  });
});
