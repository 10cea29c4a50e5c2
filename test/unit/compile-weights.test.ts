import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile/compile';
import { WeightsError } from '../../src/compile/errors';
import { problemLine } from '../../src/core/problem';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { nchwToNhwc, predict } from '../../src/runtime/predict';
import { stateDictFromJson, stateDictToJson, tensorFromJson, type StateDict } from '../../src/compile/stateDict';
import { exportWeights, loadWeights } from '../../src/compile/weights';
import { fixtureGraph, readParityFixture } from './compile-helpers';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

const copyDict = (d: StateDict): StateDict => stateDictFromJson(JSON.parse(JSON.stringify(stateDictToJson(d))));

describe('PyTorch weights', () => {
  const fixture = readParityFixture('milesial-transposed');

  it('export gives back exactly the PyTorch tensors that were loaded (layouts invert)', async () => {
    const compiled = compileGraph(fixtureGraph(fixture));
    loadWeights(compiled, fixture.weights, { strict: true });
    const exported = await exportWeights(compiled);
    expect(Object.keys(exported).sort()).toEqual(Object.keys(fixture.weights).sort());
    for (const [id, params] of Object.entries(fixture.weights))
      for (const [name, t] of Object.entries(params)) {
        expect(exported[id]![name]!.shape, `${id}.${name}`).toEqual(t.shape);
        expect(exported[id]![name]!.data, `${id}.${name}`).toEqual(t.data);
      }
    compiled.model.dispose();
  });

  it('names every missing and misshaped tensor, with the layout and shape it expected', () => {
    const compiled = compileGraph(fixtureGraph(fixture));
    const dict = copyDict(fixture.weights);
    delete dict.enc0_conv1!.weight;
    delete dict.up2!.bias;
    dict.dec0_conv2!.weight = { shape: [4, 4, 3, 3, 1], data: dict.dec0_conv2!.weight!.data };
    dict.head!.bias = { shape: [3], data: new Float32Array(3) };
    const error = thrown(() => loadWeights(compiled, dict));
    expect(error).toBeInstanceOf(WeightsError);
    const lines = [
      'enc0_conv1.weight: missing (expected OIHW [4, 3, 3, 3])',
      'up2.bias: missing (expected a vector [16])',
      'dec0_conv2.weight: expected OIHW [4, 4, 3, 3], got [4, 4, 3, 3, 1]',
      'head.bias: expected a vector [2], got [3]',
    ];
    expect((error as WeightsError).problems).toEqual([
      { severity: 'error', code: 'weight-missing', nodeId: 'enc0_conv1', field: 'weight', message: lines[0] },
      { severity: 'error', code: 'weight-missing', nodeId: 'up2', field: 'bias', message: lines[1] },
      { severity: 'error', code: 'weight-shape', nodeId: 'dec0_conv2', field: 'weight', message: lines[2] },
      { severity: 'error', code: 'weight-shape', nodeId: 'head', field: 'bias', message: lines[3] },
    ]);
    // What users read is the same lines, in the error's message and from each problem.
    expect((error as WeightsError).problems.map(problemLine)).toEqual(lines);
    expect(error.message).toBe(`the weights do not fit the model:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
    compiled.model.dispose();
  });

  it('reports entries the model has no place for (an error when strict)', () => {
    const compiled = compileGraph(fixtureGraph(fixture));
    const dict = copyDict(fixture.weights);
    dict.enc0_bn1!.num_batches_tracked = { shape: [], data: new Float32Array(1) };
    dict.nowhere = { weight: { shape: [1], data: new Float32Array(1) } };
    expect(loadWeights(compiled, dict).unused).toEqual(['nowhere.weight']);
    const strict = thrown(() => loadWeights(compiled, dict, { strict: true })) as WeightsError;
    expect(strict.problems).toEqual([
      { severity: 'error', code: 'weight-unknown', nodeId: 'nowhere', field: 'weight', message: 'nowhere.weight: the model has no such weight' },
    ]);
    expect(strict.problems.map(problemLine)).toEqual(['nowhere.weight: the model has no such weight']);
    compiled.model.dispose();
  });

  it('folding needs the BatchNorm statistics and says which are missing', () => {
    const compiled = compileGraph(fixtureGraph(fixture), { inference: { foldBatchNorm: true } });
    const dict = copyDict(fixture.weights);
    delete dict.enc1_bn2!.running_var;
    const error = thrown(() => loadWeights(compiled, dict)) as WeightsError;
    expect(error.problems).toEqual([
      {
        severity: 'error',
        code: 'weight-missing',
        nodeId: 'enc1_bn2',
        field: 'running_var',
        message: 'enc1_bn2.running_var: missing (needed to fold enc1_bn2 into enc1_conv2)',
      },
    ]);
    expect(error.problems.map(problemLine)).toEqual(['enc1_bn2.running_var: missing (needed to fold enc1_bn2 into enc1_conv2)']);
    compiled.model.dispose();
  });

  it('a folded model exports folded convs that reload into another folded model with the same outputs', async () => {
    const folded = compileGraph(fixtureGraph(fixture), { inference: { foldBatchNorm: true, dropDropout: true } });
    loadWeights(folded, fixture.weights);
    const again = compileGraph(fixtureGraph(fixture), { inference: { foldBatchNorm: true, dropDropout: true } });
    loadWeights(again, await exportWeights(folded), { strict: true });
    const x = nchwToNhwc(fixture.input);
    const [a] = await predict(folded.model, x);
    const [b] = await predict(again.model, x);
    expect(b!.data).toEqual(a!.data);
    folded.model.dispose();
    again.model.dispose();
  });
});

describe('state dict JSON', () => {
  it('round-trips float32 bits through base64', () => {
    const dict: StateDict = { conv: { weight: { shape: [2, 1, 1, 1], data: new Float32Array([Math.PI, -1e-38]) } } };
    const back = stateDictFromJson(JSON.parse(JSON.stringify(stateDictToJson(dict))));
    expect(back.conv!.weight!.data).toEqual(dict.conv!.weight!.data);
  });

  it('accepts plain number lists and explains malformed tensors', () => {
    expect(tensorFromJson({ shape: [2], data: [1, 2] }, 'a.bias').data).toEqual(new Float32Array([1, 2]));
    expect(() => tensorFromJson({ shape: [3], data: [1, 2] }, 'a.bias')).toThrow('a.bias: shape [3] holds 3 values, data has 2');
    expect(() => tensorFromJson({ shape: [1], dtype: 'float16', data: [1] }, 'a.bias')).toThrow(
      'a.bias.dtype: only "float32" is supported, got "float16"',
    );
    expect(() => tensorFromJson({ shape: '2', data: [] }, 'a.bias')).toThrow('a.bias.shape: expected a list of non-negative integers');
    expect(() => stateDictFromJson({ conv: [] })).toThrow('weights.conv: expected an object of parameter names');
  });
});
