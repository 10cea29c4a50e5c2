import { describe, expect, it } from 'vitest';
import {
  buildUNet,
  buildVariant,
  checkUNetOptions,
  DEFAULT_UNET_OPTIONS,
  UNET_OPTION_FIELDS,
  UNET_OPTION_LABELS,
  UNET_VARIANTS,
  UNetOptionsError,
  unetRole,
  type UNetOptions,
  type UNetOptionsInput,
} from '../../src/core/builder';
import { flatten, unflatten } from '../../src/core/builder/options';
import { inferShapes } from '../../src/core/infer';
import type { GraphDoc } from '../../src/core/types';
import { expectULayout } from './unet-layout';

const problemsOf = (doc: GraphDoc, input?: { h: number; w: number }) =>
  inferShapes(doc, input ? { input } : {}).diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);
const node = (doc: GraphDoc, id: string) => doc.nodes.find((n) => n.id === id);
const sourcesOf = (doc: GraphDoc, id: string) =>
  doc.edges.filter((e) => e.target === id).sort((a, b) => a.targetPort - b.targetPort).map((e) => e.source);

/**
 * A size every level accepts: 'same' convs need H divisible by 2^depth; valid convs lose 4 pixels per level,
 * so the size is rebuilt from a 12-pixel bottleneck upwards (paper: 32 → 68 → 140 → 284 → 572).
 */
function validSize(depth: number, padding: 'valid' | 'same'): number {
  if (padding === 'same') return 4 * 2 ** depth;
  let size = 12;
  for (let i = 0; i < depth; i++) size = 2 * size + 4;
  return size;
}

describe('buildUNet defaults', () => {
  it('are the paper network: same nodes, params, edges and layout as the paper-572 variant', () => {
    const paper = buildVariant('paper-572');
    const built = buildUNet();
    expect(built.nodes).toEqual(paper.nodes);
    expect(built.edges).toEqual(paper.edges);
    expect(built.name).toBe(DEFAULT_UNET_OPTIONS.name);
    expect(problemsOf(built)).toEqual([]);
  });

  it('numbers the path 1×572×572 down to a 1024×28×28 bottleneck and back to 2×388×388', () => {
    const inference = inferShapes(buildUNet());
    expect(inference.nodes.get('enc4_conv2')!.output).toEqual({ c: 1024, h: 28, w: 28 });
    expect(inference.nodes.get('output')!.output).toEqual({ c: 2, h: 388, w: 388 });
  });

  it('emits nodes in execution order (encoder, bottleneck, then up → join → double conv per level, head)', () => {
    const ids = buildUNet({ depth: 2 }).nodes.map((n) => n.id);
    expect(ids).toEqual([
      'input', 'enc0_conv1', 'enc0_conv2', 'down0', 'enc1_conv1', 'enc1_conv2', 'down1', 'enc2_conv1', 'enc2_conv2',
      'up1', 'crop1', 'cat1', 'dec1_conv1', 'dec1_conv2', 'up0', 'crop0', 'cat0', 'dec0_conv1', 'dec0_conv2', 'head', 'output',
    ]);
  });
});

describe('conv unit: conv → BN → dropout → activation, activation fused when nothing sits between', () => {
  it('fuses the activation into the conv without BN or dropout', () => {
    const doc = buildUNet({ activation: 'leakyRelu', alpha: 0.2, padding: 'same', inputSize: { h: 64, w: 64 } });
    expect(node(doc, 'enc0_conv1')!.params).toMatchObject({ activation: 'leakyRelu', alpha: 0.2 });
    expect(doc.nodes.filter((n) => n.op === 'activation')).toEqual([]);
  });

  it('emits separate BN, dropout and activation nodes in the reference order', () => {
    const doc = buildUNet({ norm: 'batch', dropout: [0.3, 0.4], activation: 'leakyRelu', padding: 'same', inputSize: { h: 64, w: 64 } });
    expect(node(doc, 'dec1_conv1')!.params.activation).toBe('none');
    expect(sourcesOf(doc, 'dec1_bn1')).toEqual(['dec1_conv1']);
    expect(sourcesOf(doc, 'dec1_drop1')).toEqual(['dec1_bn1']);
    expect(sourcesOf(doc, 'dec1_act1')).toEqual(['dec1_drop1']);
    expect(sourcesOf(doc, 'dec1_conv2')).toEqual(['dec1_act1']);
    expect(node(doc, 'dec1_drop2')!.params).toEqual({ rate: 0.4 });
    expect(node(doc, 'dec1_act2')!.params).toEqual({ activation: 'leakyRelu', alpha: 0.01 });
    expect(problemsOf(doc)).toEqual([]);
  });

  it('keeps dropout without BN, and skips a dropout of rate 0', () => {
    const doc = buildUNet({ dropout: [0, 0.5], padding: 'same', inputSize: { h: 64, w: 64 } });
    expect(node(doc, 'enc0_conv1')!.params.activation).toBe('relu');
    expect(node(doc, 'enc0_drop1')).toBeUndefined();
    expect(sourcesOf(doc, 'enc0_act2')).toEqual(['enc0_drop2']);
  });
});

describe('joins', () => {
  const base: UNetOptionsInput = { depth: 2, base: 8, inputSize: { h: 60, w: 60 } };
  it('crop: the skip is cropped like the up tensor (port 1), then concat [skip, up]', () => {
    const doc = buildUNet(base);
    expect(node(doc, 'crop0')!.params).toEqual({ mode: 'like' });
    expect(sourcesOf(doc, 'crop0')).toEqual(['enc0_conv2', 'up0']);
    expect(sourcesOf(doc, 'cat0')).toEqual(['crop0', 'up0']);
  });

  it('pad: the up tensor is padded like the skip, then concat [up, skip] with up-first', () => {
    const doc = buildUNet({ ...base, concatMode: 'pad', skipOrder: 'up-first' });
    expect(sourcesOf(doc, 'pad0')).toEqual(['up0', 'enc0_conv2']);
    expect(sourcesOf(doc, 'cat0')).toEqual(['pad0', 'enc0_conv2']);
    expect(problemsOf(doc)).toEqual([]);
  });

  it('pad handles odd sizes the way milesial does (250 → … → 15, up 30 padded to the 31 skip)', () => {
    const doc = buildVariant('milesial-transposed');
    const inference = inferShapes(doc, { input: { h: 250, w: 250 } });
    expect(problemsOf(doc, { h: 250, w: 250 }).filter((p) => p.startsWith('error'))).toEqual([]);
    expect(inference.nodes.get('up3')!.output).toMatchObject({ h: 30, w: 30 });
    expect(inference.nodes.get('pad3')!.output).toEqual({ c: 512, h: 31, w: 31 });
    expect(inference.nodes.get('output')!.output).toEqual({ c: 2, h: 250, w: 250 });
  });

  it('a paper size that does not fit (570) still builds; inference reports it', () => {
    const doc = buildUNet({ inputSize: { h: 570, w: 570 } });
    expect(problemsOf(doc).some((p) => p.includes('odd-pool'))).toBe(true);
  });
});

describe('up steps', () => {
  const opts = (o: UNetOptionsInput): UNetOptionsInput => ({ depth: 2, base: 8, padding: 'same', concatMode: 'none', inputSize: { h: 32, w: 32 }, ...o });
  it('nearest-conv with norm and activation: up, up_conv, up_bn, up_act', () => {
    const doc = buildUNet(opts({ upMode: 'nearest-conv', upNormAct: true, norm: 'batch' }));
    expect(sourcesOf(doc, 'up0_act')).toEqual(['up0_bn']);
    expect(sourcesOf(doc, 'up0_bn')).toEqual(['up0_conv']);
    expect(node(doc, 'up0_conv')!.params).toMatchObject({ filters: 8, kernel: 3, padding: 'same', activation: 'none' });
  });

  it('nearest-conv without BN fuses the activation; without upNormAct it has none', () => {
    expect(node(buildUNet(opts({ upMode: 'nearest-conv', upNormAct: true })), 'up0_conv')!.params.activation).toBe('relu');
    expect(node(buildUNet(opts({ upMode: 'nearest-conv', upConvKernel: 1 })), 'up0_conv')!.params).toMatchObject({ kernel: 1, activation: 'none' });
  });

  it('bilinear keeps the channels; the decoder takes skip + up channels', () => {
    const doc = buildUNet(opts({ upMode: 'bilinear', alignCorners: true }));
    expect(node(doc, 'up1')!.params).toEqual({ factor: 2, mode: 'bilinear', alignCorners: true });
    expect(inferShapes(doc).nodes.get('cat1')!.output).toEqual({ c: 16 + 32, h: 16, w: 16 });
  });

  it('strided-conv down keeps the width and uses PyTorch padding 1', () => {
    const doc = buildUNet(opts({ down: 'strided-conv' }));
    expect(node(doc, 'down0')!.params).toMatchObject({ filters: 8, kernel: 3, stride: 2, padding: 1, activation: 'relu' });
    expect(node(doc, 'down0')!.op).toBe('conv2d');
  });

  it('depth-to-space: the head makes classes·r² channels', () => {
    const doc = buildUNet(opts({ head: { classes: 3 }, depthToSpace: 2 }));
    expect(node(doc, 'head')!.params.filters).toBe(12);
    expect(inferShapes(doc).nodes.get('output')!.output).toEqual({ c: 3, h: 64, w: 64 });
  });
});

describe('every combination builds a clean graph at a valid size', () => {
  const upModes: UNetOptions['upMode'][] = ['transposed', 'bilinear', 'nearest', 'nearest-conv'];
  const concatModes: UNetOptions['concatMode'][] = ['crop', 'pad', 'none'];
  const paddings: UNetOptions['padding'][] = ['valid', 'same'];
  const cases = [2, 3, 4, 5].flatMap((depth) =>
    upModes.flatMap((upMode) => concatModes.flatMap((concatMode) => paddings.map((padding) => ({ depth, upMode, concatMode, padding })))),
  );
  it.each(cases.filter((c) => !(c.concatMode === 'none' && c.padding === 'valid')))(
    'depth $depth, $upMode, $concatMode, $padding',
    ({ depth, upMode, concatMode, padding }) => {
      const size = validSize(depth, padding);
      const doc = buildUNet({ depth, base: 8, upMode, concatMode, padding, inputSize: { h: size, w: size } });
      expect(problemsOf(doc)).toEqual([]);
      for (const n of doc.nodes) expect(unetRole(n.id), n.id).toBeDefined();
      expectULayout(doc);
    },
  );

  it.each(['maxpool', 'maxpool-same', 'strided-conv'] as const)('down %s with BN and dropout', (down) => {
    const doc = buildUNet({ depth: 3, base: 8, down, norm: 'batch', dropout: [0.1, 0.2], padding: 'same', concatMode: 'pad', inputSize: { h: 40, w: 48 } });
    expect(problemsOf(doc)).toEqual([]);
    expectULayout(doc);
  });

  it.each(['crop', 'pad', 'none'] as const)('attention gates on every skip, concat mode %s', (concatMode) => {
    const padding = concatMode === 'none' ? 'same' : 'valid';
    const depth = 3;
    const size = validSize(depth, padding);
    const doc = buildUNet({ depth, base: 8, skipGate: 'attention', concatMode, padding, inputSize: { h: size, w: size } });
    expect(problemsOf(doc)).toEqual([]);
    const gates = doc.nodes.filter((n) => n.op === 'attentionGate');
    expect(gates.map((n) => [n.id, n.params.filters])).toEqual([['att2', 16], ['att1', 8], ['att0', 4]]);
    // The gated skip goes into the concat; the gate reads the skip (port 0) and the up-sampled tensor (port 1).
    for (const level of [0, 1, 2]) {
      expect(doc.edges.some((e) => e.source === `att${level}` && e.target === `cat${level}`)).toBe(true);
      expect(doc.edges.find((e) => e.target === `att${level}` && e.targetPort === 0)!.source).toBe(concatMode === 'crop' ? `crop${level}` : `enc${level}_conv2`);
    }
    expectULayout(doc);
  });

  it.each([2, 3, 4])('residual units striding by 2 (ResUNet), depth %i', (depth) => {
    const doc = buildUNet({
      depth, base: 8, block: 'residual', down: 'strided-block', padding: 'same', concatMode: 'none', upConvChannels: 'same', inputSize: { h: 48, w: 48 },
    });
    expect(problemsOf(doc)).toEqual([]);
    const units = doc.nodes.filter((n) => n.op === 'residualBlock');
    expect(units.map((n) => `${n.id}:s${n.params.stride}${n.params.preActivation ? '' : ':input unit'}`)).toEqual([
      'enc0_res:s1:input unit',
      ...Array.from({ length: depth }, (_, i) => `enc${i + 1}_res:s2`),
      ...Array.from({ length: depth }, (_, i) => `dec${depth - 1 - i}_res:s1`),
    ]);
    expect(doc.nodes.some((n) => n.id.startsWith('down'))).toBe(false);
    expectULayout(doc);
  });

  it('residual units with max-pool down steps', () => {
    const doc = buildUNet({ depth: 2, base: 8, block: 'residual', padding: 'same', concatMode: 'none', inputSize: { h: 32, w: 32 } });
    expect(problemsOf(doc)).toEqual([]);
    expect(doc.nodes.filter((n) => n.op === 'residualBlock').every((n) => n.params.stride === 1)).toBe(true);
  });

  it('refuses what residual units cannot do', () => {
    expect(checkUNetOptions({ down: 'strided-block' }).problems).toEqual([{ field: 'down', message: expect.stringContaining('needs block "residual"') }]);
    expect(checkUNetOptions({ block: 'residual', activation: 'leakyRelu', padding: 'same', concatMode: 'none' }).problems.map((p) => p.field)).toEqual(['activation']);
    expect(checkUNetOptions({ block: 'residual', dropout: [0.1, 0], padding: 'same', concatMode: 'none' }).problems.map((p) => p.field)).toEqual(['dropout']);
  });

  it('valid convs with concatMode "none" are refused: the sizes can never match', () => {
    const { problems } = checkUNetOptions({ padding: 'valid', concatMode: 'none' });
    expect(problems).toEqual([{ field: 'concatMode', message: expect.stringContaining('needs padding "same"') }]);
  });
});

describe('option errors name the field and what was expected', () => {
  const fields = (input: unknown) => checkUNetOptions(input as UNetOptionsInput).problems;
  it('out-of-range and wrong-typed values', () => {
    expect(fields({ depth: 0 })).toEqual([{ field: 'depth', message: 'expected an integer ≥ 1 and ≤ 8, got 0' }]);
    expect(fields({ inputSize: { h: 2.5 } })).toEqual([{ field: 'inputSize.h', message: 'expected an integer ≥ 1 and ≤ 16384, got 2.5' }]);
    expect(fields({ upMode: 'pixelShuffle' })[0]).toEqual({ field: 'upMode', message: expect.stringContaining('expected one of "transposed"') });
    expect(fields({ dropout: [0, 1] })[0]!.field).toBe('dropout.1');
    expect(fields({ name: '  ' })).toEqual([{ field: 'name', message: 'expected a non-empty name' }]);
  });

  it('unknown options and nested options given flat', () => {
    expect(fields({ skipMode: 'crop' })).toEqual([{ field: 'skipMode', message: 'unknown option' }]);
    expect(fields({ dropout: 0.3 })).toEqual([{ field: 'dropout', message: 'expected [first, second] rates, e.g. [0.3, 0.4]' }]);
    expect(fields({ head: 2 })[0]!.message).toContain('expected an object with kernel, classes');
  });

  it('widths that would not be whole numbers', () => {
    expect(fields({ base: 6, bottleneckFactor: 8 })[0]!.field).toBe('bottleneckFactor');
    expect(fields({ base: 1, depth: 1, bottleneckFactor: 2, upMode: 'transposed' })[0]!.field).toBe('upConvChannels');
    expect(fields({ base: 3, depth: 2, padding: 'same', concatMode: 'none', upMode: 'bilinear', midChannels: 'half-in' })[0]!.field).toBe('midChannels');
  });

  it('buildUNet throws a UNetOptionsError listing every problem', () => {
    let error: unknown;
    try {
      buildUNet({ depth: 9, base: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UNetOptionsError);
    expect((error as UNetOptionsError).problems.map((p) => p.field)).toEqual(['depth', 'base']);
    expect((error as Error).message).toContain('depth: expected an integer ≥ 1 and ≤ 8, got 9');
  });

  it('every option field has a default that passes its own check and a help line', () => {
    expect(checkUNetOptions({}).problems).toEqual([]);
    for (const [key, spec] of Object.entries(UNET_OPTION_FIELDS)) expect(spec.help.length, key).toBeGreaterThan(10);
  });

  it('one table gives the fields, their dialog labels and the nested options (flatten and unflatten invert)', () => {
    expect(Object.keys(UNET_OPTION_LABELS)).toEqual(Object.keys(UNET_OPTION_FIELDS));
    for (const label of Object.values(UNET_OPTION_LABELS)) expect(label).toMatch(/^[A-Z]/);
    expect(Object.keys(UNET_OPTION_FIELDS)).toEqual(expect.arrayContaining(['inputSize.h', 'dropout.1', 'head.classes']));
    for (const variant of UNET_VARIANTS) {
      const { options } = checkUNetOptions(variant.options);
      expect(unflatten(flatten(options))).toEqual(options);
    }
    expect(unflatten(flatten(DEFAULT_UNET_OPTIONS)).dropout).toEqual([0, 0]);
  });
});
