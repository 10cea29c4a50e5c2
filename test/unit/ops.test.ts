import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFix } from '../../src/core/fixes';
import { inferShapes, type ShapeReport } from '../../src/core/infer';
import type { OpDef, OpExample } from '../../src/core/op';
import { getOp, OPS } from '../../src/core/ops';
import { checkParam, defaultParams, withDefaults } from '../../src/core/params';
import { applyLayerGraph, layerInputs } from '../../src/compile/layerGraph';
import { CUSTOM_LAYERS, registerCustomLayers } from '../../src/compile/layers';
import type { GraphDoc, GraphEdge, GraphNode, Params } from '../../src/core/types';

/**
 * Every op documents itself with examples; this file runs each one through the real shape engine, Netron style.
 * `params_count` means trainable parameters (PyTorch's parameters(), as the reference tables count them).
 */

const node = (id: string, op: string, params: Params = {}): GraphNode => ({ id, op, params, position: { x: 0, y: 0 } });
const edge = (source: string, target: string, targetPort = 0): GraphEdge => ({ id: `${source}->${target}:${targetPort}`, source, target, targetPort });
const inputNode = (id: string, [c, h, w]: [number, number, number]) => node(id, 'input', { channels: c, height: h, width: w });

/** input nodes for the example's shapes → the op (id `n`) → output. */
function exampleDoc(op: OpDef, ex: OpExample): GraphDoc {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  if (op.type === 'input') nodes.push(node('n', 'input', ex.params));
  else {
    ex.inputs.forEach((s, i) => nodes.push(inputNode(`in${i}`, s)));
    nodes.push(node('n', op.type, ex.params));
    ex.inputs.forEach((_, i) => edges.push(edge(`in${i}`, 'n', i)));
  }
  if (op.type !== 'output') (nodes.push(node('out', 'output')), edges.push(edge('n', 'out')));
  return { format: 'unet-studio/graph', version: 2, name: `${op.type} example`, nodes, edges };
}

const issuesOf = (r: ShapeReport, severity: 'error' | 'warning', id = 'n') =>
  r.diagnostics.filter((d) => d.severity === severity && d.nodeId === id);

const cases = OPS.flatMap((op) => op.examples.map((ex, i) => ({ op, ex, name: `${op.type} #${i} ${ex.title ?? ''}`.trim() })));
const good = cases.filter((c) => c.ex.output !== null);

describe('op examples through inferShapes', () => {
  it.each(cases)('$name', ({ op, ex }) => {
    const doc = exampleDoc(op, ex);
    const r = inferShapes(doc);
    const info = r.nodes.get('n')!;
    if (ex.output) {
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(info.output).toEqual({ c: ex.output[0], h: ex.output[1], w: ex.output[2] });
    } else {
      expect(info.output).toBeUndefined();
      const errors = issuesOf(r, 'error');
      expect(errors.map((d) => d.code)).toEqual([ex.error]);
      expect(errors[0]!.message.startsWith(`${op.type}: `)).toBe(true);
    }
    const warnings = issuesOf(r, 'warning');
    expect(warnings.map((d) => d.code)).toEqual(ex.warning ? [ex.warning] : []);
    if (ex.warning) expect(warnings[0]!.message.startsWith(`${op.type}: `)).toBe(true);
    if (ex.params_count !== undefined) expect(info.paramCount.trainable).toBe(ex.params_count);
    if (ex.macs !== undefined) expect(info.macs).toBe(ex.macs);

    // Every fix offered must be applicable and must make its own diagnostic go away.
    for (const d of [...issuesOf(r, 'error'), ...warnings])
      for (const fix of d.fixes ?? []) {
        const fixed = inferShapes(applyFix(doc, fix));
        expect(fixed.diagnostics.filter((f) => f.code === d.code), `${fix.label} clears ${d.code}`).toEqual([]);
        expect(fixed.diagnostics.filter((f) => f.severity === 'error'), `${fix.label} leaves no error`).toEqual([]);
      }
  });
});

describe('op registry', () => {
  // The ops of the reference designs, in palette order; ops added later may sit anywhere between them.
  const CORE = [
    'input', 'conv2d', 'conv2dTranspose', 'maxPool2d', 'avgPool2d', 'upsample', 'concat', 'crop', 'pad', 'add',
    'batchNorm', 'activation', 'dropout', 'depthToSpace', 'output',
  ];

  it('holds every op once, in palette order, from input to output', () => {
    const types = OPS.map((op) => op.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types.filter((t) => CORE.includes(t))).toEqual(CORE);
    expect(types[0]).toBe('input');
    expect(types.at(-1)).toBe('output');
    for (const op of OPS) expect(getOp(op.type)).toBe(op);
  });

  it.each(OPS.map((op) => ({ type: op.type, op })))('$type: examples, defaults, when-params and summary', ({ op }) => {
    expect(op.examples.length).toBeGreaterThanOrEqual(op.category === 'io' ? 1 : 2);
    for (const [field, spec] of Object.entries(op.params)) {
      expect(checkParam(spec, spec.default), `${op.type}.${field} default`).toBeNull();
      expect(spec.help.length, `${op.type}.${field} help`).toBeGreaterThan(0);
    }
    // A conditional param is optional: a node that leaves it out still validates and runs.
    for (const [field, spec] of Object.entries(op.params).filter(([, s]) => s.when)) {
      const ex = op.examples.find((e) => e.output !== null)!;
      const params: Params = { ...ex.params };
      delete params[field];
      const r = inferShapes(exampleDoc(op, { ...ex, params }));
      expect(r.diagnostics.filter((d) => d.code === 'bad-param'), `${op.type} without ${field}`).toEqual([]);
      expect(typeof spec.when!(defaultParams(op.params))).toBe('boolean');
    }
    expect(op.summary(defaultParams(op.params))).toMatch(/\S/);
    for (const ex of op.examples) expect(op.summary(withDefaults(op.params, ex.params))).toMatch(/\S/);
  });

  // The reference tables count conv and transposed-conv multiply-adds only: an op counts MACs exactly when
  // it holds conv kernels (weights with a kernel layout), read from each op's own weight declaration.
  it('an op counts MACs exactly when it holds conv kernels, as the reference tables do', () => {
    for (const op of OPS) {
      const kernels = op.examples.some((ex) => (op.weights?.(withDefaults(op.params, ex.params)) ?? []).some((w) => w.layout !== 'vector'));
      expect(op.macs !== undefined, `${op.type} counts MACs`).toBe(kernels);
    }
    expect(OPS.filter((op) => op.macs).map((op) => op.type)).toEqual(expect.arrayContaining(['conv2d', 'conv2dTranspose']));
    for (const type of ['maxPool2d', 'avgPool2d', 'batchNorm', 'upsample', 'concat', 'add']) expect(getOp(type)!.macs, type).toBeUndefined();
  });
});

/** Layer classes the compiler registers on top of stock tfjs (from its own list, not a copy of it). */
const CUSTOM = new Set<string>(CUSTOM_LAYERS.map((cls) => cls.className));
const WEIGHTED = new Set(['Conv2D', 'Conv2DTranspose', 'BatchNormalization', 'ScaleShift']);

/** The tfjs chain an example's node maps to, with the context the compiler would pass. */
function tfjsOf(op: OpDef, ex: OpExample) {
  const r = inferShapes(exampleDoc(op, ex));
  const info = r.nodes.get('n')!;
  const ctx = { name: 'n', inputs: info.inputs.map((s) => s!), output: info.output! };
  return { specs: op.tfjs(info.params!, ctx), params: info.params!, info };
}

describe('tfjs mapping', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    registerCustomLayers();
  });
  afterAll(() => tf.disposeVariables());

  it.each(good.filter((c) => c.op.category !== 'io'))('$name maps to named layers', ({ op, ex }) => {
    const { specs, params } = tfjsOf(op, ex);
    expect(specs.length).toBeGreaterThan(0);
    const names = specs.map((s) => s.config.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n === 'n')).toHaveLength(1);
    for (const s of specs) {
      expect(s.className).toMatch(/^[A-Z]\w+$/);
      expect(String(s.config.name).startsWith('n')).toBe(true);
      for (const port of s.inputs ?? []) if (typeof port === 'number') expect(port).toBeLessThan(ex.inputs.length);
    }
    // Every port and layer key a layer reads exists (earlier layers only), and keys are unique.
    expect(() => layerInputs(specs, ex.inputs.length)).not.toThrow();
    for (const w of op.weights?.(params) ?? []) expect(WEIGHTED.has(specs.find((s) => s.key === w.layer)?.className ?? ''), `${w.torch} → ${w.layer}`).toBe(true);
  });

  // tfjs itself must accept each config (stock classes, and ours registered by the compiler) and agree with our
  // shape rule and parameter count, with the layer graph wired as the compiler wires it.
  it.each(good.filter((c) => c.op.category !== 'io'))('$name agrees with tfjs', ({ op, ex }) => {
    const { specs, info } = tfjsOf(op, ex);
    const classes = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const s of specs) expect(classes[s.className], `${s.className} is registered`).toBeDefined();
    const symbolic = info.inputs.map((s) => tf.input({ shape: [s!.h, s!.w, s!.c] }));
    const { output, layers } = applyLayerGraph(specs, symbolic);
    const out = info.output!;
    expect(output.shape).toEqual([null, out.h, out.w, out.c]);
    expect(layers.reduce((n, l) => n + l.countParams(), 0)).toBe(info.paramCount.trainable + info.paramCount.nonTrainable);
    tf.disposeVariables();
  });

  it('knows which op layers need our classes (plain tfjs loads the rest)', () => {
    const custom = good.filter(({ op, ex }) => tfjsOf(op, ex).specs.some((s) => CUSTOM.has(s.className))).map((c) => c.op.type);
    expect([...new Set(custom)].sort()).toEqual(['depthToSpace', 'pad', 'scaleShift', 'upsample']);
  });

  const map = (type: string, params: Params, inputs: [number, number, number][]) =>
    tfjsOf(getOp(type)!, { params, inputs, output: [1, 1, 1] }).specs.map((s) => ({ className: s.className, ...s.config, inputs: s.inputs }));

  it('crop and pad split the difference with the extra row at the bottom/right', () => {
    expect(map('crop', {}, [[512, 64, 64], [512, 56, 56]])).toEqual([{ className: 'Cropping2D', name: 'n', cropping: [[4, 4], [4, 4]], inputs: [0] }]);
    expect(map('crop', { mode: 'size', height: 56, width: 55 }, [[8, 57, 57]])[0]).toMatchObject({ cropping: [[0, 1], [1, 1]] });
    expect(map('pad', {}, [[512, 30, 30], [512, 31, 31]])).toEqual([{ className: 'ZeroPadding2D', name: 'n', padding: [[0, 1], [0, 1]], inputs: [0] }]);
    expect(map('pad', { mode: 'size', height: 36, width: 37, fill: 'reflect' }, [[3, 32, 32]])[0]).toMatchObject({ className: 'ReflectionPadding2D', padding: [[2, 2], [2, 3]] });
  });

  it('bilinear always uses the PyTorch-exact custom layer', () => {
    expect(map('upsample', { mode: 'bilinear', alignCorners: true }, [[4, 8, 8]])).toEqual([
      { className: 'UpsampleBilinear', name: 'n', size: [2, 2], alignCorners: true, halfPixelCenters: false, inputs: undefined },
    ]);
    expect(map('upsample', { mode: 'bilinear' }, [[4, 8, 8]])[0]).toMatchObject({ alignCorners: false, halfPixelCenters: true });
    expect(map('upsample', { factor: 3 }, [[4, 8, 8]])[0]).toMatchObject({ className: 'UpSampling2D', size: [3, 3], interpolation: 'nearest' });
  });

  it('transposed conv padding follows PyTorch', () => {
    const classes = (params: Params) => map('conv2dTranspose', params, [[4, 8, 8]]).map((s) => s.className);
    expect(map('conv2dTranspose', {}, [[4, 8, 8]])[0]).toMatchObject({ padding: 'valid', kernelSize: [2, 2], strides: [2, 2] });
    expect(map('conv2dTranspose', { kernel: 4, padding: 1 }, [[4, 8, 8]])[1]).toMatchObject({ className: 'Cropping2D', cropping: [[1, 1], [1, 1]] });
    expect(map('conv2dTranspose', { kernel: 1 }, [[4, 8, 8]])[1]).toMatchObject({ cropping: [[0, 1], [0, 1]] });
    expect(classes({ padding: 'same', activation: 'relu' })).toEqual(['Conv2DTranspose', 'Activation']);
    expect(getOp('conv2dTranspose')!.weights!(withDefaults(getOp('conv2dTranspose')!.params, {}))).toEqual([
      { layer: 'conv', tfjs: 'kernel', torch: 'weight', layout: 'IOHW>HWOI' },
      { layer: 'conv', tfjs: 'bias', torch: 'bias', layout: 'vector' },
    ]);
  });

  // Hand-computed PyTorch conv_transpose2d results (weights and input all ones / 1..4), run through the chain.
  it.each([
    { kernel: 1, padding: 'valid', x: [1, 2, 3, 4], want: [[1, 0, 2], [0, 0, 0], [3, 0, 4]] },
    { kernel: 3, padding: 1, x: [1, 1, 1, 1], want: [[1, 2, 1], [2, 4, 2], [1, 2, 1]] },
  ])('transposed conv chain matches PyTorch values (k=$kernel)', ({ kernel, padding, x, want }) => {
    const params = { filters: 1, kernel, padding, bias: false };
    const { specs } = tfjsOf(getOp('conv2dTranspose')!, { params, inputs: [[1, 2, 2]], output: null });
    const classes = tf.serialization.SerializationMap.getMap().classNameMap;
    let y = tf.tensor4d(x, [1, 2, 2, 1]);
    for (const spec of specs) {
      const layer = new (classes[spec.className]![0] as unknown as new (c: unknown) => tf.layers.Layer)(spec.config);
      layer.apply(y);
      if (spec.className === 'Conv2DTranspose') layer.setWeights([tf.ones([kernel, kernel, 1, 1])]);
      y = layer.apply(y) as tf.Tensor4D;
    }
    expect(y.squeeze().arraySync()).toEqual(want);
  });

  it('batch norm converts PyTorch momentum and maps all four tensors', () => {
    expect(map('batchNorm', {}, [[64, 8, 8]])[0]).toMatchObject({ className: 'BatchNormalization', axis: -1, epsilon: 1e-5, momentum: 0.9 });
    const bn = getOp('batchNorm')!;
    expect(bn.weights!(defaultParams(bn.params)).map((w) => `${w.tfjs}←${w.torch}`)).toEqual([
      'gamma←weight', 'beta←bias', 'moving_mean←running_mean', 'moving_variance←running_var',
    ]);
    const info = inferShapes(exampleDoc(bn, { inputs: [[64, 8, 8]], output: [64, 8, 8] })).nodes.get('n')!;
    expect(info.paramCount).toEqual({ trainable: 128, nonTrainable: 128 });
  });

  it('depth to space and activations', () => {
    expect(map('depthToSpace', { blockSize: 3 }, [[27, 4, 4]])[0]).toMatchObject({ className: 'DepthToSpace', blockSize: 3 });
    expect(map('activation', { activation: 'leakyRelu', alpha: 0.2 }, [[4, 4, 4]])[0]).toMatchObject({ className: 'LeakyReLU', alpha: 0.2 });
  });
});

/** A straight chain input → ops… → output; returns the inference and the ids. */
function chain(ops: [string, Params?][], input: [number, number, number] = [1, 64, 64]) {
  const nodes = [inputNode('in', input), ...ops.map(([op, p], i) => node(`n${i}`, op, p)), node('out', 'output')];
  const edges = nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id));
  const r = inferShapes({ nodes, edges });
  expect(r.diagnostics).toEqual([]);
  return (i: number) => {
    const info = r.nodes.get(`n${i}`)!;
    return { rf: info.receptiveField, jump: info.jump };
  };
}

describe('receptive field and cumulative stride', () => {
  it('grows by k−1 per conv, scaled by the stride so far', () => {
    const at = chain([['conv2d'], ['conv2d'], ['maxPool2d'], ['conv2d'], ['conv2dTranspose'], ['conv2d']]);
    expect(at(1)).toEqual({ rf: 5, jump: 1 });
    expect(at(2)).toEqual({ rf: 6, jump: 2 });
    expect(at(3)).toEqual({ rf: 10, jump: 2 });
    expect(at(4)).toEqual({ rf: 10, jump: 1 }); // a 2×2/2 up-conv sees one input pixel
    expect(at(5)).toEqual({ rf: 12, jump: 1 });
  });

  it('upsampling shrinks the step; bilinear reads two pixels', () => {
    const at = chain([['maxPool2d'], ['upsample', { mode: 'bilinear' }], ['maxPool2d', { size: 3, stride: 3 }], ['depthToSpace', { blockSize: 3 }]], [9, 72, 72]);
    expect(at(1)).toEqual({ rf: 4, jump: 1 });
    expect(at(2)).toEqual({ rf: 6, jump: 3 });
    expect(at(3)).toEqual({ rf: 6, jump: 1 });
  });

  it('reaches 140 pixels at the paper U-Net bottleneck', () => {
    const level: [string, Params?][] = [['conv2d'], ['conv2d']];
    const ops = [...level, ...[1, 2, 3, 4].flatMap(() => [['maxPool2d'] as [string], ...level])];
    expect(chain(ops, [1, 572, 572])(ops.length - 1)).toEqual({ rf: 140, jump: 16 });
  });
});
