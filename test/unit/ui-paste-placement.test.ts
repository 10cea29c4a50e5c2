import { describe, expect, it } from 'vitest';
import type { GraphNode } from '../../src/core/types';
import { NODE_HEIGHT, NODE_WIDTH } from '../../src/ui/model/handleSides';
import { freePasteOffset } from '../../src/ui/model/pastePlacement';

const node = (id: string, x: number, y: number): GraphNode => ({ id, op: 'conv2d', params: {}, position: { x, y } });
const clear = (a: GraphNode['position'], b: GraphNode['position']) => Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT;

describe('paste placement', () => {
  it('moves a pasted node clear of its neighbours', () => {
    // A row of nodes with the usual spacing: a fixed 40 px nudge would land on the copied node's neighbour.
    const row = [node('a', 0, 0), node('b', 240, 0), node('c', 480, 0), node('d', 240, 100)];
    const copied = [row[1]!];
    const offset = freePasteOffset(row, copied);
    const at = { x: copied[0]!.position.x + offset.x, y: copied[0]!.position.y + offset.y };
    for (const n of row) expect(clear(at, n.position), `lands on ${n.id} at ${at.x},${at.y}`).toBe(true);
  });

  it('keeps the nearest free spot for an isolated node', () => {
    const lone = [node('a', 0, 0)];
    const offset = freePasteOffset(lone, lone);
    expect(clear({ x: offset.x, y: offset.y }, { x: 0, y: 0 })).toBe(true);
    expect(Math.hypot(offset.x, offset.y)).toBeLessThan(NODE_WIDTH + 60);
  });
});
