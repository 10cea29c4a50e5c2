import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile/compile';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { compileForInference } from '../../src/compile/optimize';
import { nchwToNhwc, nhwcToNchw, predict, predictTensors } from '../../src/runtime/predict';
import type { StateDict } from '../../src/compile/stateDict';
import { exportWeights, loadWeights } from '../../src/compile/weights';
import { buildUNet, getVariant } from '../../src/core/builder';
import { fixtureGraph, maxAbsDiff, readParityFixture } from './compile-helpers';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** Deterministic values in [lo, hi): tests must not depend on Math.random. */
function seeded(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  });
}

describe('predict', () => {
  const fixture = readParityFixture('strided-nearest');

  it('leaves no tensors behind: 20 runs keep tf.memory().numTensors at the baseline', async () => {
    const compiled = compileGraph(fixtureGraph(fixture));
    loadWeights(compiled, fixture.weights);
    const input = nchwToNhwc(fixture.input);
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await predict(compiled.model, input);
    expect(tf.memory().numTensors).toBe(baseline);
    compiled.model.dispose();
  });

  it('takes a tensor too (left to its owner) and returns plain NHWC data', async () => {
    const compiled = compileGraph(fixtureGraph(fixture));
    loadWeights(compiled, fixture.weights);
    const x = tf.tensor(nchwToNhwc(fixture.input).data, [1, 16, 16, 3]);
    const baseline = tf.memory().numTensors;
    const [out] = await predict(compiled.model, x);
    expect(tf.memory().numTensors).toBe(baseline);
    expect(x.isDisposed).toBe(false);
    expect(out!.shape).toEqual([1, 16, 16, 3]);
    expect(maxAbsDiff(nhwcToNchw(out!).data, fixture.output.data)).toBeLessThan(1e-4);
    const tensors = predictTensors(compiled.model, x);
    expect(tf.memory().numTensors).toBe(baseline + 1);
    tf.dispose([...tensors, x]);
    compiled.model.dispose();
  });

  it('converts between NCHW and NHWC losslessly', () => {
    const data = seeded(2 * 3 * 4 * 5, 7, -1, 1);
    const nhwc = nchwToNhwc({ data, shape: [2, 3, 4, 5] });
    expect(nhwc.shape).toEqual([2, 4, 5, 3]);
    // element [n=1, c=2, h=3, w=4] lands at [1, 3, 4, 2]
    expect(nhwc.data[((1 * 4 + 3) * 5 + 4) * 3 + 2]).toBe(data[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
    expect(nhwcToNchw(nhwc)).toEqual({ data, shape: [2, 3, 4, 5] });
  });
});

describe('inference optimisation (BatchNorm folded, dropout dropped)', () => {
  for (const name of ['upconv-blocks', 'strided-nearest', 'milesial-transposed']) {
    it(`${name} at base 8: same outputs as the plain model within 1e-4, fewer layers`, async () => {
      const doc = buildUNet({ ...getVariant(name)!.options, base: 8, inputSize: { h: 32, w: 32 } });
      const plain = compileGraph(doc);
      // Non-trivial BatchNorm statistics, so folding has something to get wrong.
      const weights: StateDict = await exportWeights(plain);
      let seed = 1;
      for (const [id, params] of Object.entries(weights))
        if (id.includes('_bn')) {
          const c = params.weight!.data.length;
          params.weight!.data = seeded(c, seed++, 0.5, 1.5);
          params.bias!.data = seeded(c, seed++, -0.3, 0.3);
          params.running_mean!.data = seeded(c, seed++, -0.3, 0.3);
          params.running_var!.data = seeded(c, seed++, 0.5, 1.5);
        }
      loadWeights(plain, weights, { strict: true });
      const fast = await compileForInference(plain);
      expect(fast.folded.length).toBeGreaterThan(0);
      expect(fast.model.layers.some((l) => l.getClassName() === 'BatchNormalization' || l.getClassName() === 'Dropout')).toBe(false);
      expect(fast.model.layers.length).toBeLessThan(plain.model.layers.length);
      const input = { data: seeded(3 * 32 * 32, 99, 0, 1), shape: [1, 32, 32, 3] };
      const [a] = await predict(plain.model, input);
      const [b] = await predict(fast.model, input);
      expect(maxAbsDiff(a!.data, b!.data)).toBeLessThanOrEqual(1e-4);
      plain.model.dispose();
      fast.model.dispose();
    });
  }
});
