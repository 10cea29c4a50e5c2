/**
 * Synthetic images with exact ground-truth masks, generated reproducibly from a seed: the bundled samples
 * (scripts/make-samples.ts writes them to public/samples) and the training data of `--samples membranes`.
 * - membranes: grayscale EM-like tissue (the paper's ISBI task): cells separated by dark membranes; the mask is
 *   white inside cells, black on membranes (the ISBI label convention);
 * - nuclei: RGB H&E-like stain: purple nuclei on pink tissue; the mask is white on nuclei.
 */
import type { RgbaImage } from './image';

/** mulberry32: a tiny seeded PRNG, so every run writes the same bytes. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Sample {
  image: RgbaImage;
  mask: RgbaImage;
}

/** A side length for square images, or width and height. */
export type SampleSize = number | { width: number; height: number };
const dims = (size: SampleSize) => (typeof size === 'number' ? { width: size, height: size } : size);

const blank = (width: number, height: number): RgbaImage => ({ width, height, data: new Uint8ClampedArray(width * height * 4).fill(255) });

function put(img: RgbaImage, x: number, y: number, r: number, g: number, b: number) {
  img.data.set([r, g, b, 255], (y * img.width + x) * 4);
}

/** Smooth value noise in [0, 1): bilinear interpolation of a coarse random grid. */
function valueNoise(size: number, cell: number, random: () => number): (x: number, y: number) => number {
  const n = Math.ceil(size / cell) + 2;
  const grid = Float32Array.from({ length: n * n }, random);
  return (x, y) => {
    const gx = x / cell;
    const gy = y / cell;
    const x0 = Math.floor(gx);
    const y0 = Math.floor(gy);
    const fx = gx - x0;
    const fy = gy - y0;
    const at = (i: number, j: number) => grid[j * n + i]!;
    const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
    const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
    return top * (1 - fy) + bottom * fy;
  };
}

/** Gaussian-ish noise from the sum of uniforms (Irwin–Hall), mean 0, sd ≈ 1. */
const noise = (random: () => number) => random() + random() + random() + random() - 2;

/** EM-like membranes: a jittered Voronoi tessellation with dark, soft-edged cell borders. */
export function membranes(size: SampleSize, seed: number, cellSize = 22): Sample {
  const { width, height } = dims(size);
  const random = rng(seed);
  const perSide = Math.max(2, Math.round(Math.max(width, height) / cellSize));
  const step = Math.max(width, height) / perSide;
  const seeds: { x: number; y: number; tone: number }[] = [];
  for (let j = -1; j <= perSide; j++)
    for (let i = -1; i <= perSide; i++)
      seeds.push({ x: (i + 0.15 + 0.7 * random()) * step, y: (j + 0.15 + 0.7 * random()) * step, tone: 150 + 50 * random() });
  const texture = valueNoise(Math.max(width, height), 6, random);
  const image = blank(width, height);
  const mask = blank(width, height);
  const thickness = Math.max(1.5, step * 0.09);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let d1 = Infinity;
      let d2 = Infinity;
      let tone = 0;
      for (const s of seeds) {
        const d = Math.hypot(x - s.x, y - s.y);
        if (d < d1) [d2, d1, tone] = [d1, d, s.tone];
        else if (d < d2) d2 = d;
      }
      // Distance to the border between the two nearest cells.
      const edge = (d2 - d1) / 2;
      const membrane = Math.exp(-(edge * edge) / (2 * thickness * thickness));
      const v = tone + 25 * (texture(x, y) - 0.5) - 120 * membrane + 6 * noise(random);
      const g = Math.max(0, Math.min(255, Math.round(v)));
      put(image, x, y, g, g, g);
      const inside = edge > thickness ? 255 : 0;
      put(mask, x, y, inside, inside, inside);
    }
  return { image, mask };
}

/** H&E-like stain: pink tissue with purple, slightly irregular elliptical nuclei. */
export function nuclei(size: SampleSize, seed: number, count = Math.round((dims(size).width * dims(size).height) / 700)): Sample {
  const { width, height } = dims(size);
  const random = rng(seed);
  const blobs = Array.from({ length: count }, () => ({
    x: random() * width,
    y: random() * height,
    a: 4 + 5 * random(),
    b: 3 + 3 * random(),
    angle: Math.PI * random(),
    shade: 0.8 + 0.4 * random(),
  }));
  const texture = valueNoise(Math.max(width, height), 9, random);
  const image = blank(width, height);
  const mask = blank(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let inside = 0;
      let shade = 1;
      for (const n of blobs) {
        const dx = x - n.x;
        const dy = y - n.y;
        const u = (dx * Math.cos(n.angle) + dy * Math.sin(n.angle)) / n.a;
        const v = (-dx * Math.sin(n.angle) + dy * Math.cos(n.angle)) / n.b;
        const r = u * u + v * v;
        if (r < 1 && 1 - r > inside) [inside, shade] = [1 - r, n.shade];
      }
      const t = texture(x, y) - 0.5;
      const jitter = 5 * noise(random);
      const nucleus = inside > 0 ? Math.min(1, 0.6 + inside) : 0;
      // Tissue (235, 170, 205) blended toward hematoxylin purple (80, 50, 140) inside nuclei.
      const mix = (tissue: number, stain: number) => tissue * (1 - nucleus) + stain * shade * nucleus + 20 * t + jitter;
      put(image, x, y, ...([mix(235, 80), mix(170, 50), mix(205, 140)].map((c) => Math.max(0, Math.min(255, Math.round(c)))) as [number, number, number]));
      const m = inside > 0 ? 255 : 0;
      put(mask, x, y, m, m, m);
    }
  return { image, mask };
}
