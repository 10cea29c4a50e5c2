import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile/compile';
import { compileForInference } from '../../src/compile/optimize';
import { predict, type TensorData } from '../../src/runtime/predict';
import { predictStepped } from '../../src/runtime/stepped';
import { buildUNet } from '../../src/core/builder';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const input = (h: number, w: number, c: number): TensorData => ({
  data: Float32Array.from({ length: h * w * c }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5),
  shape: [1, h, w, c],
});

describe('predictStepped', () => {
  it.each([
    ['paper-style: valid convs, max-pool, up-conv, crop, concat', { depth: 2, base: 4, inputSize: { h: 92, w: 92 } }, 1],
    ['milesial-style: BatchNorm, bilinear upsample, pad', { depth: 2, base: 4, padding: 'same', norm: 'batch', bias: false, upMode: 'bilinear', alignCorners: true, concatMode: 'pad', bottleneckFactor: 2, inChannels: 3, inputSize: { h: 30, w: 34 } }, 3],
    ['dropout, leaky ReLU, strided down, depth-to-space head', { depth: 2, base: 4, padding: 'same', dropout: [0.2, 0.1], activation: 'leakyRelu', down: 'strided-conv', upMode: 'nearest-conv', depthToSpace: 2, head: { classes: 3, activation: 'sigmoid' }, inputSize: { h: 32, w: 32 } }, 1],
  ] as const)('%s: the same numbers as predict, nothing left behind', async (_, options, c) => {
    const doc = buildUNet(options as Parameters<typeof buildUNet>[0]);
    const plain = compileGraph(doc);
    const fast = await compileForInference(plain);
    const [, h, w] = plain.model.inputs[0]!.shape as [null, number, number, number];
    const x = input(h, w, c);
    for (const model of [plain.model, fast.model]) {
      const before = tf.memory().numTensors;
      const expected = await predict(model, x);
      const got = await predictStepped(model, x, { sliceMs: 0 });
      expect(got.map((t) => t.shape)).toEqual(expected.map((t) => t.shape));
      got.forEach((t, k) => expect(Array.from(t.data)).toEqual(Array.from(expected[k]!.data)));
      expect(tf.memory().numTensors).toBe(before);
    }
    plain.model.dispose();
    fast.model.dispose();
  });

  it('reports progress, yields, and stops cleanly when cancelled', async () => {
    const { model } = compileGraph(buildUNet({ depth: 2, base: 4, inputSize: { h: 92, w: 92 } }));
    const before = tf.memory().numTensors;
    const seen: [number, number][] = [];
    await predictStepped(model, input(92, 92, 1), { sliceMs: 0, onProgress: (done, total) => seen.push([done, total]) });
    const total = seen[0]![1];
    expect(seen.length).toBe(total);
    expect(seen.map(([done]) => done)).toEqual(Array.from({ length: total }, (_, i) => i + 1));

    const abort = new AbortController();
    const stopped = predictStepped(model, input(92, 92, 1), {
      sliceMs: 0,
      signal: abort.signal,
      onProgress: (done) => done === 3 && abort.abort(new Error('stop here')),
    });
    await expect(stopped).rejects.toThrow('stop here');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses models with several inputs', async () => {
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const model = tf.model({ inputs: [a, b], outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
    await expect(predictStepped(model, { data: new Float32Array(2), shape: [1, 2] })).rejects.toThrow('a stepped pass feeds one input; the model has 2');
  });
});
