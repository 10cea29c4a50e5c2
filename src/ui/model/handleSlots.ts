import type { NodeHandle } from '@xyflow/react';
import { Position } from '@xyflow/react';
import { SOURCE_HANDLE_ID, targetHandleId, type OpNodeData } from './flowModel';
import type { Side } from './handleSides';

export const POSITION: Record<Side, Position> = { left: Position.Left, right: Position.Right, top: Position.Top, bottom: Position.Bottom };
/** Vertical room per handle on a side with more than two (OpNode grows to fit). */
export const PORT_PITCH = 18;

export type Slot = { kind: 'in'; index: number; label: string; connected: boolean } | { kind: 'out' };
export interface PlacedSlot {
  slot: Slot;
  side: Side;
  /** Where along its side the handle sits, 0–1. */
  fraction: number;
}

/** Spreads the handles of each side evenly along it: inputs first, then the output. */
export function layoutSlots(data: Pick<OpNodeData, 'ports' | 'output'>): { placed: PlacedSlot[]; minHeight: number | undefined } {
  const bySide = new Map<Side, Slot[]>();
  const push = (side: Side, slot: Slot) => {
    const list = bySide.get(side);
    if (list) list.push(slot);
    else bySide.set(side, [slot]);
  };
  for (const p of data.ports) push(p.side, { kind: 'in', index: p.index, label: p.label, connected: p.connected });
  if (data.output) push(data.output, { kind: 'out' });
  const placed: PlacedSlot[] = [];
  let tallest = 0;
  for (const [side, slots] of bySide) {
    if (side === 'left' || side === 'right') tallest = Math.max(tallest, slots.length);
    slots.forEach((slot, k) => placed.push({ slot, side, fraction: (k + 1) / (slots.length + 1) }));
  }
  return { placed, minHeight: tallest > 2 ? (tallest + 1) * PORT_PITCH : undefined };
}

/** A handle's rendered size (OpNode.css: 10 px + a 2 px border each side). */
const HANDLE_SIZE = 14;

/**
 * Where React Flow would measure the handles of a node it has not drawn yet, from the same slot layout OpNode
 * renders. Given as the node's `handles`, they let React Flow draw edges to a node that was never on screen, so
 * with `onlyRenderVisibleElements` a 10,000-node graph does not have to mount (and measure) every node once
 * before it shows anything. Once a node is drawn, React Flow's own measurement takes over.
 */
export function estimatedHandles(data: Pick<OpNodeData, 'ports' | 'output'>, width: number, height: number): NodeHandle[] {
  const { placed, minHeight } = layoutSlots(data);
  const h = Math.max(height, minHeight ?? 0);
  return placed.map(({ slot, side, fraction }) => {
    // The handle's centre is on the node's border, `fraction` of the way along the side.
    const cx = side === 'left' ? 0 : side === 'right' ? width : fraction * width;
    const cy = side === 'top' ? 0 : side === 'bottom' ? h : fraction * h;
    return {
      id: slot.kind === 'out' ? SOURCE_HANDLE_ID : targetHandleId(slot.index),
      type: slot.kind === 'out' ? 'source' : 'target',
      position: POSITION[side],
      x: cx - HANDLE_SIZE / 2,
      y: cy - HANDLE_SIZE / 2,
      width: HANDLE_SIZE,
      height: HANDLE_SIZE,
    };
  });
}
