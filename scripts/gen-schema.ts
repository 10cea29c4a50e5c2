/**
 * Writes public/schema/graph-v2.json, the JSON Schema of our graph format, from the zod schema the importer runs.
 * Run after adding or changing an op:  node --import tsx scripts/gen-schema.ts   (--check: fail if out of date)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { graphJsonSchemaText } from '../src/core/format';

const target = fileURLToPath(new URL('../public/schema/graph-v2.json', import.meta.url));
const text = graphJsonSchemaText();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // a missing file is simply out of date
  }
  if (current !== text) {
    console.error(`${target} is out of date: run  node --import tsx scripts/gen-schema.ts`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target} (${text.length} characters)`);
}
