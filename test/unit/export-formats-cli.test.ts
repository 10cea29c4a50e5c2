import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-helpers';
import { ROOT } from './compile-helpers';

let dir: string;
const GRAPH = path.join(ROOT, 'test/fixtures/cli/two-branch.json');


beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unet-export-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet-studio export --format pytorch|onnx', () => {
  it('writes model.py, weights.safetensors, train.py, README.md and graph.json', async () => {
    const r = await cli('export', GRAPH, '--format', 'pytorch', '--out', path.join(dir, 'torch'));
    expect(r.err).toContain('no --weights given');
    expect(r.code).toBe(0);
    expect((await readdir(path.join(dir, 'torch'))).sort()).toEqual(['README.md', 'graph.json', 'model.py', 'train.py', 'weights.safetensors']);
    expect(r.out).toContain(`wrote ${path.join(dir, 'torch', 'model.py')}`);
    // Not the builder's structure: one flat module named after the nodes.
    const code = await readFile(path.join(dir, 'torch', 'model.py'), 'utf8');
    expect(code).toMatch(/self\.stem = nn\.Conv2d/);
    expect(code).toMatch(/torch\.cat\(\[/);
  });

  it('writes model.onnx at opset 13 on request, which onnxruntime-web opens', async () => {
    const r = await cli('export', GRAPH, '--format', 'onnx', '--opset', '13', '--out', path.join(dir, 'onnx'));
    expect(r.code).toBe(0);
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(new Uint8Array(await readFile(path.join(dir, 'onnx', 'model.onnx'))));
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['output']);
    await session.release();
  });

  it('rejects an unknown format or opset in one line', async () => {
    expect(await cli('export', GRAPH, '--format', 'keras', '--out', dir)).toMatchObject({ code: 2, err: expect.stringContaining('expected tfjs, state-dict, pytorch or onnx') });
    expect(await cli('export', GRAPH, '--format', 'onnx', '--opset', '11', '--out', dir)).toMatchObject({ code: 2, err: expect.stringContaining('--opset: expected 17 or 13, got "11"') });
    expect(await cli('export', GRAPH, '--format', 'pytorch', '--opset', '13', '--out', dir)).toMatchObject({ code: 2, err: expect.stringContaining('--opset applies to --format onnx only') });
  });
});
