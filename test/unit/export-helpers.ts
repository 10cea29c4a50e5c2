import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { inferShapes } from '../../src/core/infer';
import { validSizes } from '../../src/core/solver';
import type { GraphDoc } from '../../src/core/types';
import { exportPyTorch, type CompiledGraph, type PyTorchExport } from '../../src/compile';
import { readTemplate } from './compile-helpers';
import { membranes, rng } from '../../src/runtime/synthetic';
import { encodePng } from '../../src/runtime/imageFiles';

/** Debian's interpreter with python3-torch / python3-onnx (the first python3 on PATH may be another one). */
export const PYTHON = process.env.UNET_STUDIO_PYTHON ?? '/usr/bin/python3';

/** Fails (never skips) when the interpreter lacks a module: `npm test` installs them (scripts/test.mjs). */
export function requirePython(modules: string[]): void {
  const hint = `run \`npm test\` as root (it apt-installs python3-torch python3-onnx python3-pil) or \`sudo apt-get install -y python3-torch python3-onnx python3-pil\``;
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: ${hint}`);
  try {
    execFileSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'pipe' });
  } catch {
    throw new Error(`${PYTHON} cannot import ${modules.join(', ')}: ${hint}`);
  }
}

/** Runs a command to the end; resolves with stdout, rejects with the exit code and the last of stderr. */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...options.env }, cwd: options.cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out.slice(-3000)}\n${err.slice(-3000)}`))));
  });
}

/**
 * A template at test size: conv widths that are multiples of 16 (64 … 1024) divided by 16, and the smallest
 * square input ≥ 48 the graph accepts with every tensor at least 2×2 (paper-572: 188 → 4×4 out). Heads
 * (1, 2, 3, 6, 27 channels) keep their widths.
 */
export function reducedTemplate(name: string): GraphDoc {
  const doc = readTemplate(name);
  const nodes = doc.nodes.map((n) => {
    const filters = n.params.filters;
    return typeof filters === 'number' && filters >= 32 && filters % 16 === 0 ? { ...n, params: { ...n.params, filters: filters / 16 } } : n;
  });
  const reduced = { ...doc, nodes };
  // BatchNorm trains on batch 1 in the torchrun test: every tensor needs more than one value per channel.
  const roomy = (s: number) => [...inferShapes(reduced, { input: { h: s, w: s } }).nodes.values()].every((n) => !n.output || n.output.h * n.output.w >= 4);
  const size = validSizes(reduced, { min: 48, max: 400 }).find(roomy);
  if (size === undefined) throw new Error(`${name}: no valid input size in 48..400`);
  return { ...reduced, nodes: nodes.map((n) => (n.op === 'input' ? { ...n, params: { ...n.params, height: size, width: size } } : n)) };
}

/**
 * Weights that make a comparison mean something: the usual initialisation leaves BatchNorm at γ=1, β=0, mean 0,
 * variance 1 — an identity an exporter could get wrong unnoticed. Statistics and affine terms become random.
 */
/**
 * Seeded weights for the whole model, so a parity case is the same every run: kernels uniform ±√(6/fan-in) (He),
 * biases small and positive (at reduced widths a layer of dead ReLUs would zero the output and make the comparison
 * say nothing), BatchNorm statistics away from their identity defaults so folding and eval mode are exercised.
 */
export function randomizeWeights(compiled: CompiledGraph, seed = 1): void {
  const random = rng(seed);
  for (const layer of compiled.model.layers) {
    const batchNorm = layer.getClassName() === 'BatchNormalization';
    for (const v of layer.weights) {
      const shape = v.shape.map(Number);
      const n = shape.reduce((a, b) => a * b, 1);
      const name = v.originalName;
      const fanIn = shape.length > 1 ? n / shape[shape.length - 1]! : 1;
      const value = batchNorm
        ? () => (name.endsWith('variance') || name.endsWith('gamma') ? 0.5 + random() : (random() - 0.5) * 0.4)
        : name.endsWith('bias')
          ? () => 0.02 + 0.1 * random()
          : () => (random() * 2 - 1) * Math.sqrt(6 / fanIn);
      v.write(tf.tensor(Float32Array.from({ length: n }, value), shape));
    }
  }
}

/** A seeded NCHW float32 input for the compiled model, and our output for it (NCHW). */
export async function referenceRun(compiled: CompiledGraph, seed = 7): Promise<{ input: Float32Array; inShape: number[]; output: Float32Array; outShape: number[] }> {
  const [, h, w, c] = compiled.model.inputs[0]!.shape as number[];
  const random = rng(seed);
  const input = Float32Array.from({ length: c! * h! * w! }, () => random());
  const x = tf.tensor(input, [1, c!, h!, w!]);
  const y = tf.tidy(() => tf.transpose(compiled.model.predict(tf.transpose(x, [0, 2, 3, 1])) as tf.Tensor, [0, 3, 1, 2]));
  const output = new Float32Array(await y.data());
  const outShape = [...y.shape];
  x.dispose();
  y.dispose();
  return { input, inShape: [1, c!, h!, w!], output, outShape };
}

/** One model for test/python/pytorch_parity.py: its export folder, a seeded input and our output for it (NCHW float32). */
export interface ParityCase {
  dir: string;
  input: string;
  expected: string;
  shape_in: number[];
  shape_out: number[];
}

/** Writes the PyTorch export of `compiled` into `dir` (created) with `referenceRun`'s input and output beside it. */
export async function writeTorchParityCase(
  compiled: CompiledGraph,
  dir: string,
): Promise<{ exported: PyTorchExport; ref: Awaited<ReturnType<typeof referenceRun>>; parityCase: ParityCase }> {
  const exported = await exportPyTorch(compiled);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(exported.files)) await writeFile(path.join(dir, file), content);
  const ref = await referenceRun(compiled);
  const parityCase = { dir, input: path.join(dir, 'input.bin'), expected: path.join(dir, 'expected.bin'), shape_in: ref.inShape, shape_out: ref.outShape };
  await writeFile(parityCase.input, ref.input);
  await writeFile(parityCase.expected, ref.output);
  return { exported, ref, parityCase };
}

/** The bar: max |Δ| ≤ 1e-4 · max(1, max |out|). */
export const tolerance = (scale: number) => 1e-4 * Math.max(1, scale);

/**
 * A tiny training set for train.py: DIR/images and DIR/masks with two generated 64×64 membrane images and their
 * masks as class indices 0/1 (valid for every template's class count), not 0/255. Resolves with DIR.
 */
export async function writeMembraneData(dir: string): Promise<string> {
  for (const sub of ['images', 'masks']) await mkdir(path.join(dir, sub), { recursive: true });
  for (const seed of [1, 2]) {
    const sample = membranes(64, seed);
    await writeFile(path.join(dir, 'images', `s${seed}.png`), encodePng(sample.image));
    const mask = sample.mask.data.map((v, i) => (i % 4 === 3 ? v : v > 127 ? 1 : 0));
    await writeFile(path.join(dir, 'masks', `s${seed}.png`), encodePng({ ...sample.mask, data: mask }));
  }
  return dir;
}
