import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileGraph } from '../../src/compile';
import { importModel } from '../../src/compile/import';
import { lowerModel } from '../../src/compile/export/lowered';
import { localNodeNames } from '../../src/compile/export/python/documentBlocks';
import { torchModelSource } from '../../src/compile/export/python/model';
import type { PyTorchExport } from '../../src/compile/export/pytorch';
import { blockPosition } from '../../src/core/blocks';
import { isLevelGrouping } from '../../src/core/builder/levelBlocks';
import type { GraphBlock, GraphDoc } from '../../src/core/types';
import { useNodeBackend } from '../../src/runtime/nodeBackends';
import { rng } from '../../src/runtime/synthetic';
import { handGraph, ROOT, templateNames } from './compile-helpers';
import { PYTHON, randomizeWeights, reducedTemplate, requirePython, run, tolerance, writeTorchParityCase } from './export-helpers';

const block = (doc: GraphDoc, id: string, name: string, nodes: string[]): GraphBlock => ({ id, name, nodes, collapsed: false, position: blockPosition(doc, nodes) });

/**
 * A graph drawn by hand (ids that follow no convention) with blocks: three "MyBlock" instances (two alike but for
 * their widths, one with other kernels), a two-input "Merge" (decoder tensor, then skip), a "Fork" with two outputs
 * and a "Loop" that a path leaves and re-enters (l1 → l2 outside → l3).
 */
function blockGraph(grouped = true): GraphDoc {
  const same = { padding: 'same' } as const;
  const doc = handGraph(
    [
      ['image', 'input', { channels: 3, height: 16, width: 16 }],
      ['s_conv', 'conv2d', { filters: 4, ...same, activation: 'relu' }],
      ['s_bn', 'batchNorm'],
      ['s_conv2', 'conv2d', { filters: 4, ...same }],
      ['pool', 'maxPool2d'],
      ['d_conv', 'conv2d', { filters: 8, ...same, activation: 'relu' }],
      ['d_bn', 'batchNorm'],
      ['d_conv2', 'conv2d', { filters: 8, ...same }],
      ['o_conv', 'conv2d', { filters: 8, kernel: 1, activation: 'relu' }],
      ['o_bn', 'batchNorm'],
      ['o_conv2', 'conv2d', { filters: 8, kernel: 1 }],
      ['grow', 'upsample', { factor: 2 }],
      ['m_cat', 'concat'],
      ['m_conv', 'conv2d', { filters: 4, ...same, activation: 'relu' }],
      ['f_a', 'conv2d', { filters: 4, kernel: 1 }],
      ['f_b', 'conv2d', { filters: 4, ...same }],
      ['sum', 'add'],
      ['l1', 'conv2d', { filters: 4, ...same, activation: 'relu' }],
      ['l2', 'conv2d', { filters: 4, ...same }],
      ['l3', 'add'],
      ['head', 'conv2d', { filters: 2, kernel: 1 }],
      ['out', 'output'],
    ],
    [
      ['image', 's_conv'],
      ['s_conv', 's_bn'],
      ['s_bn', 's_conv2'],
      ['s_conv2', 'pool'],
      ['pool', 'd_conv'],
      ['d_conv', 'd_bn'],
      ['d_bn', 'd_conv2'],
      ['d_conv2', 'o_conv'],
      ['o_conv', 'o_bn'],
      ['o_bn', 'o_conv2'],
      ['o_conv2', 'grow'],
      // The skip on port 1, the decoder tensor on port 0: Merge's forward(x1, x2) reads them in that order.
      ['s_conv2', 'm_cat', 1],
      ['grow', 'm_cat', 0],
      ['m_cat', 'm_conv'],
      ['m_conv', 'f_a'],
      ['m_conv', 'f_b'],
      ['f_a', 'sum'],
      ['f_b', 'sum', 1],
      ['sum', 'l1'],
      ['l1', 'l2'],
      ['l1', 'l3'],
      ['l2', 'l3', 1],
      ['l3', 'head'],
      ['head', 'out'],
    ],
    'blocks by hand',
  );
  if (!grouped) return doc;
  return {
    ...doc,
    blocks: [
      block(doc, 'stem_block', 'MyBlock', ['s_conv', 's_bn', 's_conv2']),
      block(doc, 'deep', 'MyBlock', ['d_conv', 'd_bn', 'd_conv2']),
      block(doc, 'odd', 'MyBlock', ['o_conv', 'o_bn', 'o_conv2']),
      block(doc, 'merge', 'Merge', ['m_cat', 'm_conv']),
      block(doc, 'fork', 'Fork', ['f_a', 'f_b']),
      block(doc, 'loop', 'Loop', ['l1', 'l3']),
    ],
  };
}

/** A template whose Down blocks were renamed: no longer the builder's grouping, so the document's blocks are written. */
function renamedTemplate(): GraphDoc {
  const doc = reducedTemplate('milesial-transposed');
  return { ...doc, blocks: doc.blocks!.map((b) => (b.name === 'Down' ? { ...b, name: 'Encoder' } : b)) };
}

/**
 * A template grouped at random (seeded): runs of consecutive nodes, some with holes, named A, B or C — blocks with
 * several inputs and outputs, blocks a path re-enters, instances of one name that differ.
 */
function randomlyGrouped(template: string, seed: number): GraphDoc {
  const doc = reducedTemplate(template);
  const random = rng(seed);
  const ids = doc.nodes.map((n) => n.id);
  const blocks: GraphBlock[] = [];
  for (let i = 0; i < ids.length; ) {
    const len = 1 + Math.floor(random() * 6);
    const run = ids.slice(i, i + len);
    const nodes = random() < 0.2 ? run.filter(() => random() < 0.6) : run;
    if (nodes.length > 0 && random() < 0.7) blocks.push(block(doc, `g${blocks.length}`, 'ABC'[Math.floor(random() * 3)]!, nodes));
    i += len;
  }
  return { ...doc, blocks };
}
const RANDOM = ['paper-same', 'attention-unet', 'res-unet'].flatMap((t) => [1, 2, 3].map((seed) => ({ name: `${t}-random${seed}`, doc: () => randomlyGrouped(t, seed) })));

interface Exported {
  dir: string;
  exported: PyTorchExport;
  code: string;
  state: string[];
  parity?: { max_diff?: number; scale?: number; error?: string };
  modules?: { children: Record<string, string>; keys: string[] };
}

let tmp: string;
const results = new Map<string, Exported>();

/** Per folder: the model's direct children (attribute → class) and its state-dict keys, as PyTorch sees them. */
const INSPECT = `
import importlib.util, json, sys
for i, d in enumerate(sys.argv[1:]):
    spec = importlib.util.spec_from_file_location(f'm{i}', f'{d}/model.py')
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    net = m.UNet()
    print(json.dumps({'dir': d, 'children': {k: type(v).__name__ for k, v in net.named_children()}, 'keys': list(net.state_dict())}))
`;

beforeAll(async () => {
  requirePython(['torch', 'numpy']);
  await useNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unet-torch-blocks-'));
  const cases = [];
  // milesial's ModuleList U-Net through torch.onnx.export and our import: blocks Inc, Downs ×4, Convs ×4.
  const onnx = readFileSync(path.join(ROOT, 'test/fixtures/onnx/milesial-transposed-17.onnx'));
  const imported = (await importModel([{ name: 'milesial-transposed-17.onnx', bytes: onnx }])).doc;
  for (const [name, doc] of [
    ['hand', blockGraph()],
    ['renamed', renamedTemplate()],
    ['imported', imported],
    ...RANDOM.map((r): [string, GraphDoc] => [r.name, r.doc()]),
  ] as [string, GraphDoc][]) {
    const compiled = compileGraph(doc);
    try {
      randomizeWeights(compiled);
      const dir = path.join(tmp, name);
      const { exported, parityCase } = await writeTorchParityCase(compiled, dir);
      cases.push(parityCase);
      const source = torchModelSource(await lowerModel(compiled));
      results.set(name, { dir, exported, code: String(exported.files['model.py']), state: Object.keys(source.state) });
    } finally {
      compiled.model.dispose();
    }
  }
  await writeFile(path.join(tmp, 'cases.json'), JSON.stringify(cases));
  const env = { OMP_NUM_THREADS: '1' };
  const parity = await run(PYTHON, [path.join(ROOT, 'test/python/pytorch_parity.py'), path.join(tmp, 'cases.json')], { env });
  const inspected = await run(PYTHON, ['-c', INSPECT, ...cases.map((c) => c.dir)], { env });
  for (const r of results.values()) {
    r.parity = parity.trim().split('\n').map((l) => JSON.parse(l)).find((p) => p.dir === r.dir);
    r.modules = inspected.trim().split('\n').map((l) => JSON.parse(l)).find((p) => p.dir === r.dir);
  }
}, 300_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('PyTorch export of composite blocks', () => {
  it('a hand-drawn graph: each block name is a class, each block an attribute, called with its ports in order', () => {
    const { code, exported } = results.get('hand')!;
    expect(exported.blocks).toBe(true);
    // Instances alike but for their widths share one class (channel counts are constructor parameters); the one
    // with other kernels gets its own.
    expect(code).toMatch(/^class MyBlock\(nn\.Module\):/m);
    expect(code).toMatch(/^class MyBlock2\(nn\.Module\):/m);
    expect(code).toMatch(/^class Merge\(nn\.Module\):/m);
    expect(code).toMatch(/^class Fork\(nn\.Module\):/m);
    expect(code).toContain('self.stem = MyBlock(in_channels=3, mid_channels=4, out_channels=4)');
    expect(code).toContain('self.deep = MyBlock(in_channels=4, mid_channels=8, out_channels=8)');
    expect(code).toContain('self.odd = MyBlock2(in_channels=8, mid_channels=8, out_channels=8)');
    expect(code).toMatch(/class MyBlock\(nn\.Module\):[\s\S]*?self\.conv = nn\.Conv2d\(in_channels, mid_channels, kernel_size=3, padding=1\)/);
    // Merge reads (decoder tensor, skip) in port order, though the skip comes first in the graph.
    expect(code).toMatch(/def forward\(self, x1, x2\):\n\s+x1 = torch\.cat\(\[x1, x2\], dim=1\)/);
    expect(code).toContain('merge = self.merge(grow, stem)');
    // Fork returns both of its outputs, each width a parameter.
    expect(code).toContain('self.fork = Fork(in_channels=4, a_channels=4, b_channels=4)');
    expect(code).toContain('fork_a, fork_b = self.fork(merge)');
    expect(code).toMatch(/class Fork[\s\S]*?return a, x\n/);
    expect(code).not.toMatch(/class Loop/);
    expect(code).toMatch(/# block "loop" \(Loop\) written inline: a path leaves it and comes back \(through l2\)/);
    expect(exported.files['README.md']).toContain('Block "loop" (Loop) is written inline');
    expect(exported.files['README.md']).toContain("the graph's blocks as classes (`MyBlock`, `MyBlock2`, `Merge`, `Fork`)");
  });

  it('a hand-drawn graph: the weights load strictly into that module tree and give our output', () => {
    const r = results.get('hand')!;
    expect(r.parity?.error).toBeUndefined();
    expect(r.parity!.max_diff!).toBeLessThanOrEqual(tolerance(r.parity!.scale!));
    expect(r.parity!.scale!).toBeGreaterThan(0);
    expect(r.modules!.children).toMatchObject({ stem: 'MyBlock', deep: 'MyBlock', odd: 'MyBlock2', merge: 'Merge', fork: 'Fork', l1: 'Conv2d' });
    expect(r.modules!.keys).toEqual(r.state);
    for (const prefix of ['stem.conv.', 'stem.bn.', 'deep.conv2.', 'odd.conv.', 'merge.conv.', 'fork.a.', 'fork.b.'])
      expect(r.state.some((k) => k.startsWith(prefix)), prefix).toBe(true);
    expect(r.state.filter((k) => /^(s|d|o|m|f)_/.test(k))).toEqual([]);
  });

  it('a template whose blocks were edited is written with its own blocks, and still matches', () => {
    const r = results.get('renamed')!;
    expect(r.code).toMatch(/^class Encoder\(nn\.Module\):/m);
    expect(r.code).toMatch(/^class DoubleConv\(nn\.Module\):/m);
    expect(r.code).toMatch(/^class Up\(nn\.Module\):/m);
    expect(r.code).not.toMatch(/^class Down\(/m);
    expect(r.modules!.children).toMatchObject({ enc0: 'DoubleConv', down0: 'Encoder', down3: 'Encoder', up0: 'Up', head: 'Conv2d' });
    expect(r.parity?.error).toBeUndefined();
    expect(r.parity!.max_diff!).toBeLessThanOrEqual(tolerance(r.parity!.scale!));
    expect(r.modules!.keys).toEqual(r.state);
  });

  it('a model imported from ONNX is written with the blocks the import found (its top-level modules)', () => {
    const r = results.get('imported')!;
    for (const c of ['Inc', 'Downs', 'Convs']) expect(r.code).toMatch(new RegExp(`^class ${c}\\(nn\\.Module\\):`, 'm'));
    expect(r.code).toContain('self.f_0 = nn.Conv2d(in_channels, mid_channels');
    expect(r.modules!.children).toMatchObject({ inc: 'Inc', downs_0: 'Downs', downs_3: 'Downs', convs_0: 'Convs', outc: 'Conv2d' });
    expect(r.state.filter((k) => k.startsWith('downs_0.f_0.'))).toEqual(['downs_0.f_0.weight']);
    expect(r.parity?.error).toBeUndefined();
    expect(r.parity!.max_diff!).toBeLessThanOrEqual(tolerance(r.parity!.scale!));
    expect(r.modules!.keys).toEqual(r.state);
  });

  it('templates grouped at random: every block a class or written inline, weights load strictly, outputs match', () => {
    let tuples = 0;
    let inlined = 0;
    for (const { name } of RANDOM) {
      const r = results.get(name)!;
      expect(r.exported.structure, name).toBe('document');
      expect(r.parity?.error, name).toBeUndefined();
      expect(r.parity!.max_diff!, name).toBeLessThanOrEqual(tolerance(r.parity!.scale!));
      expect(r.modules!.keys, name).toEqual(r.state);
      tuples += (r.code.match(/^\s+\w+(, \w+)+ = self\.g\d+\(/gm) ?? []).length;
      inlined += r.exported.notes.length;
    }
    // The seeds reach the cases that need care.
    expect(tuples).toBeGreaterThan(0);
    expect(inlined).toBeGreaterThan(0);
  });

  it("every template's own grouping gives the model.py it gave before blocks existed (DoubleConv / Down / Up)", async () => {
    for (const name of templateNames()) {
      const doc = reducedTemplate(name);
      expect(doc.blocks?.length, name).toBeGreaterThan(0);
      const { blocks: _, ...ungrouped } = doc;
      const sources = [];
      for (const d of [doc, ungrouped]) {
        const compiled = compileGraph(d);
        sources.push(torchModelSource(await lowerModel(compiled)));
        compiled.model.dispose();
      }
      expect(sources[0]!.structure, name).toBe('levels');
      expect(sources[0]!.code, name).toBe(sources[1]!.code);
      expect(Object.keys(sources[0]!.state), name).toEqual(Object.keys(sources[1]!.state));
    }
  }, 120_000);

  it('a graph without blocks stays one flat module', async () => {
    const compiled = compileGraph(blockGraph(false));
    const source = torchModelSource(await lowerModel(compiled));
    compiled.model.dispose();
    expect(source.structure).toBe('flat');
    expect(source.code.match(/^class \w+/gm)).toEqual(['class UNet']);
    expect(Object.keys(source.state)).toContain('s_conv.weight');
  });

  it("tells a template's own grouping from edited blocks", () => {
    const doc = reducedTemplate('paper-572');
    const blocks = doc.blocks!;
    expect(isLevelGrouping(doc)).toBe(true);
    expect(isLevelGrouping({ ...doc, blocks: blocks.map((b) => ({ ...b, collapsed: true, position: { x: 1, y: 2 } })) })).toBe(true);
    expect(isLevelGrouping({ ...doc, blocks: [...blocks].reverse() })).toBe(true);
    expect(isLevelGrouping({ ...doc, blocks: blocks.slice(1) })).toBe(false);
    expect(isLevelGrouping({ ...doc, blocks: blocks.map((b, i) => (i === 1 ? { ...b, name: 'Encoder' } : b)) })).toBe(false);
    expect(isLevelGrouping({ ...doc, blocks: blocks.map((b, i) => (i === 1 ? { ...b, nodes: b.nodes.slice(1) } : b)) })).toBe(false);
    expect(isLevelGrouping({ ...doc, blocks: undefined })).toBe(false);
  });

  it('names members alike in every instance', () => {
    expect(localNodeNames(['b1_conv', 'b1_relu'])).toEqual(['conv', 'relu']);
    expect(localNodeNames(['down0', 'enc1_conv1', 'enc1_conv2'])).toEqual(['down', 'enc_conv1', 'enc_conv2']);
    expect(localNodeNames(['conv2d_3', 'relu_4'])).toEqual(['conv2d', 'relu']);
    expect(localNodeNames(['conv1', 'conv2'])).toEqual(['conv1', 'conv2']);
    expect(localNodeNames(['x_1', 'x_2'])).toEqual(['x_1', 'x_2']);
    expect(localNodeNames(['inc.f.0', 'inc.f.1'])).toEqual(['f.0', 'f.1']);
  });
});
