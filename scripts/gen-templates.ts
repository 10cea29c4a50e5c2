// Regenerates templates/<id>.json from the variant table (src/core/builder/variants.ts).
// Run: node --import tsx scripts/gen-templates.ts        (writes the files)
//      node --import tsx scripts/gen-templates.ts --check (exits 1 when a checked-in template is stale)
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUNet, templateText, UNET_VARIANTS } from '../src/core/builder';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'templates');
const check = process.argv.includes('--check');
mkdirSync(dir, { recursive: true });

let stale = 0;
for (const variant of UNET_VARIANTS) {
  const file = join(dir, `${variant.id}.json`);
  const text = templateText(buildUNet(variant.options));
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  if (check) {
    stale++;
    console.error(`templates/${variant.id}.json is out of date`);
  } else {
    writeFileSync(file, text);
    console.log(`wrote templates/${variant.id}.json`);
  }
}
if (stale) {
  console.error(`${stale} template(s) differ from the builder: run node --import tsx scripts/gen-templates.ts`);
  process.exit(1);
}
