import { FORMAT_LIMITS } from '../../core/format';
import { formatShape } from '../../core/types';
import { duplicateSelection, inputPortsOf, removeElements, renameGraph } from '../../state/commands';
import { useAnalysis, useEditor, useEditorState } from '../EditorContext';
import { formatBytes, formatInt, formatMacs } from '../model/format';
import { freePasteOffset } from '../model/pastePlacement';
import { selectedBlock } from '../model/blockView';
import { BlockInspector } from './BlockInspector';
import { NodeInspector } from './NodeInspector';
import type { EditorState } from '../../state/store';

const selectDoc = (s: EditorState) => s.doc;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Right panel: what is selected, editable. */
export function Inspector() {
  const { doc, selection } = useEditorState();
  const { store } = useEditor();
  const analysis = useAnalysis();

  // A whole block selected (its box clicked, or its frame's title): the block, not its nodes one by one.
  const block = selectedBlock(doc, selection.nodes);
  if (block && selection.edges.length === 0 && (block.collapsed || block.nodes.length > 1)) return <BlockInspector key={block.id} block={block} doc={doc} />;

  if (selection.nodes.length === 1 && selection.edges.length <= 1) {
    const node = doc.nodes.find((n) => n.id === selection.nodes[0]);
    if (node) return <NodeInspector key={node.id} node={node} doc={doc} />;
  }

  if (selection.nodes.length === 0 && selection.edges.length === 1) {
    const edge = doc.edges.find((e) => e.id === selection.edges[0]);
    if (edge) {
      const target = doc.nodes.find((n) => n.id === edge.target);
      const ports = target ? inputPortsOf(target)?.ports : undefined;
      const portName = ports && 'names' in ports ? ports.names[edge.targetPort] : String(edge.targetPort);
      return (
        <div className="inspector-edge" data-testid="inspector-edge">
          <header className="inspector-head">
            <div className="inspector-kind">Connection</div>
            <div className="inspector-static-title mono">{edge.id}</div>
          </header>
          <dl className="stat-grid">
            <div>
              <dt>From</dt>
              <dd className="mono">{edge.source}</dd>
            </div>
            <div>
              <dt>To</dt>
              <dd className="mono">
                {edge.target} · {portName ?? edge.targetPort}
              </dd>
            </div>
            <div className="wide">
              <dt>Tensor</dt>
              <dd className="mono">{formatShape(analysis.edgeShapes.get(edge.id))}</dd>
            </div>
          </dl>
          <footer className="inspector-actions">
            <button type="button" className="btn danger-ghost" data-testid="inspector-delete" onClick={() => removeElements(store, { edges: [edge.id] })}>
              Delete connection
            </button>
          </footer>
        </div>
      );
    }
  }

  if (selection.nodes.length + selection.edges.length > 1) {
    const picked = new Set(selection.nodes);
    const rows = analysis.rows.filter((r) => picked.has(r.id));
    return (
      <div className="inspector-multi" data-testid="inspector-multi">
        <header className="inspector-head">
          <div className="inspector-kind">Selection</div>
          <div className="inspector-static-title">
            {plural(selection.nodes.length, 'node')}
            {selection.edges.length ? `, ${plural(selection.edges.length, 'connection')}` : ''}
          </div>
        </header>
        <dl className="stat-grid">
          <div>
            <dt>Params</dt>
            <dd className="num">{formatInt(rows.reduce((n, r) => n + r.params.total, 0))}</dd>
          </div>
          <div>
            <dt>Mult-adds</dt>
            <dd className="num">{formatMacs(rows.reduce((n, r) => n + r.macs, 0))}</dd>
          </div>
          <div className="wide">
            <dt>Activation memory</dt>
            <dd className="num">{formatBytes(rows.reduce((n, r) => n + r.bytes, 0))}</dd>
          </div>
        </dl>
        <footer className="inspector-actions">
          <button type="button" className="btn" data-testid="inspector-duplicate" disabled={!selection.nodes.length} onClick={() => duplicateSelection(store, freePasteOffset(doc.nodes, doc.nodes.filter((n) => selection.nodes.includes(n.id)), doc.edges))}>
            Duplicate
          </button>
          <button type="button" className="btn danger-ghost" data-testid="inspector-delete" onClick={() => removeElements(store, selection)}>
            Delete
          </button>
        </footer>
      </div>
    );
  }

  return <DocumentInspector />;
}

/** Nothing selected: the document itself. */
function DocumentInspector() {
  const doc = useEditorState(selectDoc);
  const { store } = useEditor();
  const analysis = useAnalysis();
  const { totals } = analysis;
  return (
    <div className="inspector-doc" data-testid="inspector-doc">
      <header className="inspector-head">
        <div className="inspector-kind">Graph</div>
        <input
          className="inspector-title"
          value={doc.name}
          aria-label="Graph name"
          data-testid="doc-name"
          maxLength={FORMAT_LIMITS.maxNameLength}
          onChange={(e) => renameGraph(store, e.target.value)}
          onBlur={() => store.endMerge()}
        />
        {doc.description && <p className="inspector-desc">{doc.description}</p>}
      </header>
      <dl className="stat-grid">
        <div>
          <dt>Nodes</dt>
          <dd className="num">{doc.nodes.length}</dd>
        </div>
        <div>
          <dt>Connections</dt>
          <dd className="num">{doc.edges.length}</dd>
        </div>
        <div>
          <dt>Params</dt>
          <dd className="num" title={totals.unknown.length ? `at least: ${plural(totals.unknown.length, 'node')} of unknown size not counted` : undefined}>
            {totals.unknown.length ? '≥ ' : ''}
            {formatInt(totals.params.total)}
          </dd>
        </div>
        <div>
          <dt>Mult-adds</dt>
          <dd className="num">
            {totals.unknown.length ? '≥ ' : ''}
            {formatMacs(totals.macs)}
          </dd>
        </div>
      </dl>
      <div className="inspector-hint">
        <p>Select a node to edit its parameters. Drag on empty canvas to select several.</p>
        <p>
          Add ops from the palette on the left: click one, or drag it onto the canvas. Connect two nodes by dragging from
          one node's output dot to another's input dot.
        </p>
      </div>
    </div>
  );
}
