import { useEffect, useState } from 'react';
import { blockSummary, instancesOf } from '../../core/blocks';
import { FORMAT_LIMITS } from '../../core/format';
import { formatShape, type GraphBlock, type GraphDoc } from '../../core/types';
import { duplicateSelection, removeElements, renameBlock, setCollapsed, ungroup } from '../../state/commands';
import { useAnalysis, useEditor } from '../EditorContext';
import { formatInt } from '../model/format';
import { freePasteOffset } from '../model/pastePlacement';

/** A selected block (all its members selected, or its collapsed box clicked): its name, ports, size and actions. */
export function BlockInspector({ block, doc }: { block: GraphBlock; doc: GraphDoc }) {
  const { store } = useEditor();
  const analysis = useAnalysis();
  const summary = blockSummary(doc, block, analysis.shapes);
  const instances = instancesOf(doc, block).length;
  const [name, setName] = useState(block.name);
  useEffect(() => setName(block.name), [block.name, block.id]);
  const members = doc.nodes.filter((n) => block.nodes.includes(n.id));
  return (
    <div className="inspector-block" data-testid="inspector-block" data-block={block.id}>
      <header className="inspector-head">
        <div className="inspector-kind">Block{instances > 1 ? ` · ${instances} instances` : ''}</div>
        <input
          className="inspector-title"
          value={name}
          aria-label="Block name"
          data-testid="inspector-block-name"
          maxLength={FORMAT_LIMITS.maxLabelLength}
          onChange={(e) => {
            setName(e.target.value);
            renameBlock(store, block.id, e.target.value);
          }}
          onBlur={() => {
            store.endMerge();
            setName(block.name);
          }}
          onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
        />
        <p className="inspector-desc">
          {block.nodes.length} nodes. Blocks with the same name are instances of one type; renaming this one makes it a type of its own.
        </p>
      </header>
      <dl className="stat-grid">
        <div className="wide">
          <dt>Input{summary.inputs.length === 1 ? '' : 's'}</dt>
          <dd className="mono" data-testid="inspector-block-inputs">
            {summary.inputs.map((p) => formatShape(p.shape)).join(', ') || '–'}
          </dd>
        </div>
        <div className="wide">
          <dt>Output{summary.outputs.length === 1 ? '' : 's'}</dt>
          <dd className="mono" data-testid="inspector-block-outputs">
            {summary.outputs.map((p) => formatShape(p.shape)).join(', ') || '–'}
          </dd>
        </div>
        <div>
          <dt>Params</dt>
          <dd className="num" data-testid="inspector-block-params" title={summary.complete ? undefined : 'at least: some members have unknown shapes'}>
            {summary.complete ? '' : '≥ '}
            {formatInt(summary.parameters)}
          </dd>
        </div>
        <div>
          <dt>Nodes</dt>
          <dd className="num">{block.nodes.length}</dd>
        </div>
      </dl>
      <section className="inspector-section">
        <h3 className="section-title">Members</h3>
        <ul className="block-members mono">
          {members.map((n) => (
            <li key={n.id}>
              <button type="button" className="link-btn" onClick={() => store.setSelection({ nodes: [n.id], edges: [] })}>
                {n.label || n.id}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <footer className="inspector-actions">
        <button type="button" className="btn" data-testid="inspector-block-toggle" onClick={() => setCollapsed(store, !block.collapsed, [block.id])}>
          {block.collapsed ? 'Expand' : 'Collapse'}
        </button>
        <button type="button" className="btn" data-testid="inspector-ungroup" onClick={() => ungroup(store, block.id)}>
          Ungroup
        </button>
        <button
          type="button"
          className="btn"
          data-testid="inspector-duplicate"
          onClick={() => duplicateSelection(store, freePasteOffset(doc.nodes, members, doc.edges))}
        >
          Duplicate
        </button>
        <button type="button" className="btn danger-ghost" data-testid="inspector-delete" onClick={() => removeElements(store, { nodes: block.nodes })}>
          Delete
        </button>
      </footer>
    </div>
  );
}
