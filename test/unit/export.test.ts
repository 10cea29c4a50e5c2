import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTfjsModel, loadTfjsWeights, toTfjsFiles } from '../../src/compile/artifacts';
import { compileGraph } from '../../src/compile/compile';
import { WeightsError } from '../../src/compile/errors';
import { readModelFolder, readTfjsFolder, writeModelFolder } from '../../src/compile/folder';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { nchwToNhwc, predict } from '../../src/runtime/predict';
import { loadWeights } from '../../src/compile/weights';
import { parseGraph } from '../../src/core/format/parse';
import { problemLine } from '../../src/core/problem';
import { fixtureGraph, handGraph, maxAbsDiff, readParityFixture } from './compile-helpers';

let dir: string;
beforeAll(async () => {
  await useNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'unet-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Fixtures that use each custom layer: UpsampleBilinear, DepthToSpace; plus Cropping2D and BatchNorm. */
const FIXTURES = ['milesial-bilinear', 'slim-3X', 'paper', 'strided-nearest'];

async function loaded(name: string) {
  const fixture = readParityFixture(name);
  const compiled = compileGraph(fixtureGraph(fixture));
  loadWeights(compiled, fixture.weights);
  return { fixture, compiled, input: nchwToNhwc(fixture.input) };
}

describe('tfjs artifacts (model.json + weights.bin)', () => {
  for (const name of FIXTURES) {
    it(`${name}: tf.loadLayersModel of the saved files gives identical outputs`, async () => {
      const { compiled, input } = await loaded(name);
      const files = await toTfjsFiles(compiled.model);
      expect(files.modelJson.format).toBe('layers-model');
      expect(files.modelJson.weightsManifest[0]!.paths).toEqual(['./weights.bin']);
      expect(files.weights.byteLength).toBe(compiled.model.countParams() * 4);
      // Through JSON text, as it would come from disk.
      const reloaded = await loadTfjsModel({ modelJson: JSON.parse(JSON.stringify(files.modelJson)), weights: files.weights });
      const [a] = await predict(compiled.model, input);
      const [b] = await predict(reloaded, input);
      expect(b!.data).toEqual(a!.data);
      compiled.model.dispose();
      reloaded.dispose();
    });
  }

  it('keeps a reflection pad (ReflectionPadding2D) through save and load', async () => {
    const doc = handGraph(
      [
        ['input', 'input', { channels: 1, height: 5, width: 5 }],
        ['pad', 'pad', { mode: 'size', height: 8, width: 7, fill: 'reflect' }],
        ['output', 'output'],
      ],
      [['input', 'pad'], ['pad', 'output']],
    );
    const compiled = compileGraph(doc);
    const reloaded = await loadTfjsModel(await toTfjsFiles(compiled.model));
    expect(reloaded.getLayer('pad').getClassName()).toBe('ReflectionPadding2D');
    const input = { data: Float32Array.from({ length: 25 }, (_, i) => i), shape: [1, 5, 5, 1] };
    expect((await predict(reloaded, input))[0]!.data).toEqual((await predict(compiled.model, input))[0]!.data);
    compiled.model.dispose();
    reloaded.dispose();
  });
});

describe('model folder (graph.json + model.json + weights.bin)', () => {
  it('round-trips graph and weights: same graph, identical outputs', async () => {
    const { compiled, input } = await loaded('upconv-blocks');
    const out = path.join(dir, 'upconv');
    await writeModelFolder(out, compiled);
    expect((await readdir(out)).sort()).toEqual(['graph.json', 'model.json', 'weights.bin']);
    const parsed = parseGraph(await readFile(path.join(out, 'graph.json'), 'utf8'));
    expect(parsed.ok && parsed.doc.nodes.map((n) => n.id)).toEqual(compiled.doc.nodes.map((n) => n.id));

    const back = await readModelFolder(out);
    const [a] = await predict(compiled.model, input);
    const [b] = await predict(back.model, input);
    expect(b!.data).toEqual(a!.data);

    // The same folder, optimised for inference on load.
    const fast = await readModelFolder(out, { inference: { foldBatchNorm: true, dropDropout: true } });
    expect(fast.folded.length).toBeGreaterThan(0);
    const [c] = await predict(fast.model, input);
    expect(maxAbsDiff(c!.data, a!.data)).toBeLessThanOrEqual(1e-4);
    for (const m of [compiled, back, fast]) m.model.dispose();
  });

  it('says which weights do not fit when weights.bin belongs to another graph', async () => {
    const { compiled } = await loaded('paper');
    const other = compileGraph(fixtureGraph(readParityFixture('milesial-bilinear')));
    let error: unknown;
    try {
      loadTfjsWeights(other, await toTfjsFiles(compiled.model));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WeightsError);
    const problems = (error as WeightsError).problems;
    expect(problems).toContainEqual({
      severity: 'error',
      code: 'weight-shape',
      nodeId: 'enc0_conv1',
      field: 'enc0_conv1/kernel',
      message: 'enc0_conv1/kernel: expected [3, 3, 3, 4], weights.bin has [3, 3, 1, 4]',
    });
    expect(problems).toContainEqual({
      severity: 'error',
      code: 'weight-missing',
      nodeId: 'enc0_bn1',
      field: 'enc0_bn1/gamma',
      message: 'enc0_bn1/gamma: missing from weights.bin (expected [4])',
    });
    // up2 is an upsampling node here: it owns the layer, not the weight.
    expect(problems).toContainEqual({
      severity: 'error',
      code: 'weight-unknown',
      nodeId: 'up2',
      field: 'up2/kernel',
      message: 'up2/kernel: the model has no such weight',
    });
    // The lines users read are today's, in the problem list and in the error's message.
    const lines = problems.map(problemLine);
    for (const line of [
      'enc0_conv1/kernel: expected [3, 3, 3, 4], weights.bin has [3, 3, 1, 4]',
      'enc0_bn1/gamma: missing from weights.bin (expected [4])',
      'up2/kernel: the model has no such weight',
    ]) {
      expect(lines).toContain(line);
      expect((error as WeightsError).message).toContain(`\n  - ${line}`);
    }
    expect((error as WeightsError).message.startsWith('the tfjs weights do not fit the graph:\n')).toBe(true);
    compiled.model.dispose();
    other.model.dispose();
  });

  it('names the tensor alone when no node of the graph built its layer', async () => {
    const { compiled } = await loaded('paper');
    const files = await toTfjsFiles(compiled.model);
    const entry = files.modelJson.weightsManifest[0]!.weights.find((w) => w.name === 'enc0_conv1/kernel')!;
    entry.name = 'ghost/kernel';
    const same = compileGraph(compiled.doc);
    let error: unknown;
    try {
      loadTfjsWeights(same, files);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WeightsError);
    const problems = (error as WeightsError).problems;
    expect(problems).toEqual([
      {
        severity: 'error',
        code: 'weight-missing',
        nodeId: 'enc0_conv1',
        field: 'enc0_conv1/kernel',
        message: 'enc0_conv1/kernel: missing from weights.bin (expected [3, 3, 1, 4])',
      },
      { severity: 'error', code: 'weight-unknown', field: 'ghost/kernel', message: 'ghost/kernel: the model has no such weight' },
    ]);
    expect(problems.map(problemLine)).toEqual([
      'enc0_conv1/kernel: missing from weights.bin (expected [3, 3, 1, 4])',
      'ghost/kernel: the model has no such weight',
    ]);
    compiled.model.dispose();
    same.model.dispose();
  });

  it('explains a missing or truncated folder', async () => {
    await expect(readModelFolder(path.join(dir, 'nothing'))).rejects.toThrow(/graph\.json: cannot read the graph \(no such file\)/);
    const { compiled } = await loaded('paper');
    const out = path.join(dir, 'truncated');
    await writeModelFolder(out, compiled);
    await writeFile(path.join(out, 'weights.bin'), new Uint8Array(12));
    await expect(readTfjsFolder(out)).resolves.toBeDefined();
    await expect(readModelFolder(out)).rejects.toThrow(/model.json lists \d+ bytes of weights, weights.bin has 12/);
    compiled.model.dispose();
  });
});
