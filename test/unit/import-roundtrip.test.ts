import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { compileGraph } from '../../src/compile/compile';
import { exportOnnx } from '../../src/compile/export/onnx';
import { readOnnx } from '../../src/compile/import/onnx/reader';
import { loadWeights } from '../../src/compile/weights';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { maxAbsDiff, ROOT } from './compile-helpers';

const DIR = path.join(ROOT, 'test/fixtures/onnx');

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  await useNodeBackend('wasm');
});

async function ortRun(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', x, dims) };
    return (await session.run(feeds))[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

// import → export ONNX (the exporters' exportOnnx) → the same outputs, and the export imports back to the same graph.
const CASES: [string, number, number][] = [
  ['paper', 1, 188],
  ['milesial-transposed-17', 3, 37],
  ['milesial-bilinear', 3, 35],
  ['strided-nearest', 3, 32],
  ['upconv-blocks', 3, 32],
  ['slim-3X', 3, 32],
  ['keras-get_unet', 1, 32],
  ['gated-mul', 3, 23],
  ['convtranspose-outpad', 3, 23],
  ['normalize-softmax-11', 3, 23],
];

describe('ONNX round trip: import → export ONNX → same outputs', () => {
  for (const [name, c, size] of CASES) {
    it(`${name} at ${size}×${size}`, async () => {
      const original = readFileSync(path.join(DIR, `${name}.onnx`));
      const imported = readOnnx(original, { inputSize: { h: size, w: size } });
      const compiled = compileGraph(imported.doc);
      let exported: Uint8Array;
      try {
        loadWeights(compiled, imported.weights, { strict: true });
        exported = await exportOnnx(compiled);
      } finally {
        compiled.model.dispose();
      }
      const x = Float32Array.from({ length: c * size * size }, (_, i) => ((i * 7919) % 1000) / 1000);
      const want = await ortRun(original, x, [1, c, size, size]);
      const got = await ortRun(exported, x, [1, c, size, size]);
      expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-4 * Math.max(...Array.from(want, Math.abs)));
      // and the exported file opens again with the same parameters and output shape
      const again = analyzeGraph(readOnnx(exported, { inputSize: { h: size, w: size } }).doc);
      const first = analyzeGraph(imported.doc);
      expect(again.totals.params).toEqual(first.totals.params);
      expect(again.rows.find((r) => r.op === 'output')!.output).toEqual(first.rows.find((r) => r.op === 'output')!.output);
    });
  }
});
