import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps, type Position } from '@xyflow/react';
import { detourLabelPoint, detourPoints, roundedPath } from '../model/edgeGeometry';
import type { Side } from '../model/handleSides';
import { memo, useContext } from 'react';
import { EditorServicesContext } from '../EditorContext';
import { useEdgeShapeLabel } from '../model/edgeShapes';
import { formatShape } from '../../core/types';
import { edgeColour, type ShapeFlowEdge } from '../model/flowModel';
import './ShapeEdge.css';

/** Stroke as inline style: one colour rule shared with the arrowhead (flowModel.edgeColour). */
const strokeStyle = (error: boolean, selected: boolean) => ({
  stroke: edgeColour(error, selected),
  strokeWidth: selected ? 2.2 : 1.6,
  strokeDasharray: error ? '6 4' : undefined,
});

const SIDE: Record<Position, Side> = { left: 'left', right: 'right', top: 'top', bottom: 'bottom' };

/** The plain bezier, or the detour around the nodes in the way (label on the detour's long run). */
function edgePath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data }: EdgeProps<ShapeFlowEdge>): [string, number, number] {
  if (!data?.detour) {
    const [path, x, y] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
    return [path, x, y];
  }
  const points = detourPoints({ x: sourceX, y: sourceY }, SIDE[sourcePosition], { x: targetX, y: targetY }, SIDE[targetPosition], data.detour);
  const label = detourLabelPoint(points);
  return [roundedPath(points), label.x, label.y];
}

/** The one edge: a bezier carrying its tensor's C×H×W as a label; red when it feeds an error. */
function ShapeEdge(props: EdgeProps<ShapeFlowEdge>) {
  const { id, data, selected, markerEnd } = props;
  const [path, labelX, labelY] = edgePath(props);
  const services = useContext(EditorServicesContext);
  const error = data?.error ?? false;
  // In the editor the label comes from the analysis directly (see edgeShapes.ts); elsewhere from the edge's data.
  const text = useEdgeShapeLabel(id) ?? formatShape(data?.shape);
  const known = text !== formatShape(undefined);
  const classes = ['shape-edge', error ? 'error' : '', selected ? 'selected' : ''].filter(Boolean).join(' ');
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={classes} interactionWidth={16} style={strokeStyle(error, !!selected)} />
      <EdgeLabelRenderer>
        <div
          className={`shape-edge-label nodrag nopan${error ? ' error' : ''}${known ? '' : ' unknown'}${selected ? ' selected' : ''}${data?.label === 'hidden' ? ' lod-hidden' : data?.label === 'over-node' ? ' lod-over-node' : ''}`}
          // Drawn at --label-scale (set by the canvas from the zoom), so it keeps a readable size when zoomed out.
          style={{ transform: `translate(${labelX}px, ${labelY}px) translate(-50%, -50%) scale(var(--label-scale, 1))` }}
          data-testid={`edge-label-${id}`}
          onClick={() => services?.store.setSelection({ nodes: [], edges: [id] })}
          data-error={error ? 'true' : 'false'}
        >
          {text}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export default memo(ShapeEdge);
