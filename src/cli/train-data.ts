import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isSampleSet, pairByName, sampleSet, SAMPLE_SETS, type RgbaImage } from '../runtime';
import { readImageFile } from '../runtime/node';
import { CliError } from './command';

export interface RawPair {
  name: string;
  image: RgbaImage;
  mask: RgbaImage;
}

async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(path.join(dir, entry.name), rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** `--data DIR`: every image paired with its mask by name; unpaired images are reported, not silently dropped. */
export async function readDataDir(dir: string, warn: (text: string) => void): Promise<RawPair[]> {
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new CliError(`--data ${dir}: no such folder`);
  const { pairs, unpaired } = pairByName((await walk(dir)).map((p) => ({ path: p, file: p })));
  if (pairs.length === 0)
    throw new CliError(`--data ${dir}: no image + mask pairs (name masks like a-mask.png next to a.png, or put them in images/ and masks/)`);
  if (unpaired.length) warn(`warning: ${dir}: ${unpaired.length} file(s) without a partner ignored (${unpaired.slice(0, 4).join(', ')}${unpaired.length > 4 ? ', …' : ''})`);
  const read = (rel: string) =>
    readImageFile(path.join(dir, rel)).catch((err: Error) => {
      throw new CliError(err.message);
    });
  return Promise.all(pairs.map(async (p) => ({ name: p.name, image: await read(p.image), mask: await read(p.mask) })));
}

export function readSamples(name: string): RawPair[] {
  if (!isSampleSet(name)) throw new CliError(`--samples: expected ${Object.keys(SAMPLE_SETS).join(' or ')}, got "${name}"`);
  return sampleSet(name);
}
