/**
 * The losses of the exported train.py (bce, ce, dice, bce+dice, weighted-ce with the paper's border weight map),
 * checked in one Python process against values computed independently (test/python/train_losses.py), and two short
 * single-process runs of train.py as a user types it. export-pytorch.test.ts covers the models and torchrun.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile';
import { exportPyTorch } from '../../src/compile/export/pytorch';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { membranes } from '../../src/runtime/synthetic';
import { borderWeightMap } from '../../src/runtime/train/weightMap';
import { ROOT } from './compile-helpers';
import { PYTHON, randomizeWeights, reducedTemplate, requirePython, run, writeMembraneData } from './export-helpers';

interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

// paper-same: two classes, raw scores; keras-get_unet: one channel with its own sigmoid.
const MODELS = { twoClasses: 'paper-same', oneChannel: 'keras-get_unet' };
let tmp: string;
const dirs: Record<keyof typeof MODELS, string> = { twoClasses: '', oneChannel: '' };
let checks: Check[] = [];
const runs = { dice: '', weightedCe: '' };

beforeAll(async () => {
  requirePython(['torch', 'numpy', 'PIL']);
  await useNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unet-losses-'));
  for (const key of Object.keys(MODELS) as (keyof typeof MODELS)[]) {
    const compiled = compileGraph(reducedTemplate(MODELS[key]));
    try {
      randomizeWeights(compiled);
      const exported = await exportPyTorch(compiled);
      const dir = path.join(tmp, MODELS[key]);
      await mkdir(dir, { recursive: true });
      for (const [file, content] of Object.entries(exported.files)) await writeFile(path.join(dir, file), content);
      dirs[key] = dir;
    } finally {
      compiled.model.dispose();
    }
  }
  const data = await writeMembraneData(path.join(tmp, 'data'));
  // A membrane mask (cells = 1) and the weight map the studio's own trainer gives it, for train.py to match.
  const mask = membranes(64, 5).mask;
  const labels = Uint8Array.from({ length: 64 * 64 }, (_, p) => (mask.data[p * 4]! > 127 ? 1 : 0));
  const studioMap = path.join(tmp, 'studio-map.json');
  await writeFile(studioMap, JSON.stringify({ width: 64, height: 64, labels: [...labels], weights: [...borderWeightMap(labels, 64, 64)] }));
  const env = { OMP_NUM_THREADS: '1' };
  const train = (dir: string, loss: string) =>
    run(PYTHON, ['train.py', '--data', data, '--loss', loss, '--max-steps', '2', '--batch-size', '1', '--workers', '0', '--out', 'runs'], { cwd: dir, env });
  // Three processes at once (two cores): the checks, and one short run per loss.
  const [lines, dice, weightedCe] = await Promise.all([
    run(PYTHON, [path.join(ROOT, 'test/python/train_losses.py'), studioMap, dirs.twoClasses, dirs.oneChannel], { env }),
    train(dirs.oneChannel, 'dice'),
    train(dirs.twoClasses, 'weighted-ce'),
  ]);
  checks = lines.trim().split('\n').map((l) => JSON.parse(l) as Check);
  Object.assign(runs, { dice, weightedCe });
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The loss values train.py printed, by step. */
const printedLosses = (log: string) => [...log.matchAll(/^epoch \d+ step (\d+) loss (\S+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);

describe('exported train.py losses (against independent values, /usr/bin/python3)', () => {
  it('imports as a module without training (a __main__ guard) and runs every check', () => {
    expect(checks.filter((c) => c.check.endsWith('imports without running main()') && c.ok)).toHaveLength(2);
    // Per model: 3 activations × 9 loss checks; border weights: 8 by hand, 1 against the studio's map.
    expect(checks).toHaveLength(2 + 2 * 27 + 9);
  });

  const groups: [string, RegExp][] = [
    ['cross-entropy (bce, ce) equals an independent computation, from logits and from sigmoid/softmax outputs', /: b?ce = /],
    ['soft Dice: independent value, ≈ 0 for a perfect prediction, ≈ 1 for a fully wrong one', /: dice/],
    ['bce+dice = bce + dice', /bce\+dice/],
    ['weighted-ce: all-ones weights give ce; a weight map gives Σ w·ce / Σ w', /weighted-ce/],
    ['border_weights: the paper’s w0·exp term in a 2-pixel gap, class balance far away, 4-connected cells, the studio trainer’s map', /^border_weights/],
  ];
  for (const [title, pattern] of groups) {
    it(title, () => {
      const mine = checks.filter((c) => pattern.test(c.check));
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`)).toEqual([]);
    });
  }

  it('no check failed', () => {
    expect(checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`)).toEqual([]);
  });

  it('train.py --loss dice (one sigmoid channel) and --loss weighted-ce (two classes) train two steps, single process', () => {
    for (const [log, loss] of [
      [runs.dice, 'dice'],
      [runs.weightedCe, 'weighted-ce'],
    ]) {
      expect(log).toContain(`1 process(es) on cpu, loss ${loss}`);
      const losses = printedLosses(log!);
      expect(losses.map(([step]) => step)).toEqual([1, 2]);
      for (const [, value] of losses) expect(Number.isFinite(value) && value! > 0).toBe(true);
    }
  });
});
