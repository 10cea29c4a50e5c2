/**
 * Training-step benchmark: ms per step (forward + BCE + backward + Adam) of the base-16 same-padding U-Net
 * (Keras get_unet layout, depth 4) at 1×128×128, batch 4, on tfjs wasm in Node (one thread, our training kernels
 * from src/runtime/kernels), against PyTorch CPU with one thread on the same net (bench/train_torch.py, run
 * with /usr/bin/python3) in the same run. Rounds alternate the two sides so machine load hits both alike.
 * Also prints where a wasm step spends its time, by kernel (tf.profile of one step).
 * BENCH_ROUNDS (default 2) × BENCH_STEPS (default 6) timed steps per side, after 2 warm-up steps per round.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileGraph } from '../src/compile/compile';
import { buildUNet, getVariant } from '../src/core/builder';
import { useNodeBackend } from '../src/runtime/nodeBackends';
import { table, type Bench } from './measure';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const STEPS = Number(process.env.BENCH_STEPS ?? 6);
const WARMUP = 2;
const NET = { base: 16, depth: 4, size: 128, batch: 4 };
const PYTHON = '/usr/bin/python3';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (ms: number) => ms.toFixed(0);

interface TorchRun {
  torch: string;
  threads: number;
  params: number;
  ms: number[];
}

function torchSteps(): TorchRun | string {
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url));
  const args = Object.entries({ ...NET, warmup: WARMUP, steps: STEPS, threads: 1 }).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const run = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return `PyTorch not run (${run.error?.message ?? run.stderr.trim().split('\n').pop()})`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as TorchRun;
}

function makeTrainer() {
  const options = { ...getVariant('keras-get_unet')!.options, base: NET.base, depth: NET.depth, inputSize: { h: NET.size, w: NET.size } };
  const { model } = compileGraph(buildUNet(options));
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([NET.batch, NET.size, NET.size, 1], 0, 1, 'float32', 1);
  const y = tf.cast(tf.greater(tf.randomUniform([NET.batch, NET.size, NET.size, 1], 0, 1, 'float32', 2), 0.5), 'float32');
  const step = () =>
    tf.tidy(() => {
      const loss = optimizer.minimize(() => tf.mean(tf.metrics.binaryCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, true);
      return loss!.dataSync()[0]!;
    });
  return { model, step };
}

function timedSteps(step: () => number, count: number): number[] {
  for (let i = 0; i < WARMUP; i++) step();
  return Array.from({ length: count }, () => {
    const t0 = performance.now();
    step();
    return performance.now() - t0;
  });
}

/** Kernel time of one step, summed by kernel name, largest first. */
async function profileStep(step: () => number): Promise<string[][]> {
  const info = await tf.profile(() => {
    step();
  });
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    entry.calls++;
    byKernel.set(k.name, entry);
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
  return [...byKernel.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 12)
    .map(([name, e]) => [name, String(e.calls), fmt(e.ms), `${((100 * e.ms) / total).toFixed(0)} %`]);
}

const bench: Bench = {
  name: 'train',
  description: `ms per training step, base-${NET.base} U-Net ${NET.size}², batch ${NET.batch}, BCE + Adam: tfjs wasm (1 thread) vs PyTorch CPU (1 thread)`,
  async run() {
    await useNodeBackend('wasm');
    const { model, step } = makeTrainer();
    const wasmMs: number[] = [];
    const torchMs: number[] = [];
    let torch: TorchRun | string = 'not run';
    for (let round = 0; round < ROUNDS; round++) {
      const t = torchSteps();
      if (typeof t === 'string') torch = t;
      else (torch = t), torchMs.push(...t.ms);
      wasmMs.push(...timedSteps(step, STEPS));
    }
    const rows = [['tfjs wasm, 1 thread', model.countParams().toLocaleString('en-US'), fmt(median(wasmMs)), fmt(Math.min(...wasmMs))]];
    if (typeof torch !== 'string')
      rows.push([`PyTorch ${torch.torch} CPU, ${torch.threads} thread`, torch.params.toLocaleString('en-US'), fmt(median(torchMs)), fmt(Math.min(...torchMs))]);
    console.log(table(['side', 'params', 'ms/step (median)', 'ms/step (min)'], rows));
    if (typeof torch === 'string') console.log(`\n${torch}`);
    else
      console.log(
        `\nwasm / PyTorch: ${(median(wasmMs) / median(torchMs)).toFixed(2)}× (median), ${(Math.min(...wasmMs) / Math.min(...torchMs)).toFixed(2)}× (min); goal ≤ 1.5×`,
      );
    console.log(`\nWhere one wasm step goes (tf.profile; kernel times only):\n`);
    console.log(table(['kernel', 'calls', 'ms', 'share'], await profileStep(step)));
  },
};

export default bench;
