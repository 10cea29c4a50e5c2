/**
 * Exported models against ours, same machine, same run, one thread each: ms per forward pass (batch 1) of
 * - our compiled tfjs model on wasm (the inference compile: BatchNorm folded, activations fused),
 * - the exported model.py on PyTorch CPU (/usr/bin/python3, bench/export_torch.py),
 * - the exported .onnx in onnxruntime-web on wasm (Node, numThreads 1) — the runtime a user would pick instead
 *   of us for browser inference.
 * Nets: keras-get_unet at its 1×96×96 and milesial-bilinear at 3×128×128, full width. BENCH_RUNS (default 5)
 * timed passes per side after 2 warm-ups; the median is reported.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { compileForInference, compileGraph, exportOnnx, exportPyTorch } from '../src/compile';
import type { GraphDoc } from '../src/core/types';
import { useNodeBackend } from '../src/runtime/nodeBackends';
import { table, type Bench } from './measure';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PYTHON = '/usr/bin/python3';
const NETS: { template: string; size: number }[] = [
  { template: 'keras-get_unet', size: 96 },
  { template: 'milesial-bilinear', size: 128 },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function torchForward(folder: string): number | string {
  const script = fileURLToPath(new URL('./export_torch.py', import.meta.url));
  const run = spawnSync(PYTHON, [script, folder, String(RUNS), '1'], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (run.error || run.status !== 0) return `not run (${run.error?.message ?? run.stderr.trim().split('\n').pop()})`;
  return median((JSON.parse(run.stdout.trim().split('\n').pop()!) as { ms: number[] }).ms);
}

const bench: Bench = {
  name: 'export',
  description: 'ms per forward pass, batch 1, one thread: our tfjs-wasm vs the exported PyTorch (CPU) and ONNX (onnxruntime-web wasm)',
  async run() {
    await useNodeBackend('wasm');
    ort.env.wasm.numThreads = 1;
    const rows: string[][] = [];
    for (const { template, size } of NETS) {
      const doc = JSON.parse(readFileSync(fileURLToPath(new URL(`../templates/${template}.json`, import.meta.url)), 'utf8')) as GraphDoc;
      const plain = compileGraph(doc, { input: { h: size, w: size } });
      const fast = await compileForInference(plain);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'unet-bench-export-'));
      try {
        const { files, parameters } = await exportPyTorch(plain);
        for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
        const [, h, w, c] = fast.model.inputs[0]!.shape as number[];
        const x = tf.randomUniform([1, h!, w!, c!]);
        const tfjsMs = await timed(async () => {
          const y = fast.model.predict(x) as tf.Tensor;
          await y.data();
          y.dispose();
        });
        x.dispose();
        const session = await ort.InferenceSession.create(await exportOnnx(plain));
        const input = new ort.Tensor('float32', new Float32Array(c! * h! * w!).map(() => Math.random()), [1, c!, h!, w!]);
        const ortMs = await timed(() => session.run({ [session.inputNames[0]!]: input }));
        await session.release();
        const torchMs = torchForward(dir);
        const ratio = (ms: number | string) => (typeof ms === 'number' ? `${(tfjsMs / ms).toFixed(2)}×` : '—');
        rows.push([
          `${template} ${c}×${h}×${w} (${(parameters / 1e6).toFixed(1)} M params)`,
          tfjsMs.toFixed(0),
          typeof torchMs === 'number' ? torchMs.toFixed(0) : torchMs,
          ratio(torchMs),
          ortMs.toFixed(0),
          ratio(ortMs),
        ]);
      } finally {
        plain.model.dispose();
        fast.model.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    console.log(table(['net', 'tfjs wasm ms', 'PyTorch CPU ms', 'tfjs/PyTorch', 'ORT-web wasm ms', 'tfjs/ORT'], rows));
    console.log(`\n(${RUNS} timed passes per side after 2 warm-ups, median; one thread each; ratio > 1: ours is slower)`);
  },
};

export default bench;
