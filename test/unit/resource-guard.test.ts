/**
 * Resource bombs (issue 11): runs and exports whose estimate exceeds the memory limit are refused before
 * anything is allocated, with how much they need, and a smaller input (to tile at) where that helps.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { aSize, bytes, checkMemory, limitOn, parseByteSize, WASM_HEAP_BYTES } from '../../src/runtime/memoryGuard';
import { encodePng } from '../../src/runtime/imageFiles';
import { membranes } from '../../scripts/make-samples';
import { cli, giantConv as makeGiantConv, hugeInput as makeHugeInput } from './cli-helpers';
import { handGraph } from './compile-helpers';

let dir: string;
const at = (name: string) => path.join(dir, name);


const giantConv = makeGiantConv();
const hugeInput = makeHugeInput();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unet-guard-'));
  await writeFile(at('cells.png'), encodePng(membranes(64, 3).image));
  await writeFile(at('giant.json'), JSON.stringify(giantConv));
  await writeFile(at('huge.json'), JSON.stringify(hugeInput));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkMemory', () => {
  it('refuses the 2.6e11-parameter conv: the weights alone do not fit', () => {
    const v = checkMemory(giantConv, analyzeGraph(giantConv), { bytes: 64 * 2 ** 30, source: 'test' }, { weightCopies: 2, forward: true });
    expect(v.ok).toBe(false);
    expect(!v.ok && v.message).toMatch(/^needs about 1\.88 TiB at input 4096×8×8 \(weights 1\.88 TiB, activations .*\), over the 64\.0 GiB limit \(test\): the 2\.58e11 parameters alone do not fit/);
  });

  it('refuses the 1×16384² input and offers a smaller valid input that fits (to tile with)', () => {
    const limit = { bytes: 2 ** 30, source: 'test' };
    const v = checkMemory(hugeInput, analyzeGraph(hugeInput), limit, { weightCopies: 2, forward: true });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.need.activationBytes).toBeGreaterThan(64 * 2 ** 30);
    expect(v.smallerInput).toBeDefined();
    const { h, w } = v.smallerInput!;
    expect(v.message).toMatch(new RegExp(`an? ${h}×${w} input fits: set the input node to it and tile the image`));
    const smaller = checkMemory(hugeInput, analyzeGraph(hugeInput, { input: { h, w } }), limit, { weightCopies: 2, forward: true });
    expect(smaller.ok).toBe(true);
    // Per pixel: 67 channels live at the peak, and a layer's temporaries (twice the 64-channel conv).
    expect(h * w).toBeGreaterThan(0.5 * (limit.bytes / (4 * (67 + 2 * 64))));
  });

  it('passes what fits, caps the limit at the wasm heap, and reads sizes', () => {
    const small = handGraph([['input', 'input', { height: 64, width: 64 }], ['output', 'output']], [['input', 'output']]);
    expect(checkMemory(small, analyzeGraph(small), { bytes: 2 ** 20, source: 'test' }, { weightCopies: 2, forward: true }).ok).toBe(true);
    expect(limitOn('wasm', { bytes: 2 ** 40, source: 'x' }).bytes).toBe(WASM_HEAP_BYTES);
    expect(limitOn('cpu', { bytes: 2 ** 40, source: 'x' }).bytes).toBe(2 ** 40);
    expect([parseByteSize('8G'), parseByteSize('512m'), parseByteSize('1.5GiB'), parseByteSize('100'), parseByteSize('lots')]).toEqual([
      8 * 2 ** 30,
      512 * 2 ** 20,
      1.5 * 2 ** 30,
      100,
      undefined,
    ]);
    expect(bytes(1.5 * 2 ** 30)).toBe('1.50 GiB');
  });
});

describe('the CLI refuses before allocating', () => {
  it('run and export of the 2.6e11-parameter conv: a clear error, exit 1, no "Invalid typed array length"', async () => {
    const run = await cli('run', at('giant.json'), '--image', at('cells.png'), '--out', at('x.png'));
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/giant\.json: refused: needs about 1\.88 TiB .*over the .* limit .*: the 2\.58e11 parameters alone do not fit/);
    const exported = await cli('export', at('giant.json'), '--format', 'tfjs', '--out', at('giant'), '--max-memory', '16G');
    expect(exported.code).toBe(1);
    // export compiles on wasm (auto): its 4 GiB heap is below the 16G asked for.
    expect(exported.err).toMatch(/refused: needs about 1\.88 TiB \(weights 1\.88 TiB\), over the 4\.00 GiB limit \(the wasm backend’s 4 GiB heap\)/);
  });

  it('run of a 1×16384² input: names the need and a smaller input, not "memory access out of bounds"', async () => {
    const r = await cli('run', at('huge.json'), '--image', at('cells.png'), '--out', at('x.png'), '--max-memory', '1G', '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/huge\.json: refused: needs about [\d.]+ GiB at input 1×16384×16384 \(weights .*, activations .*, image .*\), over the 1\.00 GiB limit \(--max-memory\); an? \d+×\d+ input fits/);
    // On wasm the 4 GiB heap caps even a generous limit.
    const wasm = await cli('run', at('huge.json'), '--image', at('cells.png'), '--out', at('x.png'), '--max-memory', '1T', '--backend', 'wasm');
    expect(wasm.err).toContain('over the 4.00 GiB limit (the wasm backend’s 4 GiB heap)');
    const bad = await cli('run', at('huge.json'), '--image', at('cells.png'), '--out', at('x.png'), '--max-memory', 'plenty');
    expect([bad.code, bad.err]).toEqual([2, 'unet-studio: --max-memory: expected a size such as 8G, 512M or 2.5GiB, got "plenty"']);
  });

  it('train: weights, gradients and Adam state of the giant conv; a batch of big patches offers a smaller patch or batch', async () => {
    const giant = await cli('train', at('giant.json'), '--samples', 'membranes', '--out', at('trained'), '--steps', '1');
    expect(giant.code).toBe(1);
    expect(giant.err).toMatch(/giant\.json: refused: needs about 4\.69 TiB to train at patch 4096×8×8, batch 4 \(weights 1\.88 TiB, gradients 961 GiB, Adam state 1\.88 TiB, activations .*\), over the .* limit .*: the 2\.58e11 parameters with their gradients and Adam state alone do not fit/);
    const wide = await cli('train', at('huge.json'), '--samples', 'membranes', '--out', at('trained'), '--patch', '512', '--batch', '16', '--optimizer', 'sgd', '--max-memory', '1G', '--backend', 'cpu');
    expect(wide.code).toBe(1);
    expect(wide.err).toMatch(/huge\.json: refused: needs about .* to train at patch 1×512×512, batch 16 \(weights .*, gradients .*, momentum state .*, activations .*\), over the 1\.00 GiB limit \(--max-memory\); an? \d+×\d+ patch fits at batch 16: set the patch size to it .*; or batch \d+ fits at this patch; or raise the limit/);
  });
});

describe('wording', () => {
  it('reads offered sizes with the right article', () => {
    const said = [[572, 572], [8, 8], [800, 600], [11, 11], [18, 18], [110, 110], [11_000, 11_000], [1_100, 1_100], [84, 84]].map(([h, w]) => aSize({ h: h!, w: w! }));
    expect(said).toEqual(['a 572×572', 'an 8×8', 'an 800×600', 'an 11×11', 'an 18×18', 'a 110×110', 'an 11000×11000', 'a 1100×1100', 'an 84×84']);
  });
});
