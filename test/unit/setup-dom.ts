/**
 * jsdom lacks the layout APIs React Flow measures with. These shims follow React Flow's testing guide: sizes come
 * from the element's inline style (or a default node size), so nodes count as measured and edges render.
 * Import this file first in every `ui-*.test.tsx`.
 */
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

class ResizeObserverShim {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    this.callback([{ target } as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  unobserve() {}
  disconnect() {}
}

class DOMMatrixReadOnlyShim {
  m22: number;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([1-9.])\)/)?.[1];
    this.m22 = scale !== undefined ? Number(scale) : 1;
  }
}

const g = globalThis as Record<string, unknown>;
g.ResizeObserver ??= ResizeObserverShim;
g.DOMMatrixReadOnly ??= DOMMatrixReadOnlyShim;

const size = (el: HTMLElement, key: 'width' | 'height', fallback: number) => parseFloat(el.style?.[key]) || fallback;
Object.defineProperties(HTMLElement.prototype, {
  offsetHeight: { configurable: true, get(this: HTMLElement) { return size(this, 'height', 64); } },
  offsetWidth: { configurable: true, get(this: HTMLElement) { return size(this, 'width', 196); } },
});
(SVGElement.prototype as unknown as { getBBox: () => DOMRect }).getBBox = () => ({ x: 0, y: 0, width: 0, height: 0 }) as DOMRect;

afterEach(() => cleanup());
