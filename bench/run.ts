/**
 * `npm run bench [-- name…]`: runs every `bench/*.bench.ts` in file-name order, or those whose name contains
 * one of the given words. A bench module default-exports `{ name, description?, run() }` (see `Bench`);
 * adding one is just adding its file.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench } from './measure';


const isBench = (v: unknown): v is Bench =>
  typeof v === 'object' && v !== null && typeof (v as Bench).name === 'string' && typeof (v as Bench).run === 'function';

async function main(filters: string[]): Promise<number> {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
  let ran = 0;
  let failed = 0;
  for (const file of files) {
    const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as { default?: unknown };
    if (!isBench(mod.default)) {
      console.error(`bench/${file}: expected a default export { name, run }`);
      failed++;
      continue;
    }
    const bench = mod.default;
    if (filters.length && !filters.some((f) => bench.name.includes(f) || file.includes(f))) continue;
    console.log(`\n## ${bench.name}${bench.description ? ` — ${bench.description}` : ''}\n`);
    try {
      await bench.run();
      ran++;
    } catch (err) {
      console.error(`bench ${bench.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      failed++;
    }
  }
  if (ran === 0 && failed === 0) console.error(`no bench matches ${filters.join(', ')} (files: ${files.join(', ')})`);
  return failed > 0 || ran === 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
