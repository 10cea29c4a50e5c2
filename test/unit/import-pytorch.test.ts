import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { buildUNet, getVariant } from '../../src/core/builder';
import { compileGraph } from '../../src/compile/compile';
import { expectedWeights, mapPytorchWeights, mapStateDict, readPytorchWeights } from '../../src/compile/import/pytorch';
import { tensorFromJson } from '../../src/compile/stateDict';
import { loadWeights } from '../../src/compile/weights';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { nchwToNhwc, nhwcToNchw, predict } from '../../src/runtime/predict';
import { maxAbsDiff, ROOT } from './compile-helpers';

// State dicts are written by PyTorch itself (torch.save) when the tests run: npm test installs python3-torch.
const PYTHON = '/usr/bin/python3';
let dir = '';

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's python3-torch (npm test does, as root)`);
  dir = mkdtempSync(path.join(tmpdir(), 'state-dicts-'));
  execFileSync(PYTHON, [path.join(ROOT, 'scripts/torch/make_state_dicts.py'), '--out', dir], { stdio: 'pipe' });
  await useNodeBackend('wasm');
}, 120_000);

interface Case {
  template: string;
  builder: { base: number; inputSize: { h: number; w: number } };
  input: unknown;
  params: number;
  files: Record<string, { file: string; output: unknown }>;
}
const readCase = (name: string): Case => JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));

const CASES: [string, string][] = [
  ['milesial', 'float32'],
  ['milesial', 'float16'],
  ['milesial', 'bfloat16'],
  ['milesial', 'views'],
  ['milesial', 'safetensors'],
  ['leejunhyun', 'float32'],
  ['seed001', 'float32'],
  ['seed004-crop', 'float32'],
  ['seed004-pad', 'float32'],
  ['seed004-same', 'float32'],
];

describe('PyTorch state dicts (torch.save from the seeds\' own module names) load into the matching template', () => {
  for (const [name, kind] of CASES) {
    it(`${name} (${kind}) maps by forward order and shape and reproduces PyTorch's output`, async () => {
      const c = readCase(name);
      const doc = buildUNet({ ...getVariant(c.template)!.options, ...c.builder });
      expect(analyzeGraph(doc).totals.params.trainable).toBe(c.params);
      const file = c.files[kind]!;
      const compiled = compileGraph(doc);
      try {
        const mapping = mapPytorchWeights(file.file, readFileSync(path.join(dir, file.file)), compiled);
        expect(mapping.problems).toEqual([]);
        expect(mapping.by).toBe('order');
        expect(mapping.rows.filter((r) => r.status === 'unused')).toEqual([]);
        // every BatchNorm's num_batches_tracked is listed as ignored, everything else placed
        expect(mapping.rows.filter((r) => r.status === 'ignored').every((r) => r.key.endsWith('num_batches_tracked'))).toBe(true);
        expect(loadWeights(compiled, mapping.dict, { strict: true }).unused).toEqual([]);
        const input = tensorFromJson(c.input, 'input');
        const want = tensorFromJson(file.output, 'output');
        const [out] = await predict(compiled.model, nchwToNhwc(input));
        const got = nhwcToNchw(out!);
        expect(got.shape).toEqual(want.shape);
        const scale = Math.max(...Array.from(want.data, Math.abs));
        expect(maxAbsDiff(got.data, want.data)).toBeLessThanOrEqual(1e-4 * scale);
      } finally {
        compiled.model.dispose();
      }
    });
  }

  it('the milesial keys pair with our node ids in forward order (the mapping table)', () => {
    const c = readCase('milesial');
    const compiled = compileGraph(buildUNet({ ...getVariant(c.template)!.options, ...c.builder }));
    try {
      const rows = mapPytorchWeights('m.pth', readFileSync(path.join(dir, 'milesial.pth')), compiled).rows;
      const to = (key: string) => rows.find((r) => r.key === key);
      expect(to('inc.double_conv.0.weight')).toMatchObject({ nodeId: 'enc0_conv1', param: 'weight', status: 'order', shape: [4, 3, 3, 3] });
      expect(to('down1.maxpool_conv.1.double_conv.1.running_var')).toMatchObject({ nodeId: 'enc1_bn1', param: 'running_var' });
      expect(to('up1.up.weight')).toMatchObject({ nodeId: 'up3', param: 'weight' });
      expect(to('outc.conv.bias')).toMatchObject({ nodeId: 'head', param: 'bias' });
      expect(to('inc.double_conv.1.num_batches_tracked')).toMatchObject({ status: 'ignored' });
    } finally {
      compiled.model.dispose();
    }
  });

  it('says what cannot be placed: weights for another network', () => {
    const c = readCase('leejunhyun');
    const compiled = compileGraph(buildUNet({ ...getVariant('milesial-transposed')!.options, ...c.builder }));
    try {
      const mapping = mapPytorchWeights('u.pth', readFileSync(path.join(dir, 'leejunhyun.pth')), compiled);
      expect(mapping.problems.length).toBeGreaterThan(0);
      expect(mapping.problems[0]).toMatch(/^enc0_conv1\.weight \[4, 3, 3, 3\]: nothing in the file fits/);
      expect(mapping.rows.some((r) => r.status === 'unused')).toBe(true);
    } finally {
      compiled.model.dispose();
    }
  });

  it('matches by name where the names are ours (a state dict exported by UNet Studio)', () => {
    const c = readCase('milesial');
    const doc = buildUNet({ ...getVariant(c.template)!.options, ...c.builder });
    const first = compileGraph(doc);
    const second = compileGraph(doc);
    try {
      const mapping = mapPytorchWeights('m.pth', readFileSync(path.join(dir, 'milesial.pth')), first);
      loadWeights(first, mapping.dict);
      // Re-key the flat dict as node.param, the names an export of ours carries.
      const flat = { tensors: new Map(Object.entries(mapping.dict).flatMap(([n, ps]) => Object.entries(ps).map(([p, t]) => [`${n}.${p}`, t] as const))), skipped: [] };
      const byName = mapStateDict(flat, expectedWeights(second));
      expect(byName.by).toBe('name');
      expect(byName.rows.every((r) => r.status === 'name')).toBe(true);
    } finally {
      first.model.dispose();
      second.model.dispose();
    }
  });

  it('rejects files that are not state dicts with one clear line', () => {
    expect(() => readPytorchWeights('x.pth', new TextEncoder().encode('hello'))).toThrow(/^x\.pth: not a PyTorch \.pth\/\.pt file/);
    expect(() => readPytorchWeights('x.safetensors', new Uint8Array(4))).toThrow(/^x\.safetensors: too short/);
    expect(() => readPytorchWeights('legacy.pt', new Uint8Array([0x80, 0x02, 0x8a]))).toThrow(/legacy torch\.save file/);
  });
});
