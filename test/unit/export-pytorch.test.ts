import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import type { GraphDoc } from '../../src/core/types';
import { unetRole } from '../../src/core/builder/ids';
import { handGraph, readTemplate, ROOT, templateNames } from './compile-helpers';
import { PYTHON, randomizeWeights, reducedTemplate, requirePython, run, tolerance, writeMembraneData, writeTorchParityCase } from './export-helpers';

/** A node id and graph name that would be code if pasted into Python unescaped. */
const EVIL = '"); import os; ("';
const evilGraph = (): GraphDoc =>
  handGraph(
    [
      ['input', 'input', { channels: 3, height: 20, width: 20 }],
      [EVIL, 'conv2d', { filters: 4, padding: 'same', activation: 'relu' }],
      ['train', 'batchNorm'],
      ['class', 'conv2d', { filters: 4, kernel: 3, padding: 'valid' }],
      ['forward', 'pad', { mode: 'like', fill: 'reflect' }],
      ['sum', 'add'],
      ['9lives', 'conv2d', { filters: 2, kernel: 1, activation: 'softmax' }],
      ['output', 'output'],
    ],
    [
      ['input', EVIL],
      [EVIL, 'train'],
      ['train', 'class'],
      ['class', 'forward'],
      ['train', 'forward', 1],
      ['forward', 'sum'],
      ['train', 'sum', 1],
      ['sum', '9lives'],
      ['9lives', 'output'],
    ],
    EVIL,
  );

interface Case {
  name: string;
  dir: string;
  blocks: boolean;
  code: string;
  maxOut: number;
}
interface Parity {
  dir: string;
  max_diff?: number;
  scale?: number;
  shape?: number[];
  error?: string;
}

let tmp: string;
const cases: Case[] = [];
const parity = new Map<string, Parity>();
let training = '';
let resumed = '';
let cliRun = '';
let compileErrors = '';
const NAMES = templateNames();
const started = Date.now();
const phases: string[] = [];
const phase = (what: string, since: number) => phases.push(`${what} ${((Date.now() - since) / 1000).toFixed(1)} s`);

beforeAll(async () => {
  requirePython(['torch', 'numpy', 'PIL']);
  await useNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unet-torch-'));
  const docs: [string, GraphDoc][] = [...NAMES.map((n): [string, GraphDoc] => [n, reducedTemplate(n)]), ['evil-names', evilGraph()]];
  const pythonCases = [];
  for (const [name, doc] of docs) {
    const compiled = compileGraph(doc);
    try {
      randomizeWeights(compiled);
      const dir = path.join(tmp, name);
      const { exported, ref, parityCase } = await writeTorchParityCase(compiled, dir);
      pythonCases.push(parityCase);
      cases.push({ name, dir, blocks: exported.blocks, code: String(exported.files['model.py']), maxOut: Math.max(...ref.output.map(Math.abs)) });
    } finally {
      compiled.model.dispose();
    }
  }
  phase('export', started);
  await writeFile(path.join(tmp, 'cases.json'), JSON.stringify(pythonCases));
  let t = Date.now();
  const script = (f: string) => path.join(ROOT, 'test/python', f);
  // One Python process for every model's parity, one py_compile run, one torchrun launch per phase.
  const out = await run(PYTHON, [script('pytorch_parity.py'), path.join(tmp, 'cases.json')], { env: { OMP_NUM_THREADS: '1' } });
  for (const line of out.trim().split('\n')) {
    const r = JSON.parse(line) as Parity;
    parity.set(r.dir, r);
  }
  phase('parity', t);
  const files = cases.flatMap((c) => [path.join(c.dir, 'model.py'), path.join(c.dir, 'train.py')]);
  compileErrors = await run(PYTHON, ['-m', 'py_compile', ...files]).then(
    () => '',
    (err: Error) => err.message,
  );

  const data = await writeMembraneData(path.join(tmp, 'data'));
  const torchrun = ['-m', 'torch.distributed.run', '--redirects', '2', '--tee', '2', '--nproc_per_node=2'];
  const templateDirs = cases.filter((c) => c.name !== 'evil-names').map((c) => c.dir);
  // A port the OS says is free now: fixed ports collide with another test run on the same machine.
  const port = await freePort();
  const env = { OMP_NUM_THREADS: '1', MASTER_PORT: String(port) };
  t = Date.now();
  training = await run(PYTHON, [...torchrun, `--master_port=${port}`, script('torchrun_driver.py'), data, '2', 'fresh', ...templateDirs], { env });
  phase('torchrun 2 steps', t);
  t = Date.now();
  resumed = await run(PYTHON, [...torchrun, `--master_port=${await freePort()}`, script('torchrun_driver.py'), data, '6', 'resume', ...templateDirs], { env });
  // And the script exactly as a user runs it.
  phase('torchrun resume', t);
  t = Date.now();
  const keras = cases.find((c) => c.name === 'keras-get_unet')!.dir;
  cliRun = await run(PYTHON, [...torchrun, `--master_port=${await freePort()}`, 'train.py', '--data', data, '--max-steps', '2', '--batch-size', '1', '--workers', '0', '--out', 'cli-runs'], { cwd: keras, env });
  phase('torchrun train.py', t);
}, 600_000);

/** A TCP port nothing listens on at this moment (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

afterAll(async () => {
  console.log(`[export-pytorch] ${cases.length} exports: ${phases.join(', ')}`);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The loss lines one folder's run printed (rank 0): step → loss. */
function losses(log: string, dir: string): Map<number, number> {
  const section = log.split('=== ').find((s) => s.startsWith(dir)) ?? '';
  return new Map([...section.matchAll(/step (\d+) loss ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
}

describe('PyTorch export (model.py + weights.safetensors + train.py, run by /usr/bin/python3)', () => {
  it('covers every template', () => {
    expect(cases.map((c) => c.name)).toEqual([...NAMES, 'evil-names']);
    expect(compileErrors).toBe('');
  });

  for (const name of [...NAMES, 'evil-names']) {
    it(`${name}: model.py + weights (strict) give our output`, () => {
      const c = cases.find((x) => x.name === name)!;
      const r = parity.get(c.dir)!;
      expect(r.error).toBeUndefined();
      expect(r.max_diff!).toBeLessThanOrEqual(tolerance(r.scale!));
      expect(r.scale!).toBeGreaterThan(0);
    });
  }

  for (const name of NAMES) {
    // The builder's node ids (enc{i}_conv{j} or enc{i}_res, down{i}, up{i}, …) give level / Down / Up blocks.
    const residual = readTemplate(name).nodes.some((n) => n.op === 'residualBlock');
    it(`${name}: ${residual ? 'ResidualBlock / Up' : 'DoubleConv / Down / Up'} blocks; torchrun (2 processes, gloo) trains, resumes and the loss falls`, () => {
      const c = cases.find((x) => x.name === name)!;
      expect(readTemplate(name).nodes.every((n) => unetRole(n.id) !== undefined)).toBe(true);
      expect(c.blocks).toBe(true);
      if (residual) expect(c.code).toMatch(/class ResidualBlock\(nn\.Module\)[\s\S]*class Up\(nn\.Module\)/);
      else expect(c.code).toMatch(/class DoubleConv\(nn\.Module\)[\s\S]*class Down\(nn\.Module\)[\s\S]*class Up\(nn\.Module\)/);
      const first = losses(training, c.dir);
      expect([...first.keys()]).toEqual([1, 2]);
      const later = losses(resumed, c.dir);
      expect([...later.keys()]).toEqual([3, 4, 5, 6]);
      expect(resumed).toContain(`resumed from ${path.join(c.dir, 'runs', 'last.pt')} at epoch`);
      expect(later.get(6)!).toBeLessThan(first.get(1)!);
    });
  }

  it('train.py runs under torchrun as a user types it, with DistributedDataParallel on two processes', () => {
    expect(cliRun).toContain('2 process(es) on cpu');
    expect(cliRun).toMatch(/step 2 loss \d/);
    expect(cliRun).toContain('saved cli-runs/last.pt');
  });

  it('names from the graph reach the code only as sanitised identifiers', async () => {
    const c = cases.find((x) => x.name === 'evil-names')!;
    expect(c.blocks).toBe(false);
    const code = await readFile(path.join(c.dir, 'model.py'), 'utf8');
    expect(code).not.toContain(EVIL);
    expect(code).not.toMatch(/^\s*(import|from) os\b/m);
    // nn.Module attributes and keywords are not shadowed; an id starting with a digit becomes an identifier.
    expect(code).not.toMatch(/self\.(train|forward|class) =/);
    expect(code).toMatch(/self\.n9lives = nn\.Conv2d/);
    const readme = await readFile(path.join(c.dir, 'README.md'), 'utf8');
    expect(readme).not.toContain(EVIL);
  });
});
