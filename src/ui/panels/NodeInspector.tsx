import { useEffect, useState } from 'react';
import { FORMAT_LIMITS } from '../../core/format';
import { getOp } from '../../core/ops';
import { withDefaults } from '../../core/params';
import { formatShape, type GraphDoc, type GraphNode, type ParamValue } from '../../core/types';
import { blockOfNode, counterparts } from '../../core/blocks';
import { removeElements, setLabel, setParams, setParamsOnAllInstances } from '../../state/commands';
import { useAnalysis, useEditor } from '../EditorContext';
import { IconTrash } from '../icons';
import { formatBytes, formatInt, formatMacs } from '../model/format';
import { DiagnosticItem } from './DiagnosticItem';
import { InputSizeSection } from './InputSizeSection';
import { ParamField } from './ParamField';

const INPUT_SIZE_FIELDS = new Set(['channels', 'height', 'width']);

/** The selected node: its params as a form generated from the op's ParamSpecs, its numbers and its problems. */
export function NodeInspector({ node, doc }: { node: GraphNode; doc: GraphDoc }) {
  const { store } = useEditor();
  const analysis = useAnalysis();
  const op = getOp(node.op);
  const row = analysis.rowById.get(node.id);
  const diagnostics = analysis.byNode.get(node.id) ?? [];
  // Defaults fill in missing params so `when` rules and fields see complete values; stored values win.
  const params = op ? { ...withDefaults(op.params, {}), ...node.params } : node.params;
  // Inside a block with other instances: after an edit, offer the same value for every instance.
  const others = counterparts(doc, node.id);
  const [lastEdit, setLastEdit] = useState<{ name: string; value: ParamValue } | null>(null);
  const commit = (name: string) => (value: ParamValue) => {
    setParams(store, node.id, { [name]: value });
    if (others.length) setLastEdit({ name, value });
  };
  const done = () => store.endMerge();
  const fields = op ? Object.entries(op.params).filter(([, spec]) => !spec.when || spec.when(params)) : [];
  const isInput = node.op === 'input';

  return (
    <div className="inspector-node" data-testid="inspector-node" data-node={node.id}>
      <header className={`inspector-head cat-${op?.category ?? 'unknown'}`}>
        <div className="inspector-kind">{op?.label ?? `Unknown op “${node.op}”`}</div>
        <LabelInput nodeId={node.id} label={node.label} doc={doc} />
        {op && <p className="inspector-desc">{op.description}</p>}
      </header>

      <dl className="stat-grid">
        <div>
          <dt>Output</dt>
          <dd className="mono" data-testid="inspector-shape">
            {formatShape(row?.output)}
          </dd>
        </div>
        <div>
          <dt>Params</dt>
          <dd className="num">{formatInt(row?.params.total ?? 0)}</dd>
        </div>
        <div>
          <dt>Mult-adds</dt>
          <dd className="num">{formatMacs(row?.macs ?? 0)}</dd>
        </div>
        <div>
          <dt>Memory</dt>
          <dd className="num">{formatBytes(row?.bytes ?? 0)}</dd>
        </div>
      </dl>

      {diagnostics.length > 0 && (
        <section className="inspector-section" data-testid="inspector-diagnostics">
          <h3 className="section-title">Problems</h3>
          {diagnostics.map((d, i) => (
            <DiagnosticItem key={`${d.code}-${i}`} diagnostic={d} testId={`inspector-diagnostic-${i}`} />
          ))}
        </section>
      )}

      {isInput && (
        <section className="inspector-section">
          <h3 className="section-title">Input size</h3>
          <div className="size-row">
            {(['channels', 'height', 'width'] as const).map((name) => (
              <ParamField
                key={`${node.id}.${name}`}
                name={name}
                label={name === 'channels' ? 'C' : name === 'height' ? 'H' : 'W'}
                spec={op!.params[name]!}
                value={params[name]}
                onCommit={commit(name)}
                onDone={done}
              />
            ))}
          </div>
          <InputSizeSection doc={doc} nodeId={node.id} h={params.height as number} w={params.width as number} />
        </section>
      )}

      {op && fields.length > 0 && (
        <section className="inspector-section" data-testid="inspector-params">
          <h3 className="section-title">{isInput ? 'Batch and normalisation' : 'Parameters'}</h3>
          {fields
            .filter(([name]) => !(isInput && INPUT_SIZE_FIELDS.has(name)))
            .map(([name, spec]) => (
              <ParamField key={`${node.id}.${name}`} name={name} spec={spec} value={params[name]} onCommit={commit(name)} onDone={done} />
            ))}
        </section>
      )}
      {lastEdit && others.length > 0 && (
        <ApplyToAll nodeId={node.id} doc={doc} others={others} edit={lastEdit} onDone={() => setLastEdit(null)} />
      )}
      {op && fields.length === 0 && <p className="inspector-empty-params">This op has no parameters.</p>}

      <footer className="inspector-actions">
        <button type="button" className="btn danger-ghost" data-testid="inspector-delete" onClick={() => removeElements(store, { nodes: [node.id] })}>
          <IconTrash size={14} /> Delete node
        </button>
        <span className="inspector-id mono" title="Node id">
          {node.id}
        </span>
      </footer>
    </div>
  );
}

/** The node's label, editable; a name another node already shows is accepted but flagged. */
function LabelInput({ nodeId, label, doc }: { nodeId: string; label?: string; doc: GraphDoc }) {
  const { store } = useEditor();
  const [text, setText] = useState(label ?? '');
  useEffect(() => setText(label ?? ''), [label, nodeId]);
  const shown = text.trim();
  const clash = shown !== '' && doc.nodes.some((n) => n.id !== nodeId && (n.label ?? n.id) === shown);
  return (
    <>
    <input
      className="inspector-title"
      value={text}
      placeholder={nodeId}
      aria-label="Node label"
      data-testid="inspector-label"
      maxLength={FORMAT_LIMITS.maxLabelLength}
      onChange={(e) => {
        setText(e.target.value);
        setLabel(store, nodeId, e.target.value);
      }}
      onBlur={() => store.endMerge()}
      onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
    />
    {clash && (
      <p className="field-warning" role="status" data-testid="inspector-label-warning">
        Another node is already called “{shown}” — the layer table and exports will show two.
      </p>
    )}
    </>
  );
}

/** "Apply to all N instances of Down": the field just edited, set on the same member of every instance, one step. */
function ApplyToAll({ nodeId, doc, others, edit, onDone }: { nodeId: string; doc: GraphDoc; others: string[]; edit: { name: string; value: ParamValue }; onDone(): void }) {
  const { store, notify } = useEditor();
  const block = blockOfNode(doc).get(nodeId);
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  // Already the same everywhere (applied, or typed back): nothing to offer.
  if (!block || others.every((id) => Object.is(byId.get(id)?.params[edit.name], edit.value))) return null;
  const count = others.length + 1;
  return (
    <div className="apply-all" role="status" data-testid="apply-all">
      <span>
        {edit.name} = {String(edit.value)} here only
      </span>
      <button
        type="button"
        className="btn primary"
        data-testid="apply-all-button"
        onClick={() => {
          const result = setParamsOnAllInstances(store, nodeId, { [edit.name]: edit.value });
          if (!result.ok) notify(result.message, 'error');
          else notify(`Set ${edit.name} = ${String(edit.value)} on all ${count} instances of ${block.name}`, 'success');
          onDone();
        }}
      >
        Apply to all {count} instances of {block.name}
      </button>
    </div>
  );
}
