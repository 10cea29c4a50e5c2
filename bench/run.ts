/**
 * `npm run bench [-- word…]`: runs every `bench/*.bench.ts` in file-name order (or those whose file or bench
 * name contains one of the words), each in its own Node process so one bench's heap and JIT state cannot skew
 * another's timings. A bench module default-exports `{ name, description?, run() }` (`Bench` in measure.ts);
 * adding one is just adding its file.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench } from './measure';

const dir = fileURLToPath(new URL('.', import.meta.url));
const self = fileURLToPath(import.meta.url);

const isBench = (v: unknown): v is Bench =>
  typeof v === 'object' && v !== null && typeof (v as Bench).name === 'string' && typeof (v as Bench).run === 'function';

/** In the child: import one bench file and run it. */
async function runOne(file: string): Promise<number> {
  const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as { default?: unknown };
  if (!isBench(mod.default)) {
    console.error(`bench/${file}: expected a default export { name, run }`);
    return 1;
  }
  const bench = mod.default;
  console.log(`\n## ${bench.name}${bench.description ? ` — ${bench.description}` : ''}\n`);
  await bench.run();
  return 0;
}

function runAll(filters: string[]): number {
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
  const chosen = filters.length ? files.filter((f) => filters.some((w) => f.includes(w))) : files;
  if (chosen.length === 0) {
    console.error(`no bench file matches ${filters.join(', ')} (have: ${files.join(', ')})`);
    return 1;
  }
  const failed: string[] = [];
  for (const file of chosen) {
    const child = spawnSync(process.execPath, [...process.execArgv, self, '--child', file], { stdio: 'inherit' });
    if (child.status !== 0) failed.push(file);
  }
  if (failed.length) console.error(`\nfailed: ${failed.join(', ')}`);
  return failed.length ? 1 : 0;
}

const args = process.argv.slice(2);
process.exitCode = args[0] === '--child' ? await runOne(args[1]!) : runAll(args);
