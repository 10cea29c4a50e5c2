/** Canvas drawing for the result views: the input with an output over it, masks, heatmaps, image outputs. */
import type { Region } from '../../runtime';
import { classColor } from './render';

export type ResultMode = 'overlay' | 'mask' | 'heatmap' | 'image';

/** Darkens what lies outside the region the output covers and outlines the region. */
export function shadeOutside(ctx: CanvasRenderingContext2D, width: number, height: number, r: Region) {
  if (r.x <= 0 && r.y <= 0 && r.x + r.w >= width && r.y + r.h >= height) return;
  ctx.save();
  ctx.fillStyle = 'rgba(15, 18, 25, 0.55)';
  ctx.beginPath();
  ctx.rect(0, 0, width, height);
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.fill('evenodd');
  ctx.setLineDash([4, 3]);
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
  ctx.lineWidth = 1;
  ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
  ctx.restore();
}

/** Draws the input image at canvas size with `layer` (output resolution) over `coverage` (image pixels). */
export function drawOverlay(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  input: CanvasImageSource,
  imageWidth: number,
  layer: CanvasImageSource | undefined,
  coverage: Region,
  opacity: number,
) {
  const k = width / imageWidth;
  const r = { x: coverage.x * k, y: coverage.y * k, w: coverage.w * k, h: coverage.h * k };
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(input, 0, 0, width, height);
  if (layer) {
    ctx.save();
    ctx.globalAlpha = opacity;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(layer, r.x, r.y, r.w, r.h);
    ctx.restore();
  }
  shadeOutside(ctx, width, height, r);
}

/** A layer drawn alone, scaled to the canvas (nearest neighbour: every output pixel stays visible). */
export function drawAlone(ctx: CanvasRenderingContext2D, width: number, height: number, layer: CanvasImageSource) {
  ctx.fillStyle = '#0f1219';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(layer, 0, 0, width, height);
}

/** CSS colour of a class swatch. */
export const classCss = (k: number) => `rgb(${classColor(k).join(', ')})`;
