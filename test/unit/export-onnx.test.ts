import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileForInference, compileGraph } from '../../src/compile';
import { ExportError } from '../../src/compile/export/errors';
import { lowerModel } from '../../src/compile/export/lowered';
import { exportOnnx, onnxFromLowered, type OnnxOpset } from '../../src/compile/export/onnx';
import { torchModelSource } from '../../src/compile/export/python/model';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { handGraph, maxAbsDiff, ROOT, templateNames } from './compile-helpers';
import { PYTHON, randomizeWeights, reducedTemplate, referenceRun, requirePython, run, tolerance } from './export-helpers';

interface Case {
  name: string;
  opset: OnnxOpset;
  file: string;
  diff: number;
  scale: number;
  bytes: Uint8Array;
}

const NAMES = templateNames();
/** Opset 13 on request: checked on the templates that use every mapping between them (crop, pad, bilinear, d2s, BN). */
const OPSET_13 = ['paper-572', 'milesial-bilinear', 'slim-3X', 'strided-nearest'];
let tmp: string;
const cases: Case[] = [];
const checker = new Map<string, { ok: boolean; error?: string; opset?: number }>();
const started = Date.now();

beforeAll(async () => {
  requirePython(['onnx']);
  await useNodeBackend('wasm');
  ort.env.wasm.numThreads = 1;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unet-onnx-'));
  const runs: [string, OnnxOpset][] = [...NAMES.map((n): [string, OnnxOpset] => [n, 17]), ...OPSET_13.map((n): [string, OnnxOpset] => [n, 13])];
  for (const [name, opset] of runs) {
    const compiled = compileGraph(reducedTemplate(name));
    try {
      randomizeWeights(compiled);
      const bytes = await exportOnnx(compiled, { opset });
      const ref = await referenceRun(compiled);
      const session = await ort.InferenceSession.create(bytes);
      const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', ref.input, ref.inShape) });
      const out = result[session.outputNames[0]!]!;
      expect(out.dims).toEqual(ref.outShape);
      await session.release();
      const file = path.join(tmp, `${name}-${opset}.onnx`);
      await writeFile(file, bytes);
      cases.push({ name, opset, file, diff: maxAbsDiff(out.data as Float32Array, ref.output), scale: Math.max(...ref.output.map(Math.abs)), bytes });
    } finally {
      compiled.model.dispose();
    }
  }
  // One checker process for all files.
  const out = await run(PYTHON, [path.join(ROOT, 'test/python/onnx_check.py'), ...cases.map((c) => c.file)]);
  for (const line of out.trim().split('\n')) {
    const r = JSON.parse(line);
    checker.set(r.file, r);
  }
}, 600_000);

afterAll(async () => {
  console.log(`[export-onnx] ${cases.length} models in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('ONNX export (onnxruntime-web on wasm, onnx.checker via /usr/bin/python3)', () => {
  for (const name of NAMES)
    for (const opset of [17, ...(OPSET_13.includes(name) ? [13] : [])])
      it(`${name}, opset ${opset}: same output in onnxruntime-web; check_model(full_check=True) passes`, () => {
        const c = cases.find((x) => x.name === name && x.opset === opset)!;
        expect(c.diff).toBeLessThanOrEqual(tolerance(c.scale));
        expect(c.scale).toBeGreaterThan(0);
        expect(checker.get(c.file)).toMatchObject({ ok: true, opset });
      });

  it('names inputs and outputs after their nodes, keeps the batch dynamic and gives every tensor a shape', () => {
    const c = cases.find((x) => x.name === 'paper-572' && x.opset === 17)!;
    const model = fromBinary(ModelProtoSchema, c.bytes);
    const g = model.graph!;
    expect(g.input.map((v) => v.name)).toEqual(['input']);
    expect(g.output.map((v) => v.name)).toEqual(['output']);
    const dims = (v: (typeof g.input)[number]) => (v.type!.value.case === 'tensorType' ? v.type!.value.value.shape!.dim.map((d) => d.value.value) : []);
    expect(dims(g.input[0]!)).toEqual(['N', 1n, 188n, 188n]);
    // Every node output is a declared value (value_info, or a graph output).
    const declared = new Set([...g.valueInfo, ...g.output].map((v) => v.name));
    for (const node of g.node) for (const o of node.output) expect(declared.has(o), o).toBe(true);
    expect(g.initializer.map((t) => t.name)).toContain('enc0_conv1.weight');
    const ops = new Set(g.node.map((n) => n.opType));
    expect([...ops].sort()).toEqual(['Concat', 'Conv', 'ConvTranspose', 'MaxPool', 'Relu', 'Slice']);
  });

  it('maps the rest 1:1 as ONNX has them: Resize, Pad, BatchNormalization, LeakyRelu, Sigmoid, DepthToSpace (DCR); dropout leaves no node', () => {
    const ops = (name: string) => new Set(fromBinary(ModelProtoSchema, cases.find((x) => x.name === name && x.opset === 17)!.bytes).graph!.node.map((n) => n.opType));
    expect([...ops('milesial-bilinear')]).toEqual(expect.arrayContaining(['Resize', 'Pad', 'BatchNormalization']));
    expect([...ops('strided-nearest')]).toEqual(expect.arrayContaining(['LeakyRelu', 'Sigmoid', 'Resize']));
    expect(ops('strided-nearest').has('Dropout')).toBe(false);
    const slim = fromBinary(ModelProtoSchema, cases.find((x) => x.name === 'slim-3X' && x.opset === 17)!.bytes).graph!.node;
    const d2s = slim.find((n) => n.opType === 'DepthToSpace')!;
    expect(new TextDecoder().decode(d2s.attribute.find((a) => a.name === 'mode')!.s)).toBe('DCR');
  });

  it('an inference compile (BatchNorm folded, dropout gone, conv + leaky ReLU as LeakyConv2D) exports the same numbers', async () => {
    const plain = compileGraph(reducedTemplate('strided-nearest'));
    const fast = await compileForInference(plain);
    try {
      expect(fast.model.layers.some((l) => l.getClassName() === 'LeakyConv2D')).toBe(true);
      const ref = await referenceRun(fast);
      const session = await ort.InferenceSession.create(await exportOnnx(fast));
      const out = (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', ref.input, ref.inShape) }))[session.outputNames[0]!]!;
      await session.release();
      expect(maxAbsDiff(out.data as Float32Array, ref.output)).toBeLessThanOrEqual(tolerance(Math.max(...ref.output.map(Math.abs))));
    } finally {
      plain.model.dispose();
      fast.model.dispose();
    }
  });

  it('a layer without an export mapping is a clear error naming its node, in both formats', async () => {
    const compiled = compileGraph(
      handGraph([['input', 'input', { channels: 1, height: 8, width: 8 }], ['my_conv', 'conv2d', { filters: 2 }], ['output', 'output']], [['input', 'my_conv'], ['my_conv', 'output']]),
    );
    try {
      const lowered = await lowerModel(compiled);
      // Stand-in for a layer class no mapping knows yet.
      const graph = { ...lowered, layers: lowered.layers.map((l) => (l.nodeId === 'my_conv' ? { ...l, className: 'Dense' } : l)) };
      expect(() => onnxFromLowered(graph)).toThrow(ExportError);
      expect(() => onnxFromLowered(graph)).toThrow(/^my_conv: its tfjs layer my_conv \(Dense\) has no ONNX export/);
      expect(() => torchModelSource(graph)).toThrow(/^my_conv: its tfjs layer my_conv \(Dense\) has no PyTorch export/);
      expect(() => onnxFromLowered(lowered, { opset: 11 as OnnxOpset })).toThrow(/opset 11: expected one of 17, 13/);
    } finally {
      compiled.model.dispose();
    }
  });
});
