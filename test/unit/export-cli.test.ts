import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, encodePng } from '../../src/runtime/imageFiles';
import { decodeNpy } from '../../src/runtime/npy';
import { cli } from './cli-helpers';
import { membranes } from '../../scripts/make-samples';
import { handGraph, ROOT } from './compile-helpers';

let dir: string;
const at = (name: string) => path.join(dir, name);
const KERAS = path.join(ROOT, 'templates/keras-get_unet.json');


beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unet-cli-'));
  // A generated membrane image at another size than the model's 96×96 input, so the resize runs.
  await writeFile(at('cells.png'), encodePng(membranes(80, 5).image));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet-studio run', () => {
  it('runs keras-get_unet on a PNG: mask PNG and .npy of the model’s output size', async () => {
    const r = await cli('run', KERAS, '--image', at('cells.png'), '--out', at('mask.png'), '--npy', at('out.npy'), '--backend', 'wasm');
    expect(r.err).toContain('no --weights given');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cells\.png 80×80 → input 1×96×96 → output 1×96×96 \(probability\) in \d+ ms/);
    const mask = decodeImage(new Uint8Array(await readFile(at('mask.png'))));
    expect([mask.width, mask.height]).toEqual([96, 96]);
    const npy = decodeNpy(new Uint8Array(await readFile(at('out.npy'))));
    expect(npy.shape).toEqual([1, 1, 96, 96]);
    // A sigmoid head: probabilities, and the PNG shows them as gray levels.
    expect(npy.data.every((v) => v > 0 && v < 1)).toBe(true);
    expect(mask.data[0]).toBe(Math.round(npy.data[0]! * 255));
  });

  it('gives the same output with exported weights, whether tfjs folder or PyTorch-layout JSON', async () => {
    expect((await cli('export', KERAS, '--format', 'tfjs', '--out', at('tfjs'))).code).toBe(0);
    const sd = await cli('export', KERAS, '--format', 'state-dict', '--out', at('sd'), '--weights', at('tfjs'));
    expect(sd.code).toBe(0);
    expect(sd.out).toContain(`wrote ${at('sd/weights.json')}`);
    expect((await cli('run', KERAS, '--image', at('cells.png'), '--weights', at('tfjs'), '--npy', at('a.npy'))).code).toBe(0);
    expect((await cli('run', KERAS, '--image', at('cells.png'), '--weights', at('sd/weights.json'), '--npy', at('b.npy'))).code).toBe(0);
    const a = decodeNpy(new Uint8Array(await readFile(at('a.npy'))));
    const b = decodeNpy(new Uint8Array(await readFile(at('b.npy'))));
    expect(b.data).toEqual(a.data);
  });

  it('explains bad input in one line with exit code 2, and a graph with errors with exit code 1', async () => {
    let r = await cli('run', KERAS, '--out', at('x.png'));
    expect([r.code, r.err]).toEqual([2, expect.stringContaining('missing --image FILE')]);
    await writeFile(at('not-an-image.png'), 'hello');
    r = await cli('run', KERAS, '--image', at('not-an-image.png'), '--out', at('x.png'));
    expect([r.code, r.err]).toEqual([2, `unet-studio: ${at('not-an-image.png')}: not a PNG or JPEG file`]);
    r = await cli('run', KERAS, '--image', at('cells.png'));
    expect([r.code, r.err]).toEqual([2, 'unet-studio: nothing to write: give --out OUT.png and/or --npy OUT.npy']);
    r = await cli('run', path.join(ROOT, 'templates/slim-1X.json'), '--image', at('cells.png'), '--out', at('x.png'), '--weights', at('sd/weights.json'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('the weights do not fit the model');
    expect(r.err).toContain('enc0_conv1.weight: expected OIHW [32, 3, 3, 3], got [32, 1, 3, 3]');

    const broken = handGraph(
      [['input', 'input', { channels: 1, height: 7, width: 7 }], ['pool', 'maxPool2d'], ['cat', 'concat'], ['output', 'output']],
      [['input', 'pool'], ['input', 'cat', 0], ['pool', 'cat', 1], ['cat', 'output']],
    );
    await writeFile(at('broken.json'), JSON.stringify(broken));
    r = await cli('run', at('broken.json'), '--image', at('cells.png'), '--out', at('x.png'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('the graph has 1 error');
    expect(r.err).toContain('cat: concat: input 0 is 7×7, input 1 is 3×3');
  });

  it('works from the real command line (bin/unet-studio.js)', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'bin/unet-studio.js'), 'run', KERAS, '--image', at('cells.png'), '--weights', at('tfjs'), '--out', at('bin.png')],
      { cwd: ROOT },
    );
    expect(stdout).toContain(`wrote ${at('bin.png')}`);
  });
});

describe('unet-studio export', () => {
  it('requires a format and a folder', async () => {
    expect((await cli('export', KERAS, '--out', at('e'))).err).toBe('unet-studio: --format: expected tfjs, state-dict, pytorch or onnx, got nothing');
    expect((await cli('export', KERAS, '--format', 'tfjs')).err).toContain('missing --out DIR');
  });
});
