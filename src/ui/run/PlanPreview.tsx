import { useMemo } from 'react';
import { mirrorIndex, type RgbaImage, type TilePlan } from '../../runtime';
import { DrawCanvas } from './canvas';
import { shadeOutside } from './drawResult';
import type { RunPlan } from './plan';

const MAX_W = 408;
const MAX_H = 170;

/** The mirror-padded image as the tiles will see it, sampled down to `scale` (nearest neighbour). */
function paddedThumbnail(image: RgbaImage, tiles: TilePlan, scale: number): ImageData {
  const { rows, cols } = tiles;
  const width = Math.max(1, Math.round((cols.padBefore + cols.length + cols.padAfter) * scale));
  const height = Math.max(1, Math.round((rows.padBefore + rows.length + rows.padAfter) * scale));
  const out = new ImageData(width, height);
  const xs = Int32Array.from({ length: width }, (_, x) => mirrorIndex(Math.floor(x / scale) - cols.padBefore, image.width));
  for (let y = 0; y < height; y++) {
    const sy = mirrorIndex(Math.floor(y / scale) - rows.padBefore, image.height);
    for (let x = 0; x < width; x++) {
      const s = (sy * image.width + xs[x]!) * 4;
      const d = (y * width + x) * 4;
      out.data[d] = image.data[s]!;
      out.data[d + 1] = image.data[s + 1]!;
      out.data[d + 2] = image.data[s + 2]!;
      out.data[d + 3] = 255;
    }
  }
  return out;
}

function TilePreview({ image, tiles }: { image: RgbaImage; tiles: TilePlan }) {
  const { rows, cols } = tiles;
  const fullW = cols.padBefore + cols.length + cols.padAfter;
  const fullH = rows.padBefore + rows.length + rows.padAfter;
  const scale = Math.min(MAX_W / fullW, MAX_H / fullH, 4);
  const thumb = useMemo(() => paddedThumbnail(image, tiles, scale), [image, tiles, scale]);
  const at = (v: number) => Math.round(v * scale) + 0.5;
  return (
    <DrawCanvas
      width={thumb.width}
      height={thumb.height}
      className="rp-preview-canvas"
      testId="run-plan-preview"
      title="The mirror-padded image, the output tiles (grid) and the first tile's input (dashed)"
      deps={[thumb, tiles]}
      draw={(ctx, w, h) => {
        ctx.putImageData(thumb, 0, 0);
        // Mirrored surroundings darker than the image itself.
        shadeOutside(ctx, w, h, { x: cols.padBefore * scale, y: rows.padBefore * scale, w: cols.length * scale, h: rows.length * scale });
        ctx.save();
        ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
        ctx.lineWidth = 1;
        // Output tiles: the regions each pass fills, on the image grid.
        const step = { x: cols.step, y: rows.step };
        for (let c = 1; c < cols.count; c++) {
          const x = at(cols.padBefore + c * step.x);
          ctx.beginPath();
          ctx.moveTo(x, at(rows.padBefore));
          ctx.lineTo(x, at(rows.padBefore + rows.count * step.y));
          ctx.stroke();
        }
        for (let r = 1; r < rows.count; r++) {
          const y = at(rows.padBefore + r * step.y);
          ctx.beginPath();
          ctx.moveTo(at(cols.padBefore), y);
          ctx.lineTo(at(cols.padBefore + cols.count * step.x), y);
          ctx.stroke();
        }
        // The first tile's input window: its output region plus the border (and margin) around it.
        const first = tiles.tiles[0]!;
        ctx.strokeStyle = '#7aa2ff';
        ctx.lineWidth = 2;
        ctx.setLineDash([5, 3]);
        ctx.strokeRect(first.inputX * scale + 1, first.inputY * scale + 1, tiles.geometry.input.w * scale - 2, tiles.geometry.input.h * scale - 2);
        ctx.restore();
      }}
    />
  );
}

function ResizePreview({ image, plan }: { image: RgbaImage; plan: RunPlan }) {
  const scale = Math.min(MAX_W / image.width, MAX_H / image.height, 4);
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const source = useMemo(() => {
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
    return canvas;
  }, [image]);
  const { coverage } = plan;
  return (
    <DrawCanvas
      width={w}
      height={h}
      className="rp-preview-canvas"
      testId="run-plan-preview"
      title="The image; the output covers the outlined region"
      deps={[source, coverage]}
      draw={(ctx) => {
        ctx.drawImage(source, 0, 0, w, h);
        shadeOutside(ctx, w, h, { x: coverage.x * scale, y: coverage.y * scale, w: coverage.w * scale, h: coverage.h * scale });
      }}
    />
  );
}

/** What the plan does to the image, drawn: mirror padding, output tiles and one tile's input; or the covered part. */
export function PlanPreview({ image, plan }: { image: RgbaImage; plan: RunPlan }) {
  return (
    <figure className="rp-preview">
      {plan.tiles ? <TilePreview image={image} tiles={plan.tiles} /> : <ResizePreview image={image} plan={plan} />}
      <figcaption>
        {plan.tiles ? (
          <>
            <span className="rp-key image" /> image <span className="rp-key mirror" /> mirrored <span className="rp-key grid" /> output tiles{' '}
            <span className="rp-key window" /> tile 1 input
          </>
        ) : (
          <>
            <span className="rp-key image" /> the part the output covers
          </>
        )}
      </figcaption>
    </figure>
  );
}
