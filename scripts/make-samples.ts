/**
 * Synthetic sample images with ground-truth masks for the run panel and the CLI, written to public/samples/:
 * - membranes: grayscale EM-like tissue (the paper's ISBI task): cells separated by dark membranes; the mask is
 *   white inside cells, black on membranes (the ISBI label convention);
 * - nuclei: RGB H&E-like stain: purple nuclei on pink tissue; the mask is white on nuclei.
 * The generators live in src/runtime/synthetic.ts (training uses them too). Deterministic (seeded), small files. Run: node --import tsx scripts/make-samples.ts
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { membranes, nuclei, type Sample } from '../src/runtime/synthetic';
import { encodePng } from '../src/runtime/imageFiles';

export { membranes, nuclei, rng, type Sample, type SampleSize } from '../src/runtime/synthetic';

export interface SampleEntry {
  id: string;
  title: string;
  image: string;
  /** Ground truth (synthetic samples); real pictures have none. */
  mask?: string;
  width: number;
  height: number;
  /** Channels of the image as a model input would take it: 1 grayscale, 3 RGB. */
  channels: 1 | 3;
  /** What the mask marks in white. */
  maskMeaning?: string;
  /** Where a real picture comes from (licence in public/samples/README.md). */
  credit?: string;
}

/** Real pictures for inference demos, copied by scripts/real-samples.sh from Debian's python3-skimage (CC0 / unrestricted). */
const REAL: SampleEntry[] = [
  { id: 'cell', title: 'Cell in saline, phase image 275×330 (grayscale, real)', image: 'cell.png', width: 275, height: 330, channels: 1, credit: 'scikit-image data: Müller et al. 2018, CC0' },
  { id: 'microaneurysms', title: 'Retina with microaneurysms 102×102 (grayscale, real)', image: 'microaneurysms.png', width: 102, height: 102, channels: 1, credit: 'scikit-image data: HRF database, Budai et al. 2013, CC0' },
  { id: 'ihc', title: 'Colonic glands, IHC stain 256×256 (RGB, real)', image: 'ihc.png', width: 256, height: 256, channels: 3, credit: 'scikit-image data: CMMI, no known copyright restrictions' },
  { id: 'retina', title: 'Fundus photograph 384×384 (RGB, real)', image: 'retina.jpg', width: 384, height: 384, channels: 3, credit: 'scikit-image data: Häggström 2014, Wikimedia Commons, CC0' },
];

const SAMPLES: { id: string; title: string; make: () => Sample; channels: 1 | 3; maskMeaning: string }[] = [
  { id: 'membranes-96', title: 'EM membranes 96×96 (grayscale)', make: () => membranes(96, 11), channels: 1, maskMeaning: 'cell interior (membranes black)' },
  { id: 'membranes-256', title: 'EM membranes 256×256 (grayscale)', make: () => membranes(256, 12), channels: 1, maskMeaning: 'cell interior (membranes black)' },
  { id: 'membranes-572', title: 'EM membranes 572×572 (grayscale, paper input size)', make: () => membranes(572, 13, 40), channels: 1, maskMeaning: 'cell interior (membranes black)' },
  { id: 'nuclei-128', title: 'Stained nuclei 128×128 (RGB)', make: () => nuclei(128, 21), channels: 3, maskMeaning: 'nuclei' },
  { id: 'nuclei-256', title: 'Stained nuclei 256×256 (RGB)', make: () => nuclei(256, 22), channels: 3, maskMeaning: 'nuclei' },
  { id: 'nuclei-384x256', title: 'Stained nuclei 384×256 (RGB, wide)', make: () => nuclei({ width: 384, height: 256 }, 23), channels: 3, maskMeaning: 'nuclei' },
];

export async function writeSamples(dir: string): Promise<SampleEntry[]> {
  await mkdir(dir, { recursive: true });
  const entries: SampleEntry[] = [];
  for (const s of SAMPLES) {
    const { image, mask } = s.make();
    const entry: SampleEntry = {
      id: s.id,
      title: s.title,
      image: `${s.id}.png`,
      mask: `${s.id}-mask.png`,
      width: image.width,
      height: image.height,
      channels: s.channels,
      maskMeaning: s.maskMeaning,
    };
    await writeFile(path.join(dir, entry.image), encodePng(image));
    await writeFile(path.join(dir, `${s.id}-mask.png`), encodePng(mask));
    entries.push(entry);
  }
  // The real pictures are listed when scripts/real-samples.sh has put them there.
  for (const r of REAL) if (await stat(path.join(dir, r.image)).catch(() => undefined)) entries.push(r);
  await writeFile(path.join(dir, 'index.json'), `${JSON.stringify(entries, null, 2)}\n`);
  return entries;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../public/samples');
  const entries = await writeSamples(dir);
  for (const e of entries) console.log(`${e.image}${e.mask ? ` + ${e.mask}` : ''}  ${e.width}×${e.height}×${e.channels}  ${e.title}`);
}
