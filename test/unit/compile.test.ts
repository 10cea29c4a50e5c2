import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph, type CompiledGraph } from '../../src/compile/compile';
import { CompileError } from '../../src/compile/errors';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { buildUNet, getVariant } from '../../src/core/builder';
import { inferShapes } from '../../src/core/infer';
import type { GraphDoc } from '../../src/core/types';
import { handGraph, readTemplate, templateNames } from './compile-helpers';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** Templates above this many parameters are checked at a quarter of their width (same graph otherwise). */
const FULL_WIDTH_LIMIT = 10_000_000;

function coreParams(doc: GraphDoc) {
  const inference = inferShapes(doc);
  let trainable = 0;
  let nonTrainable = 0;
  for (const info of inference.nodes.values()) {
    trainable += info.paramCount.trainable;
    nonTrainable += info.paramCount.nonTrainable;
  }
  return { inference, trainable, nonTrainable };
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The compiled model agrees with the core: every node's last layer has its shape, and parameters add up. */
function expectMatchesCore(compiled: CompiledGraph, doc: GraphDoc) {
  const { inference, trainable, nonTrainable } = coreParams(doc);
  for (const [id, layers] of compiled.layerNames) {
    const out = inference.nodes.get(id)!.output!;
    if (layers.length === 0) continue;
    // Layer names are the node ids: the node's own id names one layer of its chain.
    expect(layers, id).toContain(id);
    const shape = compiled.model.getLayer(layers.at(-1)!).outputShape;
    expect(shape, `${id} output (NHWC)`).toEqual([null, out.h, out.w, out.c]);
  }
  expect(compiled.model.countParams()).toBe(trainable + nonTrainable);
  expect(compiled.model.trainableWeights.reduce((n, w) => n + size(w.shape as number[]), 0)).toBe(trainable);
  const [output] = compiled.outputIds;
  const o = inference.nodes.get(output!)!.output!;
  expect(compiled.model.outputs[0]!.shape).toEqual([null, o.h, o.w, o.c]);
}

describe('every template compiles to a model that agrees with shape inference', () => {
  for (const name of templateNames()) {
    it(name, () => {
      const template = readTemplate(name);
      let doc = template;
      const { trainable, nonTrainable } = coreParams(template);
      const variant = getVariant(name);
      if (trainable + nonTrainable > FULL_WIDTH_LIMIT && variant) {
        doc = buildUNet({ ...variant.options, base: (variant.options.base ?? 64) / 4 });
        // Same network apart from widths: same nodes, ops and wiring.
        expect(doc.nodes.map((n) => `${n.id}:${n.op}`)).toEqual(template.nodes.map((n) => `${n.id}:${n.op}`));
        expect(doc.edges).toEqual(template.edges);
      }
      const compiled = compileGraph(doc);
      try {
        expectMatchesCore(compiled, doc);
      } finally {
        compiled.model.dispose();
      }
    });
  }

  it('paper-572 at full width: 31,030,658 parameters, 1×572×572 → 388×388×2', () => {
    const compiled = compileGraph(readTemplate('paper-572'));
    try {
      expect(compiled.model.countParams()).toBe(31_030_658);
      expect(compiled.model.inputs[0]!.shape).toEqual([null, 572, 572, 1]);
      expect(compiled.model.outputs[0]!.shape).toEqual([null, 388, 388, 2]);
    } finally {
      compiled.model.dispose();
    }
  });
});

describe('compileGraph', () => {
  const small = () =>
    handGraph(
      [
        ['input', 'input', { channels: 3, height: 8, width: 8 }],
        ['conv', 'conv2d', { filters: 4, padding: 'same', bias: false }],
        ['bn', 'batchNorm'],
        ['drop', 'dropout', { rate: 0.3 }],
        ['act', 'activation', { activation: 'relu' }],
        ['output', 'output'],
      ],
      [['input', 'conv'], ['conv', 'bn'], ['bn', 'drop'], ['drop', 'act'], ['act', 'output']],
    );

  it('names layers by node id and reports each node’s layer chain', () => {
    const compiled = compileGraph(small());
    expect(Object.fromEntries(compiled.layerNames)).toEqual({
      input: ['input'], conv: ['conv'], bn: ['bn'], drop: ['drop'], act: ['act'], output: [],
    });
    expect(compiled.inputIds).toEqual(['input']);
    expect(compiled.outputIds).toEqual(['output']);
    expect(compiled.model.getLayer('bn').getClassName()).toBe('BatchNormalization');
    compiled.model.dispose();
  });

  it('inference options fold BatchNorm into the conv (which gains a bias) and drop dropout', () => {
    const compiled = compileGraph(small(), { inference: { foldBatchNorm: true, dropDropout: true } });
    expect(compiled.model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'Activation']);
    expect(compiled.folded).toEqual([
      {
        conv: 'conv',
        batchNorm: 'bn',
        convBias: false,
        epsilon: 1e-5,
        outputAxis: 0, // OIHW: output channels first
        convTensors: { weight: 'weight', bias: 'bias' },
        statistics: { scale: 'weight', shift: 'bias', mean: 'running_mean', variance: 'running_var' },
      },
    ]);
    expect(compiled.droppedDropout).toEqual(['drop']);
    expect(compiled.model.getLayer('conv').weights.map((w) => w.originalName)).toEqual(['conv/kernel', 'conv/bias']);
    compiled.model.dispose();
  });

  it('does not fold a BatchNorm whose conv also feeds something else', () => {
    const doc = handGraph(
      [
        ['input', 'input', { channels: 1, height: 8, width: 8 }],
        ['conv', 'conv2d', { filters: 2, padding: 'same' }],
        ['bn', 'batchNorm'],
        ['cat', 'concat'],
        ['output', 'output'],
      ],
      [['input', 'conv'], ['conv', 'bn'], ['conv', 'cat', 0], ['bn', 'cat', 1], ['cat', 'output']],
    );
    const compiled = compileGraph(doc, { inference: { foldBatchNorm: true } });
    expect(compiled.folded).toEqual([]);
    expect(compiled.layerNames.get('bn')).toEqual(['bn']);
    compiled.model.dispose();
  });

  it('maps node ids that are not valid tfjs names, and keeps chain names unique', () => {
    const doc = handGraph(
      [
        ['input', 'input', { channels: 1, height: 8, width: 8 }],
        ['my conv', 'conv2dTranspose', { filters: 2, activation: 'leakyRelu', alpha: 0.2 }],
        ['my_conv_act', 'activation', { activation: 'sigmoid' }],
        ['output', 'output'],
      ],
      [['input', 'my conv'], ['my conv', 'my_conv_act'], ['my_conv_act', 'output']],
    );
    const compiled = compileGraph(doc);
    expect(compiled.layerNames.get('my conv')).toEqual(['my_conv', 'my_conv_act']);
    expect(compiled.layerNames.get('my_conv_act')).toEqual(['my_conv_act_2']);
    compiled.model.dispose();
  });

  it('merges an activation layer into its conv (one fused layer); leaky ReLU only in inference compiles', async () => {
    const doc = handGraph(
      [
        ['input', 'input', { channels: 1, height: 8, width: 8 }],
        ['a', 'conv2d', { filters: 2, padding: 1, activation: 'relu' }],
        ['b', 'conv2dTranspose', { filters: 2, activation: 'sigmoid' }],
        ['c', 'conv2d', { filters: 2, activation: 'leakyRelu', alpha: 0.2 }],
        ['d', 'conv2dTranspose', { filters: 2, activation: 'leakyRelu', alpha: 0.1 }],
        ['output', 'output'],
      ],
      [['input', 'a'], ['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'output']],
    );
    const compiled = compileGraph(doc);
    expect(compiled.layerNames.get('a')).toEqual(['a_pad', 'a']);
    expect(compiled.model.getLayer('a').getConfig().activation).toBe('relu');
    expect(compiled.layerNames.get('b')).toEqual(['b']);
    expect(compiled.model.getLayer('b').getConfig().activation).toBe('sigmoid');
    // A plain compile (the one exported) uses stock tfjs classes only: leaky ReLU stays its own layer.
    expect(compiled.layerNames.get('c')).toEqual(['c', 'c_act']);
    expect(compiled.model.getLayer('c').getClassName()).toBe('Conv2D');
    expect(compiled.layerNames.get('d')).toEqual(['d', 'd_act']);
    compiled.model.dispose();

    // An inference compile fuses conv + leaky ReLU into our LeakyConv2D.
    const fast = compileGraph(doc, { inference: {} });
    expect(fast.layerNames.get('c')).toEqual(['c']);
    expect(fast.model.getLayer('c').getClassName()).toBe('LeakyConv2D');
    expect(fast.model.getLayer('c').getConfig().alpha).toBe(0.2);
    // The leaky conv is a real leaky ReLU: negative inputs scaled by alpha.
    const conv = fast.model.getLayer('c');
    conv.setWeights([tf.fill([3, 3, 2, 2], -1 / 18), tf.zeros([2])]);
    const y = conv.apply(tf.ones([1, 3, 3, 2])) as tf.Tensor;
    for (const v of await y.data()) expect(v).toBeCloseTo(-0.2, 6);
    tf.dispose(y);
    fast.model.dispose();
  });

  it('for inference, an activation node moves into the conv that feeds only it', () => {
    const compiled = compileGraph(small(), { inference: { foldBatchNorm: true, dropDropout: true, fuseActivations: true } });
    expect(compiled.fusedActivations).toEqual(['act']);
    expect(compiled.model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D']);
    expect(compiled.model.getLayer('conv').getConfig().activation).toBe('relu');
    compiled.model.dispose();
  });

  it('refuses a graph with errors, naming every node and problem', () => {
    const doc = handGraph(
      [
        ['input', 'input', { channels: 1, height: 9, width: 9 }],
        ['a', 'conv2d', { filters: 2, kernel: 3 }],
        ['b', 'conv2d', { filters: 2, kernel: 5, padding: 'same' }],
        ['cat', 'concat'],
        ['bad', 'conv2d', { filters: -2 }],
        ['output', 'output'],
      ],
      [['input', 'a'], ['input', 'b'], ['a', 'cat', 0], ['b', 'cat', 1], ['cat', 'bad'], ['bad', 'output']],
    );
    let error: unknown;
    try {
      compileGraph(doc);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CompileError);
    const problems = (error as CompileError).problems;
    expect(problems.map((p) => [p.nodeId, p.code])).toEqual(
      expect.arrayContaining([['cat', 'concat-mismatch'], ['bad', 'bad-param']]),
    );
    expect((error as Error).message).toMatch(/the graph has \d+ errors/);
    expect((error as Error).message).toContain('  - bad.filters: expected an integer ≥ 1 and ≤ 65536, got -2');
    expect((error as Error).message).toContain('  - cat: concat: input 0 is 7×7, input 1 is 9×9');
  });

  it('builds without leaking tensors beyond the model weights', () => {
    const before = tf.memory().numTensors;
    const compiled = compileGraph(small());
    compiled.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
