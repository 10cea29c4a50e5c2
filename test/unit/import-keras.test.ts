import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { compileGraph } from '../../src/compile/compile';
import { ImportError, importModel } from '../../src/compile/import';
import { loadWeights } from '../../src/compile/weights';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { predict } from '../../src/runtime/predict';
import { maxAbsDiff } from './compile-helpers';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** The classic Keras get_unet (ultrasound-nerve-segmentation) in tf.layers, at base width `b`. */
function getUnet(b = 4, size = 32): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 1], name: 'input_1' });
  const conv = (x: tf.SymbolicTensor, f: number) =>
    tf.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(tf.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const skips: tf.SymbolicTensor[] = [];
  let x = input;
  for (let i = 0; i < 4; i++) {
    x = conv(x, b * 2 ** i);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  }
  x = conv(x, b * 16);
  // A BatchNorm and a dropout at the bottleneck, to cover them.
  x = tf.layers.batchNormalization({ epsilon: 1e-3 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.5 }).apply(x) as tf.SymbolicTensor;
  for (let i = 3; i >= 0; i--) {
    const up = tf.layers.conv2dTranspose({ filters: b * 2 ** i, kernelSize: 2, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    x = conv(tf.layers.concatenate({ axis: 3 }).apply([up, skips[i]!]) as tf.SymbolicTensor, b * 2 ** i);
  }
  const out = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** model.save into memory, written out as the files of a tfjs model folder. */
async function saveToFiles(model: tf.LayersModel): Promise<{ name: string; bytes: Uint8Array }[]> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const json = { format: 'layers-model', modelTopology: artifacts!.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts!.weightSpecs }] };
  const data = artifacts!.weightData as ArrayBuffer;
  return [
    { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) },
    { name: 'group1-shard1of1.bin', bytes: new Uint8Array(data) },
  ];
}

describe('Keras / tfjs Layers models', () => {
  it('a tf.layers get_unet saved with model.save opens with the same shapes, parameters and outputs', async () => {
    const model = getUnet();
    // Non-trivial BatchNorm statistics, so the moving mean/variance are really read.
    const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    bn.setWeights(bn.getWeights().map((w, i) => tf.randomUniform(w.shape, i < 2 ? 0.5 : 0.1, 1.5, 'float32', i)));
    const files = await saveToFiles(model);
    const imported = await importModel(files);
    expect(imported.format).toBe('tfjs');
    const analysis = analyzeGraph(imported.doc);
    expect(analysis.errorCount).toBe(0);
    expect(analysis.totals.params.total).toBe(model.countParams());
    // every layer's output shape, channels_last → C×H×W
    const rows = new Map(analysis.rows.map((r) => [r.id, r]));
    for (const layer of model.layers) {
      if (layer.getClassName() === 'InputLayer') continue;
      const [, h, w, c] = layer.outputShape as number[];
      const row = rows.get(layer.name);
      expect(row?.output, layer.name).toEqual({ c, h, w });
    }
    const x = tf.randomUniform([1, 32, 32, 1], 0, 1, 'float32', 3);
    const want = (await (model.predict(x) as tf.Tensor).data()) as Float32Array;
    const compiled = compileGraph(imported.doc);
    try {
      expect(loadWeights(compiled, imported.weights, { strict: true }).unused).toEqual([]);
      const [out] = await predict(compiled.model, { shape: [1, 32, 32, 1], data: (await x.data()) as Float32Array });
      expect(out!.shape).toEqual([1, 32, 32, 1]);
      expect(maxAbsDiff(out!.data, want)).toBeLessThanOrEqual(1e-4 * Math.max(...Array.from(want, Math.abs)));
    } finally {
      compiled.model.dispose();
      model.dispose();
    }
  });

  it('a Keras to_json() topology opens with the same shapes and parameters (random weights, said so)', async () => {
    const model = getUnet(8, 64);
    const topology = model.toJSON(null, false);
    const imported = await importModel([{ name: 'unet.json', bytes: new TextEncoder().encode(JSON.stringify(topology)) }]);
    expect(imported.format).toBe('keras');
    expect(imported.warnings.join()).toMatch(/no weights/);
    const analysis = analyzeGraph(imported.doc);
    expect(analysis.totals.params.total).toBe(model.countParams());
    expect(analysis.rows.find((r) => r.op === 'output')!.output).toEqual({ c: 1, h: 64, w: 64 });
    model.dispose();
  });

  it('a Multiply gate x·σ(conv(x)) (one channel broadcast over four) opens with the same shapes and outputs', async () => {
    const input = tf.input({ shape: [12, 12, 3], name: 'input_1' });
    const x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' }).apply(input) as tf.SymbolicTensor;
    const alpha = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'psi' }).apply(x) as tf.SymbolicTensor;
    const gated = tf.layers.multiply({ name: 'gate' }).apply([x, alpha]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'head' }).apply(gated) as tf.SymbolicTensor });
    const imported = await importModel(await saveToFiles(model));
    const rows = new Map(analyzeGraph(imported.doc).rows.map((r) => [r.id, r]));
    expect(rows.get('gate')).toMatchObject({ op: 'multiply', output: { c: 4, h: 12, w: 12 } });
    const x0 = tf.randomUniform([1, 12, 12, 3], 0, 1, 'float32', 5);
    const want = (await (model.predict(x0) as tf.Tensor).data()) as Float32Array;
    const compiled = compileGraph(imported.doc);
    try {
      expect(loadWeights(compiled, imported.weights, { strict: true }).unused).toEqual([]);
      const [out] = await predict(compiled.model, { shape: [1, 12, 12, 3], data: (await x0.data()) as Float32Array });
      expect(maxAbsDiff(out!.data, want)).toBeLessThanOrEqual(1e-5 * Math.max(...Array.from(want, Math.abs)));
    } finally {
      compiled.model.dispose();
      model.dispose();
    }
  });

  it('a layer it cannot map is listed, and nothing opens', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const x = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'stem' }).apply(input) as tf.SymbolicTensor;
    const flat = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: 'fc' }).apply(flat) as tf.SymbolicTensor });
    const files = await saveToFiles(model);
    await expect(importModel(files)).rejects.toThrow(ImportError);
    await importModel(files).catch((e: ImportError) => {
      expect(e.unsupported).toEqual([
        { opType: 'Flatten', nodes: ['flatten'] },
        { opType: 'Dense', nodes: ['fc'] },
      ]);
    });
    model.dispose();
  });
});
