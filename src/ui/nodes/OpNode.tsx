import { Handle, type NodeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';
import { formatShape } from '../../core/types';
import { IconError, IconWarning } from '../icons';
import { formatCompact, formatInt } from '../model/format';
import { SOURCE_HANDLE_ID, targetHandleId, type OpFlowNode, type OpNodeData } from '../model/flowModel';
import { layoutSlots, POSITION } from '../model/handleSlots';
import { useNodeData } from '../model/nodeData';
import { useHandleRemeasure } from './useHandleRemeasure';
import './OpNode.css';

/** The one node component: every op renders through it, driven by the op registry. */
export function OpNodeView({ data, selected }: { data: OpNodeData; selected?: boolean }) {
  const { nodeId, severity } = data;
  const layout = layoutSlots(data);
  const { minHeight } = layout;
  const placed = layout.placed.map((p) => {
    const offset = `${p.fraction * 100}%`;
    const style: CSSProperties = p.side === 'left' || p.side === 'right' ? { top: offset } : { left: offset };
    return { ...p, offset, style };
  });
  const labelledSides = new Set(placed.filter((p) => p.slot.kind === 'in' && p.slot.label).map((p) => p.side));
  const classes = [
    'op-node',
    `cat-${data.category}`,
    severity ? `has-${severity}` : '',
    selected ? 'selected' : '',
    ...[...labelledSides].map((s) => `labels-${s}`),
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes} style={{ minHeight }} data-testid={`node-${nodeId}`} data-severity={severity ?? 'ok'} data-op={data.opType}>
      {placed.map(({ slot, side, style, offset }) =>
        slot.kind === 'in' ? (
          <Handle
            key={`in-${slot.index}`}
            type="target"
            position={POSITION[side]}
            id={targetHandleId(slot.index)}
            className={`port ${slot.connected ? 'connected' : 'free'}`}
            style={style}
            data-testid={`handle-${nodeId}-in-${slot.index}`}
            title={slot.label ? `input ${slot.label}` : 'input'}
          />
        ) : (
          <Handle
            key="out"
            type="source"
            position={POSITION[side]}
            id={SOURCE_HANDLE_ID}
            className="port out"
            style={style}
            data-testid={`handle-${nodeId}-out`}
            title="output"
          />
        ),
      )}
      {placed.map(({ slot, side, offset }) =>
        slot.kind === 'in' && slot.label ? (
          <span key={`label-${slot.index}`} className={`port-label on-${side}`} style={side === 'left' || side === 'right' ? { top: offset } : { left: offset }}>
            {slot.label}
          </span>
        ) : null,
      )}
      <div className="op-node-main">
        <div className="op-line">
          <span className="op-title" title={data.title}>
            {data.title}
          </span>
          {severity && (
            <span className={`op-issue sev-icon-${severity}`} data-testid={`node-issue-${nodeId}`} aria-label={data.messages.join('\n')}>
              {severity === 'error' ? <IconError size={13} /> : <IconWarning size={13} />}
            </span>
          )}
          <span className="op-kind">{data.opLabel}</span>
        </div>
        <div className="op-summary" data-testid={`node-summary-${nodeId}`} title={data.summary}>
          {data.summary}
        </div>
      </div>
      <div className="op-node-foot">
        <span className={`op-shape mono${data.shape ? '' : ' unknown'}`} data-testid={`node-shape-${nodeId}`}>
          {formatShape(data.shape)}
        </span>
        {data.params > 0 && (
          <span className="op-params" data-testid={`node-params-${nodeId}`} title={`${formatInt(data.params)} parameters`}>
            {formatCompact(data.params)}
          </span>
        )}
      </div>
      {severity && data.messages.length > 0 && (
        <div className={`op-tooltip ${severity}`} role="tooltip" data-testid={`node-tooltip-${nodeId}`}>
          {data.messages.map((m, i) => (
            <div key={i}>{m}</div>
          ))}
        </div>
      )}
    </div>
  );
}

/** React Flow adapter: re-measures handles when ports appear, vanish or change sides. */
function OpNode({ id, data, selected }: NodeProps<OpFlowNode>) {
  // Titles, summaries and shapes come live by id (nodeData.ts); the node object carries what places the handles.
  const full = useNodeData(id);
  useHandleRemeasure(id, `${data.ports.map((p) => `${p.index}${p.side}`).join(',')}|${data.output ?? ''}`);
  return full ? <OpNodeView data={full} selected={selected} /> : null;
}

export default memo(OpNode);
