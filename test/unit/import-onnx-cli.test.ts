import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { importModel, ImportError, readOnnx } from '../../src/compile/import';

const root = fileURLToPath(new URL('../../', import.meta.url));
const onnx = (name: string) => `test/fixtures/onnx/${name}.onnx`;

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/unet-studio.js', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('ONNX models that cannot be opened', () => {
  it('lists every unsupported op type with its node names and counts, and what the rest would need', () => {
    let error: unknown;
    try {
      readOnnx(readFileSync(join(root, onnx('unsupported'))));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ImportError);
    const e = error as ImportError;
    expect(e.unsupported).toEqual([
      { opType: 'Conv', nodes: ['/grouped/Conv'], reason: 'group=2 (grouped / depthwise convolution)' },
      { opType: 'GlobalAveragePool', nodes: ['/GlobalAveragePool'] },
      { opType: 'Flatten', nodes: ['/Flatten'] },
      { opType: 'Gemm', nodes: ['/fc1/Gemm', '/fc2/Gemm'] },
    ]);
    expect(e.message).toContain('Gemm ×2: /fc1/Gemm, /fc2/Gemm');
    expect(e.summary[0]).toMatch(/^9 ONNX nodes \(opset 13\): 2 mapped to UNet Studio ops, 0 folded as constants, 5 unsupported/);
  });

  it('rejects a file that is not ONNX with one line', () => {
    expect(() => readOnnx(new TextEncoder().encode('{"format": "unet-studio/graph"}'))).toThrow(/not an ONNX model/);
  });
});

describe('imported graphs are laid out', () => {
  it('as a U when the levels can be read (milesial: encoder left, decoder right, skips across)', async () => {
    const { doc, arrangement } = await importModel([{ name: 'm.onnx', bytes: readFileSync(join(root, onnx('milesial-transposed-17'))) }], { inputSize: { h: 64, w: 64 } });
    expect(arrangement).toBe('U');
    const at = (id: string) => doc.nodes.find((n) => n.id === id)!.position;
    // level-0 encoder conv left of its decoder conv, bottleneck below both
    expect(at('inc.f.0').x).toBeLessThan(at('convs.3.f.0').x);
    expect(at('downs.3.f.0').y).toBeGreaterThan(at('inc.f.0').y);
    expect(new Set(doc.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(doc.nodes.length);
  });

  it('layered (ELK) otherwise, with no two nodes on one spot', async () => {
    const bytes = readFileSync(join(root, onnx('slim-3X')));
    const { doc } = await importModel([{ name: 's.onnx', bytes }]);
    expect(new Set(doc.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(doc.nodes.length);
    expect(analyzeGraph(doc).errorCount).toBe(0);
  });
});

describe('unet-studio commands take .onnx', () => {
  it('summary at --input folds the size arithmetic at that size', async () => {
    const r = await cli('summary', onnx('paper'), '--input', '1x204x204');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^paper — input 1×204×204/);
    expect(r.stdout).toMatch(/Trainable params:\s+121,658/);
  });

  it('validate warns about the dynamic size it chose', async () => {
    const r = await cli('validate', onnx('milesial-transposed-17'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dynamic size height×width: opened at 256×256/);
    expect(r.stdout).toMatch(/valid \(\d+ nodes, \d+ edges, input 3×256×256 → output 2×256×256\)/);
  });

  it('validate of an unsupported model exits 2 listing the ops', async () => {
    const r = await cli('validate', onnx('unsupported'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot open this model/);
    expect(r.stderr).toMatch(/Gemm ×2: \/fc1\/Gemm, \/fc2\/Gemm/);
  });

  it('export writes the imported graph with its own weights (no --weights needed)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'onnx-export-'));
    const r = await cli('export', onnx('keras-get_unet'), '--format', 'state-dict', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/121,653 parameters/);
    const weights = JSON.parse(readFileSync(join(out, 'weights.json'), 'utf8'));
    expect(weights['enc.0.f.0'].weight.shape).toEqual([4, 1, 3, 3]);
  });
});
