import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { compileGraph } from '../../src/compile/compile';
import { FAST_INFERENCE } from '../../src/compile/optimize';
import { nchwToNhwc, nhwcToNchw, predict } from '../../src/runtime/predict';
import { loadWeights } from '../../src/compile/weights';
import { fixtureGraph, maxAbsDiff, parityFixtureNames, readParityFixture } from './compile-helpers';

const TOLERANCE = 1e-4;
const EXPECTED = ['attention-unet', 'milesial-bilinear', 'milesial-transposed', 'paper', 'res-unet', 'slim-3X', 'strided-nearest', 'upconv-blocks'];

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('numeric parity with PyTorch (fixtures from scripts/torch/make_fixtures.py)', () => {
  it('has a fixture for every reference variant the compiler must match', () => {
    expect(parityFixtureNames()).toEqual(EXPECTED);
  });

  for (const name of EXPECTED) {
    for (const mode of ['plain', 'inference'] as const) {
      it(`${name} (${mode === 'plain' ? 'as built' : 'BN folded, dropout dropped, activations fused'}) matches within ${TOLERANCE}`, async () => {
        const fixture = readParityFixture(name);
        const compiled = compileGraph(fixtureGraph(fixture), {
          inference: mode === 'inference' ? FAST_INFERENCE : undefined,
        });
        try {
          // strict: every tensor of the PyTorch state dict has a place in the model, and every weight is filled
          const report = loadWeights(compiled, fixture.weights, { strict: true });
          expect(report.unused).toEqual([]);
          const [out] = await predict(compiled.model, nchwToNhwc(fixture.input));
          const got = nhwcToNchw(out!);
          expect(got.shape).toEqual(fixture.output.shape);
          expect(maxAbsDiff(got.data, fixture.output.data)).toBeLessThanOrEqual(TOLERANCE);
        } finally {
          compiled.model.dispose();
        }
      });
    }
  }
});
