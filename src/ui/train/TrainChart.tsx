import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  stroke: string;
  /** y values, one per x (null = no point there). */
  values: (number | null)[];
  dash?: number[];
}

interface Props {
  title: string;
  x: number[];
  series: Series[];
  /** Fixed y range, e.g. [0, 1] for Dice; automatic otherwise. */
  range?: [number, number];
  testId?: string;
}

/** A small live line chart (uPlot): created once, fed new data as training goes. */
export function TrainChart({ title, x, series, range, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const shape = series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(200, el.clientWidth || 320);
    plot.current = new uPlot(
      {
        width,
        height: 150,
        title,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, y: range ? { range: () => range } : {} },
        axes: [{ size: 28, font: '10px Inter Variable, sans-serif' }, { size: 40, font: '10px Inter Variable, sans-serif' }],
        series: [{ label: 'step' }, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.5, dash: s.dash, spanGaps: true, points: { show: false } }))],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: 150 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
    // Rebuilt only when the set of series changes; data flows in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, title]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [x, series]);

  return <div ref={box} className="tp-chart" data-testid={testId} />;
}
