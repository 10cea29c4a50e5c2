/**
 * Opening a full-width ONNX U-Net (milesial-transposed, 31,037,698 parameters, ~118 MiB, exported by PyTorch with
 * dynamic H/W at bench time — never committed): our import (decode with onnx-buf, fold the shape arithmetic, map
 * to our ops with weights, lay out) and the CLI's `summary` end to end, against onnxruntime-web creating an
 * inference session from the same bytes (its own parse + weight load), measured in the same run; and the same file
 * opened through the editor's Open button in headless Chromium until the canvas shows every edge's shape.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { analyzeGraph } from '../src/core/analysis';
import { importModel, readOnnx } from '../src/compile/import';
import type { Bench } from './measure';
import { timeBrowserOpen } from './importBrowser';
import { table } from './measure';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Each browser run builds nothing but opens a fresh page and reads ~118 MiB: fewer runs by default. */
const BROWSER_RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
async function time(fn: () => unknown | Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const bench: Bench = {
  name: 'import',
  description: 'open a full-width (31 M parameter) ONNX U-Net: our importer and the CLI vs onnxruntime-web session creation',
  async run() {
    const dir = mkdtempSync(path.join(tmpdir(), 'onnx-bench-'));
    const file = path.join(dir, 'milesial-full.onnx');
    execFileSync('/usr/bin/python3', [path.join(root, 'scripts/torch/make_onnx.py'), '--full-width', file], { stdio: 'inherit' });
    const bytes = readFileSync(file);
    const first = readOnnx(bytes);
    const params = analyzeGraph(first.doc).totals.params.trainable;
    console.log(`${(statSync(file).size / 2 ** 20).toFixed(0)} MiB, ${first.doc.nodes.length} nodes, ${params.toLocaleString('en-US')} trainable parameters\n`);

    ort.env.wasm.numThreads = 1;
    const rows: [string, number[]][] = [];
    rows.push(['readOnnx (decode + fold + map + weights)', await time(() => readOnnx(bytes))]);
    rows.push(['importModel (+ U layout)', await time(() => importModel([{ name: 'm.onnx', bytes }]))]);
    rows.push([
      'CLI: unet-studio summary m.onnx (process, end to end)',
      await time(() => spawnSync(process.execPath, [path.join(root, 'bin/unet-studio.js'), 'summary', file], { stdio: 'ignore' })),
    ]);
    rows.push([
      'peer: onnxruntime-web InferenceSession.create (wasm)',
      await time(async () => {
        const s = await ort.InferenceSession.create(bytes);
        await s.release();
      }),
    ]);
    const peer = median(rows[rows.length - 1]![1]);
    const imported = await importModel([{ name: path.basename(file), bytes }]);
    rows.push([
      'browser: editor Open › file chosen → graph with every edge shape (production build, headless Chromium)',
      await timeBrowserOpen(file, imported.doc, BROWSER_RUNS),
    ]);
    console.log(
      table(
        ['step', 'median ms', 'min ms', 'vs ort session'],
        rows.map(([label, xs]) => [label, median(xs).toFixed(0), Math.min(...xs).toFixed(0), (median(xs) / peer).toFixed(2)]),
      ),
    );
    console.log(`\n${RUNS} runs each (browser: ${BROWSER_RUNS}, each in a fresh browser context).`);
  },
};

export default bench;
