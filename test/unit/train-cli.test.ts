/**
 * `unet-studio train` in-process: clear one-line errors for bad options and data, and a short real training
 * (cpu backend, a tiny net, pairs from a folder) whose weights `run --weights` then takes.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helpers';
import { buildUNet } from '../../src/core/builder';
import { serializeGraph } from '../../src/core/format/serialize';
import { encodePng } from '../../src/runtime/imageFiles';
import { membranes } from '../../src/runtime/synthetic';

const dir = mkdtempSync(path.join(tmpdir(), 'unet-train-'));
const graph = path.join(dir, 'tiny.json');
writeFileSync(graph, serializeGraph(buildUNet({ name: 'Tiny', depth: 1, base: 2, padding: 'same', inputSize: { h: 32, w: 32 } })));
const data = path.join(dir, 'data');
mkdirSync(path.join(data, 'images'), { recursive: true });
mkdirSync(path.join(data, 'masks'), { recursive: true });
for (let i = 0; i < 3; i++) {
  const { image, mask } = membranes(40, 50 + i);
  writeFileSync(path.join(data, 'images', `tile${i}.png`), encodePng(image));
  writeFileSync(path.join(data, 'masks', `tile${i}.png`), encodePng(mask));
}
writeFileSync(path.join(data, 'images', 'orphan.png'), encodePng(membranes(40, 9).image));


describe('unet-studio train', () => {
  it('explains bad options in one line', async () => {
    expect(await cli('train', graph, '--out', dir)).toMatchObject({ code: 2, err: 'unet-studio: give the training data: either --data DIR or --samples membranes|nuclei' });
    expect((await cli('train', graph, '--samples', 'cats', '--out', dir)).err).toBe('unet-studio: --samples: expected membranes or nuclei, got "cats"');
    expect((await cli('train', graph, '--samples', 'membranes', '--loss', 'l2', '--out', dir)).err).toBe(
      'unet-studio: --loss: expected one of bce, ce, dice, bce+dice, weighted-ce, got "l2"',
    );
    expect((await cli('train', graph, '--samples', 'membranes', '--steps', '0', '--out', dir)).err).toBe('unet-studio: --steps: expected a positive integer, got "0"');
    expect((await cli('train', graph, '--data', path.join(dir, 'nowhere'), '--out', dir)).err).toMatch(/--data .*nowhere: no such folder$/);
  });

  it('trains on pairs from a folder, prints progress lines and writes weights that run --weights takes', async () => {
    const out = path.join(dir, 'weights');
    const r = await cli('train', graph, '--data', data, '--steps', '4', '--batch', '2', '--patch', '24', '--loss', 'weighted-ce', '--val-every', '2', '--log-every', '1', '--backend', 'cpu', '--out', out);
    expect(r.err).toMatch(/1 file\(s\) without a partner ignored \(images\/orphan\.png\)/);
    expect(r.code).toBe(0);
    expect(r.out).toContain('patches 24×24 → output 24×24, batch 2, weighted-ce, adam lr 0.001, seed 1');
    expect(r.out).toContain('data: 3 images (2 training, 1 validation image)');
    expect(r.out).toMatch(/step 2\/4 {2}loss \d+\.\d{4} {2}val Dice \d\.\d{3} IoU \d\.\d{3} {2}.* steps\/s\) {2}ETA/);
    expect(r.out).toMatch(/step 4\/4 .*\n.*trained 4 steps in/);
    expect(readdirSync(out).sort()).toEqual(['graph.json', 'model.json', 'weights.bin', 'weights.json']);
    const run = await cli('run', graph, '--image', path.join(data, 'images', 'tile0.png'), '--weights', out, '--backend', 'cpu', '--out', path.join(dir, 'out.png'));
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
  });
});
