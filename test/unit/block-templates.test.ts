import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTfjsFiles } from '../../src/compile/artifacts';
import { compileGraph } from '../../src/compile/compile';
import { CUSTOM_LAYERS } from '../../src/compile/layers';
import { loadWeights } from '../../src/compile/weights';
import { inferShapes } from '../../src/core/infer';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { nchwToNhwc, nhwcToNchw, predict } from '../../src/runtime/predict';
import { fixtureGraph, maxAbsDiff, readParityFixture, readTemplate, ROOT } from './compile-helpers';

/**
 * The two designs built from branching ops (Attention U-Net's gate, ResUNet's residual unit), end to end: the
 * template at full width compiles and runs; the reduced-width PyTorch fixture exported as tfjs files is loaded
 * by plain tfjs in a separate Node process — no class of ours registered there — and still matches PyTorch.
 */
const DESIGNS = [
  { template: 'attention-unet', fixture: 'attention-unet', params: 34_878_573 },
  { template: 'res-unet', fixture: 'res-unet', params: 13_043_009 },
];
const TOLERANCE = 1e-4;

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  await useNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'unet-blocks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Stock @tensorflow/tfjs only (resolved from the repository), cpu backend: load model.json + weights.bin, run input.json. */
const PLAIN_TFJS = `
import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync } from 'node:fs';
const dir = process.argv[1];
tf.env().set('PROD', true);
await tf.setBackend('cpu');
const modelJson = JSON.parse(readFileSync(dir + '/model.json', 'utf8'));
const bytes = readFileSync(dir + '/weights.bin');
const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData }));
const input = JSON.parse(readFileSync(dir + '/input.json', 'utf8'));
const y = model.predict(tf.tensor(input.data, input.shape));
writeFileSync(dir + '/output.json', JSON.stringify({ shape: y.shape, data: Array.from(y.dataSync()) }));
`;

/** Every layer class a saved topology names. */
function classNames(topology: unknown): string[] {
  type Config = { config: { layers: { class_name: string }[] } };
  const t = topology as Config & { model_config?: Config };
  return (t.model_config ?? t).config.layers.map((l) => l.class_name);
}

describe.each(DESIGNS)('$template', ({ template, fixture: fixtureName, params }) => {
  it('the template at full width compiles and runs (a 32×32 input keeps the test fast)', async () => {
    const doc = readTemplate(template);
    const compiled = compileGraph(doc, { input: { h: 32, w: 32 } });
    try {
      expect(compiled.model.countParams() - nonTrainable(doc)).toBe(params);
      const input = { data: Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => (i % 17) / 17), shape: [1, 32, 32, 3] };
      const [out] = await predict(compiled.model, input);
      expect(out!.shape).toEqual([1, 32, 32, 1]);
      expect(out!.data.every(Number.isFinite)).toBe(true);
    } finally {
      compiled.model.dispose();
    }
  });

  it('exports to tfjs files of stock classes that plain tfjs loads, matching PyTorch', async () => {
    const fixture = readParityFixture(fixtureName);
    const compiled = compileGraph(fixtureGraph(fixture));
    try {
      loadWeights(compiled, fixture.weights, { strict: true });
      const files = await toTfjsFiles(compiled.model);
      const custom = new Set<string>(CUSTOM_LAYERS.map((c) => c.className));
      const used = classNames(files.modelJson.modelTopology);
      expect(used.filter((c) => custom.has(c))).toEqual([]);
      expect(used).toEqual(expect.arrayContaining(template === 'attention-unet' ? ['Multiply', 'Add'] : ['Add', 'ZeroPadding2D']));

      const out = path.join(dir, template);
      await run('mkdir', ['-p', out]);
      await writeFile(path.join(out, 'model.json'), JSON.stringify(files.modelJson));
      await writeFile(path.join(out, 'weights.bin'), files.weights);
      const input = nchwToNhwc(fixture.input);
      await writeFile(path.join(out, 'input.json'), JSON.stringify({ shape: input.shape, data: Array.from(input.data) }));
      await run(process.execPath, ['--input-type=module', '-e', PLAIN_TFJS, out], { cwd: ROOT, timeout: 60_000 });
      const plain = JSON.parse(await readFile(path.join(out, 'output.json'), 'utf8')) as { shape: number[]; data: number[] };
      const got = nhwcToNchw({ shape: plain.shape, data: Float32Array.from(plain.data) });
      expect(got.shape).toEqual(fixture.output.shape);
      expect(maxAbsDiff(got.data, fixture.output.data)).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      compiled.model.dispose();
    }
  });
});

/** BatchNorm running statistics: in the model's weights, not in PyTorch's parameters(). */
function nonTrainable(doc: Parameters<typeof inferShapes>[0]): number {
  let n = 0;
  for (const info of inferShapes(doc, { input: { h: 32, w: 32 } }).nodes.values()) n += info.paramCount.nonTrainable;
  return n;
}
