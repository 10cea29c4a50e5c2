/**
 * Images for the run panel: the bundled samples (public/samples/index.json, written by scripts/make-samples.ts)
 * with their ground-truth masks, and the user's own PNG/JPEG files, decoded by the browser.
 */
import { maskFromRgba, type RgbaImage } from '../../runtime';

export interface SampleEntry {
  id: string;
  title: string;
  image: string;
  mask?: string;
  width: number;
  height: number;
  channels: 1 | 3;
  maskMeaning?: string;
  /** Source and licence of a real picture. */
  credit?: string;
}

export interface LoadedImage {
  name: string;
  /** 'sample' images come with the app; 'file' ones from the user. */
  origin: 'sample' | 'file';
  sampleId?: string;
  rgba: RgbaImage;
  grayscale: boolean;
  /** Ground truth: 1 where the mask is white. */
  truth?: Uint8Array;
  truthMeaning?: string;
}

/** Images larger than this (per side, and in total) would make the panel slow and the tab heavy. */
export const MAX_SIDE = 8192;
export const MAX_PIXELS = 36e6;

const samplesUrl = (file: string) => `${import.meta.env.BASE_URL}samples/${file}`;

function isEntry(v: unknown): v is SampleEntry {
  const e = v as Partial<SampleEntry> | null;
  return !!e && typeof e.id === 'string' && typeof e.title === 'string' && typeof e.image === 'string' && Number.isInteger(e.width) && Number.isInteger(e.height);
}

export async function loadSampleList(): Promise<SampleEntry[]> {
  const response = await fetch(samplesUrl('index.json'));
  if (!response.ok) throw new Error(`samples/index.json: HTTP ${response.status}`);
  const list: unknown = await response.json();
  if (!Array.isArray(list) || !list.every(isEntry)) throw new Error('samples/index.json is not a list of samples');
  return list;
}

/** R = G = B everywhere. */
export function isGrayscale(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i += 4) if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
  return true;
}

/** Decodes a PNG/JPEG (any format the browser reads) into RGBA pixels, without colour-space conversion. */
export async function decodeImage(blob: Blob, name: string): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${name}: not an image the browser can decode (use PNG or JPEG)`);
  }
  try {
    const { width, height } = bitmap;
    if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS)
      throw new Error(`${name}: ${width}×${height} is too large to run here (at most ${MAX_SIDE} px a side and ${MAX_PIXELS / 1e6} megapixels)`);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser cannot read image pixels (no 2D canvas)');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, width, height);
    return { width, height, data };
  } finally {
    bitmap.close();
  }
}

async function fetchImage(file: string): Promise<RgbaImage> {
  const response = await fetch(samplesUrl(file));
  if (!response.ok) throw new Error(`samples/${file}: HTTP ${response.status}`);
  return decodeImage(await response.blob(), file);
}

export async function loadSample(entry: SampleEntry): Promise<LoadedImage> {
  const [rgba, mask] = await Promise.all([fetchImage(entry.image), entry.mask ? fetchImage(entry.mask) : Promise.resolve(undefined)]);
  if (mask && (mask.width !== rgba.width || mask.height !== rgba.height))
    throw new Error(`samples/${entry.mask}: the mask is ${mask.width}×${mask.height}, the image ${rgba.width}×${rgba.height}`);
  return {
    name: entry.title,
    origin: 'sample',
    sampleId: entry.id,
    rgba,
    grayscale: isGrayscale(rgba.data),
    truth: mask ? maskFromRgba(mask.data) : undefined,
    truthMeaning: entry.maskMeaning,
  };
}

const ACCEPTED = /^image\/(png|jpeg)$/;

export async function loadImageFile(file: File): Promise<LoadedImage> {
  if (file.type && !ACCEPTED.test(file.type) && !/\.(png|jpe?g)$/i.test(file.name))
    throw new Error(`${file.name}: expected a PNG or JPEG image, got ${file.type || 'an unknown type'}`);
  const rgba = await decodeImage(file, file.name);
  return { name: file.name, origin: 'file', rgba, grayscale: isGrayscale(rgba.data) };
}

/** Where a sample image is served (thumbnails in the picker). */
export const sampleThumbnailUrl = (entry: SampleEntry) => samplesUrl(entry.image);

/** The sample that suits the input node best: its channel kind, then the smallest at least as large. */
export function preferredSample(list: SampleEntry[], channels: number, size: { h: number; w: number }): SampleEntry | undefined {
  const kind = channels === 1 ? 1 : 3;
  const matching = list.filter((s) => s.channels === kind);
  const kinds = matching.length ? matching : list;
  // Samples with ground truth first: they show scores.
  const withTruth = kinds.filter((s) => s.mask);
  const pool = withTruth.length ? withTruth : kinds;
  const bigEnough = pool.filter((s) => s.width >= size.w && s.height >= size.h).sort((a, b) => a.width * a.height - b.width * b.height);
  return bigEnough[0] ?? [...pool].sort((a, b) => b.width * b.height - a.width * a.height)[0];
}
