import { useEffect, useRef, type CSSProperties } from 'react';
import type { RgbaImage } from '../../runtime';
import type { Pixels } from './render';

/** Pixels on a canvas of their own size (a source for drawImage with scaling). */
export function pixelCanvas(pixels: Pixels | RgbaImage): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = pixels.width;
  canvas.height = pixels.height;
  const data = pixels.data instanceof Uint8ClampedArray ? pixels.data : new Uint8ClampedArray(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length);
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(data), pixels.width, pixels.height), 0, 0);
  return canvas;
}

/** The size to draw at: the natural size, capped so a huge image does not make a huge canvas. */
export function drawSize(width: number, height: number, max = 1024): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

interface DrawCanvasProps {
  width: number;
  height: number;
  draw(ctx: CanvasRenderingContext2D, width: number, height: number): void;
  /** Redraws when any of these change. */
  deps: unknown[];
  className?: string;
  style?: CSSProperties;
  testId?: string;
  title?: string;
  /** Nearest-neighbour scaling in CSS (small outputs look blocky rather than blurred). */
  pixelated?: boolean;
}

/** A canvas redrawn by `draw` whenever `deps` change. */
export function DrawCanvas({ width, height, draw, deps, className, style, testId, title, pixelated }: DrawCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    ctx.clearRect(0, 0, width, height);
    ctx.imageSmoothingEnabled = !pixelated;
    draw(ctx, width, height);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [width, height, pixelated, ...deps]);
  return (
    <canvas
      ref={ref}
      width={width}
      height={height}
      className={className}
      style={{ ...style, imageRendering: pixelated ? 'pixelated' : undefined, aspectRatio: `${width} / ${height}` }}
      data-testid={testId}
      title={title}
    />
  );
}
