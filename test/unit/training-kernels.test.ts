/**
 * Gradients of every op a U-Net trains through, on wasm (our kernels in src/runtime/kernels) and cpu (the
 * gradient fixes apply to every backend): against PyTorch's gradients (test/fixtures/gradients, made by
 * scripts/torch/make_gradient_fixtures.py) and against central finite differences.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { customLayer, decode, GRADIENT_CASES, tfOp, toTf, toTorch, type GradientCase } from './training-gradients';

/** max |a − b| / max |b|: a scale-free error that still sees a single wrong element. */
function relError(actual: tf.Tensor, expected: tf.Tensor): number {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync(), e = expected.dataSync();
  let diff = 0, scale = 0;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - e[i]!));
    scale = Math.max(scale, Math.abs(e[i]!));
  }
  return diff / Math.max(scale, 1e-6);
}

const names = (c: GradientCase) => Object.keys(c.inputs);
const inputsOf = (c: GradientCase) => names(c).map((n) => toTf(n, c.inputs[n]!));
const lossOf = (c: GradientCase) => {
  const upstream = toTf('y', c.upstream);
  const op = tfOp(c);
  return (...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), upstream)) as tf.Scalar;
};

/** Our gradients vs PyTorch's, in PyTorch's layouts. */
function checkAgainstTorch(c: GradientCase): void {
  tf.tidy(() => {
    const xs = inputsOf(c);
    expect(relError(toTorch('y', tfOp(c)(...xs)), decode(c.output)), `${c.name}: forward`).toBeLessThan(1e-5);
    const grads = tf.grads(lossOf(c))(xs);
    names(c).forEach((n, i) => expect(relError(toTorch(n, grads[i]!), decode(c.grads[n]!)), `${c.name}: d/d${n}`).toBeLessThan(2e-5));
  });
}

/**
 * Directional central differences: (L(p + εv) − L(p − εv)) / 2ε against Σ ⟨∂L/∂pᵢ, vᵢ⟩ for random v, with L summed
 * in float64 so only the op's own float32 rounding remains. ε is small so a step rarely crosses a kink of relu or
 * max-pool; the bound allows for the rounding. The PyTorch comparison above is the tight check; this one needs
 * no outside reference.
 */
function checkFiniteDifferences(c: GradientCase, seed: number): void {
  tf.tidy(() => {
    const xs = inputsOf(c);
    const op = tfOp(c);
    const upstream = toTf('y', c.upstream).dataSync();
    const grads = tf.grads(lossOf(c))(xs);
    const eps = 1e-3;
    for (let trial = 0; trial < 2; trial++) {
      const vs = xs.map((x, i) => tf.randomNormal(x.shape, 0, 1, 'float32', seed + 17 * trial + i));
      const at = (sign: number) => {
        const y = op(...xs.map((x, i) => tf.add(x, tf.mul(vs[i]!, sign * eps)))).dataSync();
        let sum = 0;
        for (let i = 0; i < y.length; i++) sum += y[i]! * upstream[i]!;
        return sum;
      };
      const numeric = (at(1) - at(-1)) / (2 * eps);
      const analytic = grads.reduce((s, g, i) => s + (tf.sum(tf.mul(g, vs[i]!)).arraySync() as number), 0);
      expect(Math.abs(numeric - analytic), `${c.name}: ∂L·v = ${analytic}, finite differences ${numeric}`).toBeLessThan(
        2e-3 * (Math.abs(analytic) + Math.sqrt(xs.reduce((s, x) => s + x.size, 0))),
      );
    }
  });
}

/** The same case through our custom layer (UpsampleBilinear, PatchConv2DTranspose, ...), weights from the fixture. */
function checkCustomLayer(c: GradientCase, layer: tf.layers.Layer): void {
  tf.tidy(() => {
    const [x, ...weights] = inputsOf(c);
    layer.apply(tf.zerosLike(x!));
    if (weights.length) layer.setWeights(weights);
    const xVar = tf.variable(x!);
    const vars = [xVar, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
    const upstream = toTf('y', c.upstream);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xVar) as tf.Tensor, upstream)) as tf.Scalar, vars);
    names(c).forEach((n, i) => expect(relError(toTorch(n, grads[vars[i]!.name]!), decode(c.grads[n]!)), `${c.name} (${layer.getClassName()}): d/d${n}`).toBeLessThan(2e-5));
    xVar.dispose();
  });
}

describe.each(['wasm', 'cpu'] as const)('gradients on %s', (backend) => {
  beforeAll(async () => {
    await useNodeBackend(backend);
  });

  it.each(GRADIENT_CASES.map((c) => [c.name, c] as const))('%s matches PyTorch', (_name, c) => {
    const before = tf.memory().numTensors;
    checkAgainstTorch(c);
    const layer = customLayer(c);
    if (layer) {
      checkCustomLayer(c, layer);
      layer.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(GRADIENT_CASES.map((c, i) => [c.name, c, i] as const))('%s passes finite differences', (_name, c, i) => {
    checkFiniteDifferences(c, 100 + i);
  });
});
