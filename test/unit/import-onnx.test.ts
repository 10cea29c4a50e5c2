import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { compileGraph } from '../../src/compile/compile';
import { readOnnx } from '../../src/compile/import/onnx/reader';
import { loadWeights } from '../../src/compile/weights';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { nchwToNhwc, nhwcToNchw, predict } from '../../src/runtime/predict';
import { maxAbsDiff, ROOT } from './compile-helpers';

const DIR = path.join(ROOT, 'test/fixtures/onnx');
interface ManifestEntry {
  opset: number;
  dynamic: boolean;
  channels: number;
  params?: number;
  sizes: Record<string, { modules?: Record<string, number[]>; output?: number[] }>;
}
const manifest = JSON.parse(readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as Record<string, ManifestEntry>;
const NAMES = Object.keys(manifest).sort();

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  await useNodeBackend('wasm');
});

/** A deterministic input in [0, 1). */
function input(n: number): Float32Array {
  const out = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) out[i] = ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return out;
}

describe('ONNX import (fixtures from scripts/torch/make_onnx.py)', () => {
  it('covers every seed variant, opsets 11, 13 and 17, fixed and dynamic H/W', () => {
    const opsets = new Set(NAMES.map((n) => manifest[n]!.opset));
    expect([...opsets].sort()).toEqual([11, 13, 17]);
    expect(new Set(NAMES.map((n) => manifest[n]!.dynamic))).toEqual(new Set([true, false]));
    for (const v of ['paper', 'milesial-transposed-17', 'milesial-bilinear', 'strided-nearest', 'upconv-blocks', 'slim-3X', 'keras-get_unet', 'gated-mul', 'convtranspose-outpad'])
      expect(NAMES).toContain(v);
  });

  for (const name of NAMES) {
    const entry = manifest[name]!;
    for (const size of Object.keys(entry.sizes).map(Number)) {
      it(`${name} (opset ${entry.opset}, ${entry.dynamic ? 'dynamic' : 'fixed'}) at ${size}×${size}: PyTorch's shapes and parameters, onnxruntime's output`, async () => {
        const bytes = readFileSync(path.join(DIR, `${name}.onnx`));
        const imported = readOnnx(bytes, { inputSize: { h: size, w: size } });
        const analysis = analyzeGraph(imported.doc);
        expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const expected = entry.sizes[String(size)]!;
        if (entry.params !== undefined) expect(analysis.totals.params.trainable).toBe(entry.params);
        const rows = new Map(analysis.rows.map((r) => [r.id, r]));
        for (const [module, shape] of Object.entries(expected.modules ?? {})) {
          const out = rows.get(module)?.output;
          expect(out ? [out.c, out.h, out.w] : `no node "${module}"`, module).toEqual(shape);
        }
        const outputs = analysis.rows.filter((r) => r.op === 'output');
        expect(outputs).toHaveLength(1);
        if (expected.output) expect([outputs[0]!.output!.c, outputs[0]!.output!.h, outputs[0]!.output!.w]).toEqual(expected.output);

        const x = input(entry.channels * size * size);
        const session = await ort.InferenceSession.create(bytes);
        const ortOut = (await session.run({ input: new ort.Tensor('float32', x, [1, entry.channels, size, size]) })).output!;
        const compiled = compileGraph(imported.doc);
        try {
          expect(loadWeights(compiled, imported.weights, { strict: true }).unused).toEqual([]);
          const [out] = await predict(compiled.model, nchwToNhwc({ shape: [1, entry.channels, size, size], data: x }));
          const got = nhwcToNchw(out!);
          expect(got.shape).toEqual([...ortOut.dims]);
          const want = ortOut.data as Float32Array;
          const scale = Math.max(...Array.from(want, Math.abs));
          expect(maxAbsDiff(got.data, want)).toBeLessThanOrEqual(1e-4 * scale);
        } finally {
          compiled.model.dispose();
          await session.release();
        }
      });
    }
  }
});
