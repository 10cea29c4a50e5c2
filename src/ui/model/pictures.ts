import type { GraphDoc } from '../../core/types';
import type { UiAnalysis } from './analysis';
import { diagramSvg, type Sizes } from './diagramSvg';
import { downloadText, downloadUrl, fileStem } from './files';
import { uDiagramSvg } from './uDiagramSvg';

/** Pictures of the graph, written from the document (vector SVG), rasterised for PNG. */

export type PictureKind = 'svg' | 'png' | 'u-svg' | 'u-png';

export interface PictureProgress {
  /** What is happening now, for the user ("Drawing 37 nodes…"). */
  step: string;
  /** 0 – 1. */
  done: number;
}

export interface PictureResult {
  fileName: string;
  width: number;
  height: number;
  bytes: number;
}

/** Renders an SVG text into a PNG blob at `scale` (via the browser's own SVG renderer and a canvas). */
async function rasterise(svg: string, width: number, height: number, scale: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the browser gave no 2-D canvas to draw the picture on');
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Largest side of an exported PNG, in pixels (canvas limits, and a file one can still open). */
const MAX_PNG_SIDE = 12000;

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

export async function exportPicture(
  kind: PictureKind,
  doc: GraphDoc,
  analysis: UiAnalysis,
  sizes: Sizes,
  onProgress: (p: PictureProgress) => void = () => undefined,
): Promise<PictureResult> {
  const u = kind === 'u-svg' || kind === 'u-png';
  onProgress({ step: u ? 'Drawing the U diagram…' : `Drawing ${doc.nodes.length} nodes…`, done: 0.1 });
  await nextFrame();
  const picture = u ? uDiagramSvg(doc, analysis) : diagramSvg(doc, analysis, sizes);
  const stem = `${fileStem(doc.name)}${u ? '-u-diagram' : ''}`;
  if (kind === 'svg' || kind === 'u-svg') {
    const fileName = `${stem}.svg`;
    downloadText(picture.svg, fileName, 'image/svg+xml');
    onProgress({ step: 'Saved', done: 1 });
    return { fileName, width: picture.width, height: picture.height, bytes: new Blob([picture.svg]).size };
  }
  const scale = Math.min(2, MAX_PNG_SIDE / Math.max(picture.width, picture.height));
  onProgress({ step: `Rendering ${Math.round(picture.width * scale)}×${Math.round(picture.height * scale)} px…`, done: 0.35 });
  await nextFrame();
  const blob = await rasterise(picture.svg, picture.width, picture.height, scale);
  onProgress({ step: 'Saving…', done: 0.9 });
  const fileName = `${stem}.png`;
  const url = URL.createObjectURL(blob);
  downloadUrl(url, fileName);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  onProgress({ step: 'Saved', done: 1 });
  return { fileName, width: Math.round(picture.width * scale), height: Math.round(picture.height * scale), bytes: blob.size };
}
