/**
 * Compiled-model benchmarks on the wasm backend (Node, one thread):
 * 1. compiled U-Net vs the same network written by hand with tf.layers (same weights, same process) — goal ≤ 1.0;
 * 2. inference-optimised (BatchNorm folded, dropout dropped, activations fused) vs plain on a BN template — goal ≤ 0.85;
 * 3. ms per forward: base-16 U-Net at 256² (and, with BENCH_FULL=1, paper-572 at 572² and full-width templates);
 * 4. peak memory of one forward: the core's estimate (analysis) vs tfjs' measured peak (tf.profile).
 * Timings are medians of interleaved runs (A, B, A, B, …) so drift hits both sides alike.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { compileGraph, type CompiledGraph } from '../src/compile/compile';
import { PatchConv2DTranspose } from '../src/compile/layers/patchConv2dTranspose';
import { useNodeBackend } from '../src/runtime/nodeBackends';
import { compileForInference } from '../src/compile/optimize';
import type { StateDict } from '../src/compile/stateDict';
import { exportWeights, loadWeights } from '../src/compile/weights';
import { analyzeGraph } from '../src/core/analysis';
import { buildUNet, getVariant } from '../src/core/builder';
import type { GraphDoc } from '../src/core/types';
import { table, type Bench } from './measure';

const FULL = process.env.BENCH_FULL === '1';
const RUNS = Number(process.env.BENCH_RUNS ?? (FULL ? 5 : 9));

/** Keras get_unet at base 16, 1×256×256 — the network both sides of comparison 1 build. */
const BASE16 = { ...getVariant('keras-get_unet')!.options, base: 16, inputSize: { h: 256, w: 256 }, name: 'base-16 U-Net 256²' };

/**
 * The same network with tf.layers directly, the way a Keras user writes it; layer names = our node ids.
 * `fastUpConv` swaps in the compiler's up-conv class, to compare like with like.
 */
function handWrittenUNet(base: number, depth: number, size: number, fastUpConv = false): tf.LayersModel {
  const conv = (filters: number, name: string) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', name });
  const input = tf.input({ shape: [size, size, 1], name: 'input' });
  let x: tf.SymbolicTensor = input;
  const skips: tf.SymbolicTensor[] = [];
  for (let i = 0; i <= depth; i++) {
    x = conv(base * 2 ** i, `enc${i}_conv1`).apply(x) as tf.SymbolicTensor;
    x = conv(base * 2 ** i, `enc${i}_conv2`).apply(x) as tf.SymbolicTensor;
    if (i < depth) {
      skips.push(x);
      x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `down${i}` }).apply(x) as tf.SymbolicTensor;
    }
  }
  for (let i = depth - 1; i >= 0; i--) {
    const upArgs = { filters: base * 2 ** i, kernelSize: 2, strides: 2, padding: 'same' as const, name: `up${i}` };
    const up = (fastUpConv ? new PatchConv2DTranspose(upArgs) : tf.layers.conv2dTranspose(upArgs)).apply(x);
    x = tf.layers.concatenate({ name: `cat${i}` }).apply([up as tf.SymbolicTensor, skips[i]!]) as tf.SymbolicTensor;
    x = conv(base * 2 ** i, `dec${i}_conv1`).apply(x) as tf.SymbolicTensor;
    x = conv(base * 2 ** i, `dec${i}_conv2`).apply(x) as tf.SymbolicTensor;
  }
  const out = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'head' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Copies weights layer by layer (same names on both sides). */
function copyWeights(from: tf.LayersModel, to: tf.LayersModel) {
  for (const layer of to.layers) if (layer.weights.length) layer.setWeights(from.getLayer(layer.name).getWeights());
}

function randomInput(model: tf.LayersModel): tf.Tensor {
  const [, h, w, c] = model.inputs[0]!.shape as number[];
  return tf.randomUniform([1, h!, w!, c!], 0, 1, 'float32', 7);
}

async function forwardMs(model: tf.LayersModel, x: tf.Tensor): Promise<number> {
  const t0 = performance.now();
  const y = model.predict(x) as tf.Tensor;
  await y.data();
  const ms = performance.now() - t0;
  y.dispose();
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Speed {
  median: number;
  /** The fastest run: least disturbed by other work on a shared machine. */
  min: number;
}

/** Interleaved runs of each model on the same input, after one warm-up run each. */
async function race(models: tf.LayersModel[], runs = RUNS): Promise<Speed[]> {
  const x = randomInput(models[0]!);
  for (const m of models) await forwardMs(m, x);
  const times = models.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) for (let i = 0; i < models.length; i++) times[i]!.push(await forwardMs(models[i]!, x));
  x.dispose();
  return times.map((t) => ({ median: median(t), min: Math.min(...t) }));
}

const both = (s: Speed) => `${fmt(s.median)} (${fmt(s.min)})`;
const ratio = (a: Speed, b: Speed) => `${(a.median / b.median).toFixed(2)} (${(a.min / b.min).toFixed(2)})`;

async function maxAbsDiff(a: tf.LayersModel, b: tf.LayersModel): Promise<number> {
  const x = randomInput(a);
  const [ya, yb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
  const d = (await tf.max(tf.abs(tf.sub(ya, yb))).data())[0]!;
  tf.dispose([x, ya, yb]);
  return d;
}

/** Random BatchNorm statistics (fresh models have mean 0, var 1, which makes folding trivial). */
async function withRandomBatchNorm(compiled: CompiledGraph) {
  const dict: StateDict = await exportWeights(compiled);
  for (const [id, params] of Object.entries(dict))
    if (params.running_var) {
      const c = params.running_var.data.length;
      params.weight!.data = Float32Array.from({ length: c }, (_, i) => 0.5 + ((i * 37) % 100) / 100);
      params.running_mean!.data = Float32Array.from({ length: c }, (_, i) => (((i * 53) % 100) - 50) / 250);
      params.running_var!.data = Float32Array.from({ length: c }, (_, i) => 0.5 + ((i * 71) % 100) / 100);
      void id;
    }
  loadWeights(compiled, dict);
}

/** The core's estimate and tfjs' measured peak of one forward (activations + input; weights excluded). */
async function peakBytes(compiled: CompiledGraph): Promise<{ estimated: number; measured: number }> {
  const estimated = analyzeGraph(compiled.doc, { solve: false }).totals.peakBytes;
  const x = randomInput(compiled.model);
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => compiled.model.predict(x) as tf.Tensor);
  tf.dispose(info.result as tf.Tensor);
  const measured = info.peakBytes - before + x.size * 4;
  x.dispose();
  return { estimated, measured };
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const fmt = (ms: number) => ms.toFixed(ms < 100 ? 1 : 0);
const template = (name: string): GraphDoc => JSON.parse(readFileSync(new URL(`../templates/${name}.json`, import.meta.url), 'utf8'));

const bench: Bench = {
  name: 'compile',
  description: `compiled tfjs models on wasm (1 thread): vs hand-written tf.layers, BN-folded vs plain, ms per forward, peak memory${FULL ? ' (BENCH_FULL)' : ''}`,
  async run() {
    const { backend } = await useNodeBackend('wasm');
    tf.env().set('PROD', true);
    console.log(`backend ${backend}, ${RUNS} interleaved runs per model (BENCH_RUNS), medians\n`);

    // 1. compiled vs hand-written
    const compiled = compileGraph(buildUNet(BASE16));
    const hand = handWrittenUNet(16, 4, 256);
    const handFast = handWrittenUNet(16, 4, 256, true);
    for (const h of [hand, handFast]) {
      copyWeights(compiled.model, h);
      const diff = await maxAbsDiff(compiled.model, h);
      if (compiled.model.countParams() !== h.countParams() || diff > 1e-4)
        throw new Error(`the hand-written U-Net is not the same network (params ${h.countParams()} vs ${compiled.model.countParams()}, max |Δ| ${diff})`);
    }
    const [compiledMs, handMs, handFastMs] = (await race([compiled.model, hand, handFast])) as [Speed, Speed, Speed];
    const params = compiled.model.countParams().toLocaleString('en-US');
    console.log(
      table(
        ['model (base-16 U-Net, 1×256×256)', 'params', 'ms / forward: median (min)', 'vs hand-written'],
        [
          ['hand-written tf.layers', params, both(handMs), '1.00 (1.00)'],
          ['hand-written, compiler’s up-conv layer', params, both(handFastMs), ratio(handFastMs, handMs)],
          ['compiled from graph', params, both(compiledMs), ratio(compiledMs, handMs)],
        ],
      ),
    );
    console.log(
      `same outputs (max |Δ| ≤ 1e-4); goal compiled/hand ≤ 1.0 → ${compiledMs.median / handMs.median <= 1.0 ? 'met' : 'NOT met'}; ` +
        `compiled vs hand-written with the same layer classes: ${ratio(compiledMs, handFastMs)}\n`,
    );
    handFast.dispose();
    hand.dispose();

    // 2. BN-folded vs plain
    const bnRows: string[][] = [];
    const bnCases: [string, GraphDoc][] = [
      ['milesial-transposed base 16, 256²', buildUNet({ ...getVariant('milesial-transposed')!.options, base: 16 })],
      ['upconv-blocks base 16, 256²', buildUNet({ ...getVariant('upconv-blocks')!.options, base: 16 })],
      ['strided-nearest base 16, 256²', buildUNet({ ...getVariant('strided-nearest')!.options, base: 16 })],
      ...(FULL
        ? ([
            ['milesial-transposed (full), 256²', template('milesial-transposed')],
            ['strided-nearest (full), 256²', template('strided-nearest')],
          ] as [string, GraphDoc][])
        : []),
    ];
    const memoryCases: [string, CompiledGraph][] = [['base-16 U-Net 256²', compiled]];
    for (const [name, doc] of bnCases) {
      const plain = compileGraph(doc);
      await withRandomBatchNorm(plain);
      const fast = await compileForInference(plain);
      const d = await maxAbsDiff(plain.model, fast.model);
      const [plainMs, fastMs] = (await race([plain.model, fast.model])) as [Speed, Speed];
      bnRows.push([name, String(plain.model.layers.length), String(fast.model.layers.length), both(plainMs), both(fastMs), ratio(fastMs, plainMs), d.toExponential(1)]);
      memoryCases.push([`${name} (plain)`, plain], [`${name} (optimised)`, fast]);
    }
    console.log(table(['BN template', 'layers plain', 'layers opt.', 'plain ms', 'optimised ms', 'ratio', 'max |Δ|'], bnRows));
    console.log('ms: median (min) of the interleaved runs; ratio: of medians (of mins)');
    console.log('goal optimised/plain ≤ 0.85\n');

    // 3. ms per forward
    const speedRows: string[][] = [[BASE16.name, compiled.model.countParams().toLocaleString('en-US'), both(compiledMs)]];
    if (FULL)
      for (const name of ['paper-572', 'keras-get_unet', 'slim-1X']) {
        const c = compileGraph(template(name));
        const [ms] = (await race([c.model], 3)) as [Speed];
        const [, h, w, ch] = c.model.inputs[0]!.shape as number[];
        speedRows.push([`${name} (${ch}×${h}×${w})`, c.model.countParams().toLocaleString('en-US'), both(ms)]);
        memoryCases.push([name, c]);
      }
    console.log(table(['network', 'params', 'wasm ms / forward: median (min)'], speedRows));
    if (!FULL) console.log('(paper-572 at 572² and full-width templates: BENCH_FULL=1)');
    console.log('');

    // 4. peak memory
    const memRows: string[][] = [];
    for (const [name, c] of memoryCases) {
      const { estimated, measured } = await peakBytes(c);
      memRows.push([name, mb(estimated), mb(measured), (measured / estimated).toFixed(2)]);
    }
    console.log(table(['network (one forward, batch 1)', 'estimated MiB', 'measured MiB', 'measured/estimated'], memRows));
    for (const [, c] of memoryCases) c.model.dispose();
  },
};

export default bench;
