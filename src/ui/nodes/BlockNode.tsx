import { Handle, type NodeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';
import { formatShape } from '../../core/types';
import { setCollapsed } from '../../state/commands';
import { useEditor } from '../EditorContext';
import { blockInputHandle, blockOutputHandle, type BlockFlowNode, type BlockFrameData, type BlockNodeData } from '../model/blockView';
import { formatCompact, formatInt } from '../model/format';
import type { Side } from '../model/handleSides';
import { POSITION } from '../model/handleSlots';
import { useHandleRemeasure } from './useHandleRemeasure';
import './BlockNode.css';

const shapes = (ports: BlockNodeData['inputs']) => (ports.length ? ports.map((p) => formatShape(p.shape)).join(', ') : '–');

/** Each handle's place along its side: the handles of one side spread evenly. */
function placeHandles(data: BlockNodeData) {
  const count = new Map<Side, number>();
  for (const p of [...data.inputs, ...data.outputs]) count.set(p.side, (count.get(p.side) ?? 0) + 1);
  const seen = new Map<Side, number>();
  const style = (side: Side): CSSProperties => {
    const i = seen.get(side) ?? 0;
    seen.set(side, i + 1);
    const offset = `${((i + 1) / ((count.get(side) ?? 1) + 1)) * 100}%`;
    return side === 'left' || side === 'right' ? { top: offset } : { left: offset };
  };
  return { inputs: data.inputs.map((p) => style(p.side)), outputs: data.outputs.map((p) => style(p.side)) };
}

/** A collapsed composite block: one box with its name, input → output shapes and parameters; a handle per port. */
function BlockNode({ id, data, selected }: NodeProps<BlockFlowNode>) {
  const { store } = useEditor();
  useHandleRemeasure(id, `${data.inputs.map((p) => p.side).join(',')}|${data.outputs.map((p) => p.side).join(',')}`);
  const expand = () => setCollapsed(store, false, [data.blockId]);
  const placed = placeHandles(data);
  const params = `${data.complete ? '' : '≥ '}${formatCompact(data.parameters)}`;
  return (
    <div
      className={`block-node${selected ? ' selected' : data.partlySelected ? ' partly-selected' : ''}`}
      data-testid={`block-${data.blockId}`}
      data-block={data.blockId}
      onDoubleClick={(e) => {
        e.stopPropagation();
        expand();
      }}
      title="Double-click to expand"
    >
      {data.inputs.map((p, k) => (
        <Handle key={`in-${k}`} type="target" id={blockInputHandle(k)} position={POSITION[p.side]} style={placed.inputs[k]} className="port connected" isConnectable={false} data-testid={`block-handle-${data.blockId}-in-${k}`} />
      ))}
      {data.outputs.map((p, k) => (
        <Handle key={`out-${k}`} type="source" id={blockOutputHandle(k)} position={POSITION[p.side]} style={placed.outputs[k]} className="port out" isConnectable={false} data-testid={`block-handle-${data.blockId}-out-${k}`} />
      ))}
      <div className="block-head">
        <span className="block-name" title={data.name}>
          {data.name}
        </span>
        <span className="block-id mono">{data.blockId}</span>
        <button type="button" className="block-toggle nodrag" aria-label={`Expand ${data.blockId}`} title="Expand (double-click)" data-testid={`block-expand-${data.blockId}`} onClick={expand}>
          +
        </button>
      </div>
      <div className="block-shapes mono" data-testid={`block-shapes-${data.blockId}`}>
        {shapes(data.inputs)} → {shapes(data.outputs)}
      </div>
      <div className="block-foot">
        <span>{data.members} nodes</span>
        <span
          className={`block-params${data.complete ? '' : ' incomplete'}`}
          data-testid={`block-params-${data.blockId}`}
          data-params={data.parameters}
          title={data.complete ? `${formatInt(data.parameters)} parameters` : `at least ${formatInt(data.parameters)} parameters: some members have unknown shapes`}
        >
          {params} params
        </span>
      </div>
    </div>
  );
}

export default memo(BlockNode);

/** The frame behind an expanded block's members: a header with its name and a collapse button. */
function BlockFrameNode({ data }: { data: BlockFrameData }) {
  const { store } = useEditor();
  return (
    <div className="block-frame" data-testid={`block-frame-${data.blockId}`} data-block={data.blockId}>
      <div className="block-frame-head">
        <button
          type="button"
          className="block-frame-title nodrag"
          title="Select the block's nodes"
          onClick={(e) => {
            const extra = e.shiftKey || e.ctrlKey || e.metaKey;
            const nodes = extra ? [...new Set([...store.getState().selection.nodes, ...data.members])] : data.members;
            store.setSelection({ nodes, edges: extra ? store.getState().selection.edges : [] });
          }}
        >
          <span className="block-name">{data.name}</span>
          <span className="block-id mono">{data.blockId}</span>
        </button>
        <button
          type="button"
          className="block-toggle nodrag"
          aria-label={`Collapse ${data.blockId}`}
          title="Collapse to one box"
          data-testid={`block-collapse-${data.blockId}`}
          onClick={() => setCollapsed(store, true, [data.blockId])}
        >
          −
        </button>
      </div>
    </div>
  );
}

export const BlockFrame = memo(BlockFrameNode);
