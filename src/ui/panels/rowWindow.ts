import { useEffect, useState, type RefObject } from 'react';

/** Tables longer than this render only the rows in view (a 10,000-node graph has 10,000 layer rows). */
export const WINDOW_ROWS_FROM = 200;
/** Rows rendered above and below the visible ones, so a fast scroll does not show blank space. */
const OVERSCAN = 20;
/** A layer row's height before one is measured (summary.css: 26 px cells + a 1 px border). */
export const ROW_HEIGHT = 27;

export interface RowWindow {
  /** First row rendered. */
  start: number;
  /** One past the last row rendered. */
  end: number;
}

/**
 * Which rows of a `count`-row table are in view when its body starts `offset` px into a scroller scrolled to
 * `scrollTop` and `viewport` px tall, with rows `rowHeight` px tall, plus OVERSCAN rows either side.
 */
export function rowWindow(count: number, scrollTop: number, viewport: number, offset: number, rowHeight: number, overscan = OVERSCAN): RowWindow {
  const first = Math.floor((scrollTop - offset) / rowHeight);
  const visible = Math.ceil(viewport / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, first + visible + overscan));
  return { start, end };
}

/** The rows to render of a `count`-row table whose `<tbody>` is `body`, scrolled by its nearest scrolling parent. */
export function useRowWindow(count: number, body: RefObject<HTMLElement | null>): (RowWindow & { rowHeight: number }) | undefined {
  const windowed = count > WINDOW_ROWS_FROM;
  const [view, setView] = useState({ scrollTop: 0, viewport: 600, offset: 0, rowHeight: ROW_HEIGHT });
  useEffect(() => {
    const el = body.current;
    const scroller = el?.closest<HTMLElement>('.summary-body') ?? el?.parentElement;
    if (!windowed || !el || !scroller) return;
    const measure = () => {
      const row = el.querySelector<HTMLElement>('tr[data-testid]');
      const rowHeight = row?.offsetHeight || ROW_HEIGHT;
      const offset = el.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
      setView((v) =>
        v.scrollTop === scroller.scrollTop && v.viewport === scroller.clientHeight && v.offset === offset && v.rowHeight === rowHeight
          ? v
          : { scrollTop: scroller.scrollTop, viewport: scroller.clientHeight, offset, rowHeight },
      );
    };
    measure();
    scroller.addEventListener('scroll', measure, { passive: true });
    const resize = new ResizeObserver(measure);
    resize.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', measure);
      resize.disconnect();
    };
  }, [windowed, body]);
  return windowed ? { ...rowWindow(count, view.scrollTop, view.viewport, view.offset, view.rowHeight), rowHeight: view.rowHeight } : undefined;
}
