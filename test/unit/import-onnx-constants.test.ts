/**
 * ONNX import of arithmetic with constants and of Softmax at every opset (fixtures from scripts/torch/make_onnx.py):
 * what the graph becomes, what is refused and why, and the scaleShift op leaving again for PyTorch (model.py run
 * by /usr/bin/python3) and ONNX (onnx checker). import-onnx.test.ts compares the outputs with onnxruntime's.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile/compile';
import { exportOnnx } from '../../src/compile/export/onnx';
import { readOnnx } from '../../src/compile/import/onnx/reader';
import { ImportError } from '../../src/compile/import/types';
import { loadWeights } from '../../src/compile/weights';
import { DEFAULT_TRAIN_OPTIONS, inputSpecFromParams, labelledImage, sampleSet, Trainer } from '../../src/runtime';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { ROOT } from './compile-helpers';
import { PYTHON, requirePython, run, tolerance, writeTorchParityCase } from './export-helpers';

const DIR = path.join(ROOT, 'test/fixtures/onnx');
const open = (name: string, size = 16) => readOnnx(readFileSync(path.join(DIR, `${name}.onnx`)), { inputSize: { h: size, w: size } });
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

function refusal(name: string): ImportError {
  try {
    open(name, 4);
  } catch (err) {
    if (err instanceof ImportError) return err;
    throw err;
  }
  throw new Error(`${name} was imported`);
}

let tmp: string;
let parity: { max_diff?: number; scale?: number; error?: string } = {};
let checker: { ok: boolean; error?: string } = { ok: false };
let modelPy = '';

beforeAll(async () => {
  requirePython(['torch', 'onnx']);
  await useNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unet-scale-shift-'));
  const imported = open('normalize-softmax-11', 23);
  const compiled = compileGraph(imported.doc);
  try {
    loadWeights(compiled, imported.weights, { strict: true });
    const { exported, parityCase } = await writeTorchParityCase(compiled, path.join(tmp, 'torch'));
    modelPy = String(exported.files['model.py']);
    await writeFile(path.join(tmp, 'cases.json'), JSON.stringify([parityCase]));
    await writeFile(path.join(tmp, 'model.onnx'), await exportOnnx(compiled));
  } finally {
    compiled.model.dispose();
  }
  const [torchOut, onnxOut] = await Promise.all([
    run(PYTHON, [path.join(ROOT, 'test/python/pytorch_parity.py'), path.join(tmp, 'cases.json')], { env: { OMP_NUM_THREADS: '1' } }),
    run(PYTHON, [path.join(ROOT, 'test/python/onnx_check.py'), path.join(tmp, 'model.onnx')]),
  ]);
  parity = JSON.parse(torchOut.trim()) as typeof parity;
  checker = JSON.parse(onnxOut.trim()) as typeof checker;
}, 60_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('ONNX import: arithmetic with constants → scaleShift', () => {
  for (const name of ['normalize-softmax-11', 'normalize-softmax-13']) {
    it(`${name}: (x − mean) / std per channel and 1 − (2·x − 0.5)/4 become one scale-and-shift node each`, () => {
      const { doc, weights } = open(name);
      const nodes = doc.nodes.filter((n) => n.op === 'scaleShift');
      // Sub, Div per channel → x·(1/std) − mean/std; Mul (constant first), Sub, Div, Sub (constant first) → −0.5·x + 1.125.
      expect(nodes.map((n) => (n.params.perChannel ? 'channel' : [n.params.scale, n.params.shift]))).toEqual(['channel', [-0.5, 1.125]]);
      expect(doc.nodes.map((n) => n.op)).toEqual(['input', 'scaleShift', 'conv2d', 'scaleShift', 'conv2d', 'output']);
      const norm = weights[nodes[0]!.id]!;
      Array.from(norm.scale!.data).forEach((v, i) => expect(v).toBeCloseTo(1 / STD[i]!, 5));
      Array.from(norm.shift!.data).forEach((v, i) => expect(v).toBeCloseTo(-MEAN[i]! / STD[i]!, 5));
      expect(weights[nodes[1]!.id]).toBeUndefined();
    });

    it(`${name}: the channel softmax head is a softmax over channels${name.endsWith('11') ? ' (Transpose → Softmax over the last axis → Transpose)' : ''}`, () => {
      const { doc } = open(name);
      // The importer lets the conv before an activation apply it.
      const softmaxes = doc.nodes.filter((n) => n.params.activation === 'softmax');
      expect(softmaxes.map((n) => [n.id, n.op])).toEqual([['head', 'conv2d']]);
      expect(doc.nodes.map((n) => n.op).at(-1)).toBe('output');
    });
  }

  it('refuses a Softmax over C·H·W (axis 1 before opset 13), saying why', () => {
    const err = refusal('softmax-flat-11');
    expect(err.unsupported).toHaveLength(1);
    expect(err.unsupported[0]).toMatchObject({ opType: 'Softmax' });
    expect(err.unsupported[0]!.reason).toBe(
      'axis 1 at opset 11 is a softmax over C·H·W (before opset 13 Softmax flattens every axis from axis 1 on); ours runs over channels (C) per pixel',
    );
  });

  it('refuses a constant that is neither one value nor one per channel', () => {
    const err = refusal('add-spatial');
    expect(err.unsupported[0]).toMatchObject({ opType: 'Add', reason: 'a constant of shape [1, 1, 4, 4] (ours: one value, or one per channel, [2, 1, 1])' });
  });
});

describe('scaleShift leaves for PyTorch and ONNX', () => {
  it('model.py holds the per-channel constants as ScaleShift buffers and gives our output (strict weights)', () => {
    expect(modelPy).toMatch(/class ScaleShift\(nn\.Module\)/);
    expect(modelPy).toMatch(/= ScaleShift\(3\)/);
    expect(modelPy).toContain(' * -0.5 + 1.125)');
    expect(parity.error).toBeUndefined();
    expect(parity.scale!).toBeGreaterThan(0);
    expect(parity.max_diff!).toBeLessThanOrEqual(tolerance(parity.scale!));
  });

  it('the ONNX export passes the onnx checker (its outputs: import-roundtrip.test.ts)', () => {
    expect(checker).toMatchObject({ ok: true });
  });
});

describe('scaleShift in training', () => {
  it('the imported model trains (studio trainer, 3 steps): the convs learn, the normalisation constants stay', async () => {
    const { doc, weights } = open('normalize-softmax-11', 32);
    const spec = inputSpecFromParams(doc.nodes.find((n) => n.op === 'input')!.params);
    const images = sampleSet('nuclei', 2).map((s) => labelledImage(s.name, s.image, s.mask, spec, 3));
    const trainer = await Trainer.create(doc, images, { ...DEFAULT_TRAIN_OPTIONS, patch: 32, batch: 2, seed: 1, lr: 0.01 }, weights);
    try {
      const losses = [await trainer.step(), await trainer.step(), await trainer.step()];
      expect(losses.every(Number.isFinite)).toBe(true);
      const after = await trainer.weights();
      const norm = doc.nodes.find((n) => n.op === 'scaleShift' && n.params.perChannel)!.id;
      expect(Array.from(after[norm]!.scale!.data)).toEqual(Array.from(weights[norm]!.scale!.data));
      expect(Array.from(after[norm]!.shift!.data)).toEqual(Array.from(weights[norm]!.shift!.data));
      expect(Array.from(after.stem!.weight!.data)).not.toEqual(Array.from(weights.stem!.weight!.data));
    } finally {
      trainer.dispose();
    }
  });
});
