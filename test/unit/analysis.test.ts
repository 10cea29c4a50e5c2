import { buildUNet } from '../../src/core/builder';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { applyFix } from '../../src/core/fixes';
import type { GraphDoc } from '../../src/core/types';

const load = (path: string): GraphDoc => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as GraphDoc;
const reference = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8'))['paper-572'] as {
  params: number;
  gmac: number;
  convs: [string, [number, number, number], number][];
};
const paper = load('templates/paper-572.json');
const twoBranch = load('test/fixtures/cli/two-branch.json');
const twoBranchOdd = load('test/fixtures/cli/two-branch-odd.json');
const bytes = (c: number, h: number, w: number) => c * h * w * 4;

describe('analyzeGraph on the paper U-Net', () => {
  const a = analyzeGraph(paper);

  it('matches the PyTorch reference: params, mult-adds and every conv output', () => {
    expect(a.totals.params).toEqual({ trainable: reference.params, nonTrainable: 0, total: 31_030_658 });
    expect(a.totals.macs / 1e9).toBeCloseTo(reference.gmac, 2);
    const convs = a.rows.filter((r) => r.op === 'conv2d' || r.op === 'conv2dTranspose');
    expect(convs.map((r) => [r.output?.c, r.output?.h, r.output?.w])).toEqual(reference.convs.map(([, shape]) => shape));
    expect(convs.map((r) => r.params.total)).toEqual(reference.convs.map(([, , params]) => params));
    expect(a.errorCount + a.warningCount).toBe(0);
  });

  it('lists rows in execution order with op summaries and the input first', () => {
    const ids = a.rows.map((r) => r.id);
    expect(ids[0]).toBe('input');
    expect(ids.at(-1)).toBe('output');
    for (const [before, after] of [['enc0_conv2', 'down0'], ['up3', 'crop3'], ['crop3', 'cat3'], ['cat3', 'dec3_conv1']])
      expect(ids.indexOf(before!)).toBeLessThan(ids.indexOf(after!));
    const first = a.rows.find((r) => r.id === 'enc0_conv1')!;
    expect(first).toMatchObject({ op: 'conv2d', label: 'Conv 2D', macs: 64 * 570 * 570 * 9, bytes: bytes(64, 570, 570) });
    expect(first.summary).toContain('3×3 conv');
  });

  it('tracks receptive field and cumulative stride down and back up', () => {
    const row = (id: string) => a.rows.find((r) => r.id === id)!;
    expect([row('enc0_conv1').receptiveField, row('enc0_conv1').jump]).toEqual([3, 1]);
    expect([row('down0').receptiveField, row('down0').jump]).toEqual([6, 2]);
    // 1 + 2+2 +1, ×2 per level: the classic 140-pixel bottleneck field.
    expect([row('enc4_conv2').receptiveField, row('enc4_conv2').jump]).toEqual([140, 16]);
    expect(row('up3').jump).toBe(8);
  });

  it('sums activation memory and estimates the peak of one inference', () => {
    expect(a.totals.activationBytes).toBe(a.rows.reduce((n, r) => n + r.bytes, 0));
    // The peak is at cat3: four encoder skips still waiting, plus up3, its cropped skip and the concat itself.
    const atCat3 =
      bytes(64, 568, 568) + bytes(128, 280, 280) + bytes(256, 136, 136) + bytes(512, 56, 56) * 2 + bytes(1024, 56, 56);
    expect(a.totals.peakBytes).toBe(atCat3);
    expect(a.totals.paramBytes).toBe(31_030_658 * 4);
  });

  it('traces the main path 572→…→388', () => {
    const trace = a.mainPath.map((p) => p.output?.h);
    expect(trace[0]).toBe(572);
    expect(trace.at(-1)).toBe(388);
    const collapsed = trace.filter((h, i) => h !== trace[i - 1]);
    expect(collapsed).toEqual([572, 570, 568, 284, 282, 280, 140, 138, 136, 68, 66, 64, 32, 30, 28, 56, 54, 52, 104, 102, 100, 200, 198, 196, 392, 390, 388]);
  });
});

describe('input-size suggestions', () => {
  it('at 570 warns on the input with the nearest valid sizes, and offers 572 on every size problem', () => {
    const a = analyzeGraph(paper, { input: { h: 570, w: 570 } });
    const inputWarning = a.diagnostics.find((d) => d.code === 'input-size')!;
    expect(inputWarning).toMatchObject({ severity: 'warning', nodeId: 'input' });
    expect(inputWarning.message).toBe('input 570×570: 3 layers see an odd size or mismatch — nearest valid sizes: 572, 556');
    expect(inputWarning.fixes!.map((f) => f.label)).toEqual(['Set input to 572×572', 'Set input to 556×556']);
    const oddPools = a.diagnostics.filter((d) => d.code === 'odd-pool');
    expect(oddPools.map((d) => d.nodeId)).toEqual(['down1', 'down2', 'down3']);
    for (const d of oddPools) expect(d.fixes!.at(-1)!.label).toBe('Set input to 572×572');
  });

  it('the offered fix really clears every problem', () => {
    const at570 = applyFix(paper, { label: '', actions: [{ kind: 'setParams', nodeId: 'input', params: { height: 570, width: 570 } }] });
    const a = analyzeGraph(at570);
    const fix = a.diagnostics.find((d) => d.code === 'input-size')!.fixes![0]!;
    const fixed = analyzeGraph(applyFix(at570, fix));
    expect(fixed.diagnostics).toEqual([]);
    expect(fixed.input!.shape).toEqual({ c: 1, h: 572, w: 572 });
  });

  it('sorts errors before warnings, each in execution order', () => {
    const a = analyzeGraph(twoBranchOdd);
    expect(a.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['error', 'concat-mismatch'],
      ['warning', 'input-size'],
    ]);
    expect(a.diagnostics[0]!.fixes!.map((f) => f.label)).toContain('Set input to 16×16');
    expect(a.diagnostics[1]!.message).toBe('input 15×15: 1 layer sees an odd size or mismatch — nearest valid sizes: 16, 14');
    expect(a.errorCount).toBe(1);
    expect(a.warningCount).toBe(1);
  });

  it('does not search when told not to, or when other errors block every size', () => {
    expect(analyzeGraph(twoBranchOdd, { solve: false }).diagnostics.map((d) => d.code)).toEqual(['concat-mismatch']);
    const broken: GraphDoc = { ...twoBranchOdd, nodes: [...twoBranchOdd.nodes, { id: 'stray', op: 'mystery', params: {}, position: { x: 0, y: 0 } }] };
    expect(analyzeGraph(broken).diagnostics.map((d) => d.code)).not.toContain('input-size');
  });

  it('does not blame the input for a mismatch no input size can fix (a missing crop)', () => {
    const paper = buildUNet({});
    const noCrop: GraphDoc = {
      ...paper,
      nodes: paper.nodes.filter((n) => n.id !== 'crop0'),
      edges: [
        ...paper.edges.filter((e) => e.source !== 'crop0' && e.target !== 'crop0'),
        { id: 'skip', source: 'enc0_conv2', target: 'cat0', targetPort: 0 },
      ],
    };
    const a = analyzeGraph(noCrop);
    expect(a.diagnostics.map((d) => d.code)).toEqual(['concat-mismatch']);
    expect(a.diagnostics[0]!.fixes!.map((f) => f.label)).not.toContain('Set input to 572×572');
  });
});

describe('memory accounting', () => {
  it('frees each tensor after its last consumer (hand-computed on the two-branch graph)', () => {
    const a = analyzeGraph(twoBranch);
    // stem (8×16×16) is live while both branches run: stem + left + right.
    expect(a.totals.peakBytes).toBe(bytes(8, 16, 16) + bytes(4, 8, 8) * 2);
    expect(a.totals.activationBytes).toBe(bytes(1, 16, 16) + bytes(8, 16, 16) + 2 * bytes(4, 8, 8) + bytes(8, 8, 8) + bytes(2, 8, 8));
  });

  it('counts the input, and scales with the batch', () => {
    const single: GraphDoc = {
      ...twoBranch,
      nodes: [
        { id: 'input', op: 'input', params: { channels: 3, height: 10, width: 10, batch: 4 }, position: { x: 0, y: 0 } },
        { id: 'output', op: 'output', params: {}, position: { x: 0, y: 100 } },
      ],
      edges: [{ id: 'e', source: 'input', target: 'output', targetPort: 0 }],
    };
    const a = analyzeGraph(single);
    expect(a.totals.peakBytes).toBe(4 * bytes(3, 10, 10));
    expect(a.rows.find((r) => r.id === 'output')!.bytes).toBe(0);
  });

  it('uses node labels when given, and keeps nodes on a cycle (listed last, shape unknown)', () => {
    const doc: GraphDoc = {
      ...twoBranch,
      nodes: [...twoBranch.nodes.map((n) => (n.id === 'stem' ? { ...n, label: 'Stem conv' } : n)),
        { id: 'loopA', op: 'conv2d', params: {}, position: { x: 0, y: 0 } },
        { id: 'loopB', op: 'conv2d', params: {}, position: { x: 0, y: 0 } }],
      edges: [...twoBranch.edges, { id: 'l1', source: 'loopA', target: 'loopB', targetPort: 0 }, { id: 'l2', source: 'loopB', target: 'loopA', targetPort: 0 }],
    };
    const a = analyzeGraph(doc);
    expect(a.rows.find((r) => r.id === 'stem')!.label).toBe('Stem conv');
    expect(a.rows.slice(-2).map((r) => [r.id, r.output])).toEqual([['loopA', undefined], ['loopB', undefined]]);
    expect(a.diagnostics.filter((d) => d.code === 'cycle')).toHaveLength(2);
  });
});
