import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DepthToSpace, LeakyConv2D, ReflectionPadding2D, UpsampleBilinear } from '../../src/compile/layers';
import { PatchConv2DTranspose } from '../../src/compile/layers/patchConv2dTranspose';
import { useNodeBackend } from '../../src/runtime/nodeBackends';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** Applies a layer to an N=1, C=1 image given as rows. */
function run(layer: tf.layers.Layer, rows: number[][]): number[] {
  const x = tf.tensor4d(rows.flat(), [1, rows.length, rows[0]!.length, 1]);
  const y = layer.apply(x) as tf.Tensor;
  const out = Array.from(y.dataSync());
  tf.dispose([x, y]);
  return out;
}

const close = (got: number[], want: number[]) => {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
};

describe('UpsampleBilinear matches F.interpolate(mode="bilinear") (values from PyTorch 1.13)', () => {
  const image = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  it('align_corners=True', () => {
    close(run(new UpsampleBilinear({ size: 2, alignCorners: true, halfPixelCenters: false }), image), [
      1, 1.4, 1.8, 2.2, 2.6, 3, 2, 2.4, 2.8, 3.2, 3.6, 4, 3, 3.4, 3.8, 4.2, 4.6, 5, 4, 4.4, 4.8, 5.2, 5.6, 6,
    ]);
  });
  it('align_corners=False (half-pixel centres)', () => {
    close(run(new UpsampleBilinear({ size: [2, 2], alignCorners: false, halfPixelCenters: true }), image), [
      1, 1.25, 1.75, 2.25, 2.75, 3, 1.75, 2, 2.5, 3, 3.5, 3.75, 3.25, 3.5, 4, 4.5, 5, 5.25, 4, 4.25, 4.75, 5.25, 5.75, 6,
    ]);
  });
  it('rejects both conventions at once, and bad sizes', () => {
    expect(() => new UpsampleBilinear({ alignCorners: true, halfPixelCenters: true })).toThrow(/cannot both be true/);
    expect(() => new UpsampleBilinear({ size: 0 })).toThrow(/UpsampleBilinear.size: expected a positive integer/);
  });
});

describe('ReflectionPadding2D', () => {
  it('matches F.pad(mode="reflect") with [left 1, right 2, top 2, bottom 1]', () => {
    const layer = new ReflectionPadding2D({ padding: [[2, 1], [1, 2]] });
    close(run(layer, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]), [
      8, 7, 8, 9, 8, 7, 5, 4, 5, 6, 5, 4, 2, 1, 2, 3, 2, 1, 5, 4, 5, 6, 5, 4, 8, 7, 8, 9, 8, 7, 5, 4, 5, 6, 5, 4,
    ]);
    expect(layer.computeOutputShape([null, 3, 3, 1])).toEqual([null, 6, 6, 1]);
  });
  it('says when the input is too small to reflect', () => {
    expect(() => run(new ReflectionPadding2D({ name: 'pad0', padding: [[2, 2], [0, 0]] }), [[1], [2]])).toThrow(
      /pad0: reflection padding .* needs an input larger than 2×1/,
    );
  });
});

describe('DepthToSpace', () => {
  it('uses TensorFlow order: out[h·r+i, w·r+j, c] = in[h, w, (i·r+j)·C + c]', () => {
    const r = 2;
    const C = 2;
    // One pixel with 8 channels valued by their index.
    const x = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7], [1, 1, 1, r * r * C]);
    const y = new DepthToSpace({ blockSize: r }).apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 2, 2, C]);
    const out = y.arraySync() as number[][][][];
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) for (let c = 0; c < C; c++) expect(out[0]![i]![j]![c]).toBe((i * r + j) * C + c);
    tf.dispose([x, y]);
  });
  it('rejects channels that do not divide into blocks', () => {
    expect(() => new DepthToSpace({ name: 'd2s', blockSize: 3 }).computeOutputShape([null, 4, 4, 10])).toThrow(
      /d2s: 10 channels do not divide into 3×3 blocks/,
    );
  });
});

describe('custom layers serialise', () => {
  it('are registered with tf.serialization and rebuild from their config', () => {
    for (const layer of [
      new UpsampleBilinear({ name: 'up', size: 3, alignCorners: true, halfPixelCenters: false }),
      new ReflectionPadding2D({ name: 'pad', padding: [[1, 0], [0, 2]] }),
      new DepthToSpace({ name: 'd2s', blockSize: 3 }),
      new LeakyConv2D({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same', alpha: 0.2 }),
    ]) {
      const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()]!;
      const copy = fromConfig(cls, layer.getConfig()) as tf.layers.Layer;
      expect(copy.getClassName()).toBe(layer.getClassName());
      expect(copy.getConfig()).toEqual(layer.getConfig());
    }
  });
});

describe('PatchConv2DTranspose (the compiler’s up-conv)', () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['2×2 stride 2 with bias and relu', { filters: 5, kernelSize: 2, strides: 2, activation: 'relu' }, true],
    ['3×3 stride 3 without bias, same padding', { filters: 4, kernelSize: 3, strides: 3, useBias: false, padding: 'same' }, true],
    ['3×3 stride 2 (overlapping: built-in code)', { filters: 4, kernelSize: 3, strides: 2 }, false],
  ];
  for (const [title, args, fast] of cases)
    it(`${title}: same numbers as tfjs' Conv2DTranspose`, async () => {
      const x = tf.randomUniform([2, 5, 7, 6], -1, 1, 'float32', 3);
      const builtIn = tf.layers.conv2dTranspose({ ...args, name: 'ref', biasInitializer: 'glorotUniform' } as never);
      const patch = new PatchConv2DTranspose({ ...args, name: 'patch' });
      const want = builtIn.apply(x) as tf.Tensor;
      patch.apply(x);
      patch.setWeights(builtIn.getWeights());
      const run = await tf.profile(() => patch.apply(x) as tf.Tensor);
      const got = run.result as tf.Tensor;
      expect(run.kernelNames.includes('Conv2DBackpropInput')).toBe(!fast);
      expect(got.shape).toEqual(want.shape);
      expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-5);
      expect(patch.getClassName()).toBe('Conv2DTranspose');
      tf.dispose([x, want, got]);
    });
});
