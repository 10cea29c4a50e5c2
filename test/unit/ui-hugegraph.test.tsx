// @vitest-environment jsdom
import './setup-dom';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { generatedUNet } from '../../bench/graphs';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc } from '../../src/core/types';
import { analyze } from '../../src/ui/model/analysis';
import { mergeOpenIntervals, spanAround } from '../../src/ui/model/edgeGeometry';
import type { OpNodeData } from '../../src/ui/model/flowModel';
import { estimatedHandles, layoutSlots } from '../../src/ui/model/handleSlots';
import { FIT_ALL_UP_TO, openingNodes, OPENING_NODES, openingViewport } from '../../src/ui/model/openingView';
import { rowWindow, WINDOW_ROWS_FROM } from '../../src/ui/panels/rowWindow';
import { SummaryTable } from '../../src/ui/panels/SummaryTable';

const ports = (sides: OpNodeData['ports'][number]['side'][]): OpNodeData['ports'] =>
  sides.map((side, index) => ({ index, label: sides.length > 1 ? String(index) : '', connected: true, side }));

/** Where React Flow puts an edge's end for a handle (getHandlePosition in @xyflow/system). */
function endPoint(h: ReturnType<typeof estimatedHandles>[number]) {
  const { x, y, width = 1, height = 1, position } = h;
  if (position === 'left') return { x, y: y + height / 2 };
  if (position === 'right') return { x: x + width, y: y + height / 2 };
  if (position === 'top') return { x: x + width / 2, y };
  return { x: x + width / 2, y: y + height };
}

describe('estimated handles (edges to nodes that were never drawn)', () => {
  it('puts one input and the output straight across, at mid-height, with the ids OpNode renders', () => {
    const handles = estimatedHandles({ ports: ports(['left']), output: 'right' }, 196, 64);
    expect(handles.map((h) => [h.id, h.type, h.position])).toEqual([
      ['in-0', 'target', 'left'],
      ['out', 'source', 'right'],
    ]);
    // Handles are centred on the border, so the edge ends just outside it like a measured one.
    expect(endPoint(handles[0]!)).toEqual({ x: -7, y: 32 });
    expect(endPoint(handles[1]!)).toEqual({ x: 196 + 7, y: 32 });
  });

  it('spreads several inputs on one side evenly, like OpNode, and a top/bottom output along the width', () => {
    const data = { ports: ports(['top', 'top', 'right']), output: 'bottom' as const };
    const handles = estimatedHandles(data, 196, 64);
    const byId = new Map(handles.map((h) => [h.id, h]));
    expect(endPoint(byId.get('in-0')!)).toEqual({ x: 196 / 3, y: -7 });
    expect(endPoint(byId.get('in-1')!)).toEqual({ x: (2 * 196) / 3, y: -7 });
    expect(endPoint(byId.get('in-2')!).y).toBe(32);
    expect(endPoint(byId.get('out')!)).toEqual({ x: 98, y: 64 + 7 });
    // The same slots OpNode draws its handles at.
    expect(layoutSlots(data).placed.map((p) => [p.side, p.fraction])).toEqual([
      ['top', 1 / 3],
      ['top', 2 / 3],
      ['right', 1 / 2],
      ['bottom', 1 / 2],
    ]);
  });

  it('uses the taller height of a node with many side ports', () => {
    const data = { ports: ports(['left', 'left', 'left', 'left']), output: 'right' as const };
    const { minHeight } = layoutSlots(data);
    expect(minHeight).toBe(90);
    const last = estimatedHandles(data, 196, 64).find((h) => h.id === 'in-3')!;
    expect(endPoint(last).y).toBeCloseTo((4 / 5) * 90);
  });
});

describe('the first view of a large graph', () => {
  const big = generatedUNet(400);

  it('frames the whole of a small graph', () => {
    const small = generatedUNet(40);
    expect(small.nodes.length).toBeLessThanOrEqual(FIT_ALL_UP_TO);
    expect(openingNodes(small)).toBeUndefined();
    expect(openingViewport(small, 1000, 600)).toBeUndefined();
  });

  it('frames the first nodes from the input on, breadth-first, at zoom ≤ 1', () => {
    expect(big.nodes.length).toBeGreaterThan(FIT_ALL_UP_TO);
    const ids = openingNodes(big)!.map((n) => n.id);
    expect(ids).toHaveLength(OPENING_NODES);
    expect(big.nodes.find((n) => n.id === ids[0])!.op).toBe('input');
    // Each framed node after the first is fed by an earlier framed one.
    for (const id of ids.slice(1)) expect(big.edges.some((e) => e.target === id && ids.indexOf(e.source) < ids.indexOf(id))).toBe(true);
    // Framed from the document's positions: the input at the top, at a zoom that shows the framed column.
    const view = openingViewport(big, 1000, 600)!;
    const framed = big.nodes.filter((n) => ids.includes(n.id));
    const top = Math.min(...framed.map((n) => n.position.y));
    const bottom = Math.max(...framed.map((n) => n.position.y + 64));
    expect(view.zoom).toBeLessThanOrEqual(1);
    expect(view.zoom).toBeGreaterThan(0.05);
    expect(top * view.zoom + view.y).toBeGreaterThanOrEqual(0);
    expect(bottom * view.zoom + view.y).toBeLessThanOrEqual(600);
    expect((bottom - top) * view.zoom).toBeGreaterThan(600 * 0.8);
  });

  it('opens a graph with no source node at its first node', () => {
    const nodes = Array.from({ length: FIT_ALL_UP_TO + 1 }, (_, i) => ({ id: `n${i}`, op: 'activation', params: {}, position: { x: 0, y: 100 * i } }));
    const edges = nodes.map((n, i) => ({ id: `e${i}`, source: n.id, target: nodes[(i + 1) % nodes.length]!.id, targetPort: 0 }));
    const ring: GraphDoc = { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'ring', nodes, edges };
    expect(openingNodes(ring, 3)!.map((n) => n.id)).toEqual(['n0', 'n1', 'n2']);
  });
});

describe('layer table windowing', () => {
  it('computes the rows in view plus an overscan, clamped to the table', () => {
    expect(rowWindow(1000, 0, 270, 0, 27, 5)).toEqual({ start: 0, end: 16 });
    expect(rowWindow(1000, 2700, 270, 0, 27, 5)).toEqual({ start: 95, end: 116 });
    // The table body starts 40 px into the scroller (a header above it).
    expect(rowWindow(1000, 2740, 270, 40, 27, 5)).toEqual({ start: 95, end: 116 });
    expect(rowWindow(1000, 1e6, 270, 0, 27, 5)).toEqual({ start: 1000, end: 1000 });
    expect(rowWindow(10, 0, 270, 0, 27, 5)).toEqual({ start: 0, end: 10 });
  });

  it('renders a long table as a window of rows with spacers standing in for the rest', () => {
    const doc = generatedUNet(600);
    const analysis = analyze(doc);
    expect(analysis.rows.length).toBeGreaterThan(WINDOW_ROWS_FROM);
    const { container } = render(
      <div className="summary-body">
        <SummaryTable analysis={analysis} selected={new Set()} onSelect={() => {}} />
      </div>,
    );
    const rows = container.querySelectorAll('tbody tr[data-testid^="summary-row-"]');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(screen.getByTestId(`summary-row-${analysis.rows[0]!.id}`)).toBeTruthy();
    const spacer = container.querySelector<HTMLElement>('tbody tr.row-spacer:last-child')!;
    // One row height (measured from a drawn row; jsdom's shim gives every element a default size) per row left out.
    const perRow = parseFloat(spacer.style.height) / (analysis.rows.length - rows.length);
    expect(perRow).toBeGreaterThan(0);
    expect(Number.isInteger(perRow)).toBe(true);
  });

  it('renders every row of a short table', () => {
    const doc = generatedUNet(40);
    const analysis = analyze(doc);
    const { container } = render(<SummaryTable analysis={analysis} selected={new Set()} onSelect={() => {}} />);
    expect(container.querySelectorAll('tbody tr[data-testid^="summary-row-"]')).toHaveLength(analysis.rows.length);
    expect(container.querySelector('tr.row-spacer')).toBeNull();
  });
});

describe('free lanes between blocking intervals (edge detours)', () => {
  /** The definition: inside no open interval. */
  const freeBrute = (intervals: [number, number][], v: number) => intervals.every(([a, b]) => v <= a || v >= b);

  it('merges overlapping open intervals but not touching ones, and finds the span around a point', () => {
    // (1,3) and (2,4) overlap; (3,5) overlaps (2,4) too; (5,8) only touches (3,5): 5 is free.
    expect(mergeOpenIntervals([[5, 8], [1, 3], [2, 4], [3, 5]])).toEqual([
      [1, 5],
      [5, 8],
    ]);
    expect(mergeOpenIntervals([[1, 2], [2, 3]])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    const spans = mergeOpenIntervals([[5, 8], [1, 3], [2, 4], [3, 5]]);
    expect(spanAround(spans, 4.5)).toEqual([1, 5]);
    expect(spanAround(spans, 5)).toBeUndefined();
    expect(spanAround(spans, 6)).toEqual([5, 8]);
    expect(spanAround(spans, 8)).toBeUndefined();
  });

  it('agrees with the definition on random intervals', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 100;
    for (let round = 0; round < 200; round++) {
      const intervals = Array.from({ length: 1 + Math.floor(rand() / 10) }, (): [number, number] => {
        const a = Math.round(rand());
        return [a, a + 1 + Math.round(rand() / 5)];
      });
      const spans = mergeOpenIntervals(intervals);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
      for (let v = -1; v <= 125; v += 0.5) {
        const span = spanAround(spans, v);
        expect(span === undefined, `v=${v} in ${JSON.stringify(intervals)}`).toBe(freeBrute(intervals, v));
        // Moving out of a span lands on a free point, and nothing between v and it is free.
        if (span) {
          expect(freeBrute(intervals, span[0])).toBe(true);
          expect(freeBrute(intervals, span[1])).toBe(true);
        }
      }
    }
  });
});
