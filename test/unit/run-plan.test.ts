import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { buildUNet } from '../../src/core/builder';
import type { GraphDoc } from '../../src/core/types';
import { runNeed, smallerInputThatFits } from '../../src/runtime';
import { DEFAULT_BUDGET_BYTES, describeMemory, planRun, type RunSettings } from '../../src/ui/run/plan';

const paper = buildUNet({});
const settings = (patch: Partial<RunSettings> = {}): RunSettings => ({ mode: 'auto', budgetBytes: DEFAULT_BUDGET_BYTES, ...patch });
const image = (width: number, height: number, grayscale = true) => ({ width, height, grayscale });

function plan(doc: GraphDoc, img: ReturnType<typeof image>, patch: Partial<RunSettings> = {}) {
  const outcome = planRun(doc, analyzeGraph(doc), img, settings(patch));
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.plan;
}

const details = (p: ReturnType<typeof plan>) => Object.fromEntries(p.steps.map((s) => [s.title, s.detail]));

describe('planRun on the paper U-Net (572 → 388, valid convs)', () => {
  it('overlap-tiles a larger image so the output covers all of it', () => {
    const p = plan(paper, image(700, 500));
    expect(p.sizeMode).toBe('tile');
    // Four 2×2 pools: tiles step by a multiple of 16 so they meet the pooling grid like one big pass would.
    expect(details(p)['Overlap-tile']).toBe(
      '572×572 tiles, mirror border 92 px, 4 tiles (2×2), output 388×388 per tile, 384×384 kept to stay on the 16-px pooling grid (seamless)',
    );
    expect(p.tiles!.align).toBe(16);
    expect(p.resultSize).toEqual({ h: 500, w: 700 });
    expect(p.coverage).toEqual({ x: 0, y: 0, w: 700, h: 500 });
    expect(details(p).Output).toBe('700×500, 2 channels');
  });

  it('tiles even an image of exactly the input size (the output would only cover its centre)', () => {
    const p = plan(paper, image(572, 572));
    expect(p.sizeMode).toBe('tile');
    expect(p.tiles!.tiles).toHaveLength(4);
  });

  it('resizes on request and says which part of the image the output covers', () => {
    const p = plan(paper, image(286, 286, false), { mode: 'resize' });
    expect(p.sizeMode).toBe('resize');
    expect(p.tiles).toBeUndefined();
    expect(details(p)).toMatchObject({
      Channels: '286×286 RGB → grayscale (BT.601 luma)',
      Resize: '286×286 → 572×572 (bilinear)',
      Coverage: 'the 388×388 output covers the central 194×194 px; overlap-tiling covers it all',
    });
    expect(p.resultSize).toEqual({ h: 388, w: 388 });
    expect(p.coverage).toEqual({ x: 46, y: 46, w: 194, h: 194 });
  });

  it('estimates memory from the core analysis: both models\' weights, the peak at batch 1 and a layer\'s temporaries', () => {
    const analysis = analyzeGraph(paper);
    const p = plan(paper, image(572, 572));
    expect(p.memory.weightsBytes).toBe(2 * analysis.totals.paramBytes);
    // The peak live set, and one layer's temporaries beside it (twice the largest node output).
    expect(p.memory.activationBytes).toBe(analysis.totals.peakBytes + 2 * Math.max(...analysis.rows.map((r) => r.bytes)));
    // The worker holds the RGBA image and its float pixels (1 channel); tiles also the normalised whole image,
    // the stitched result (2 channels, the whole image) and one tile's copy, as float32 (the guard's rule, runtime/memoryGuard.ts).
    expect(p.memory.imageBytes).toBe((4 + 4) * 572 * 572 + 4 * (572 * 572 + 572 * 572 * 2) + 4 * 572 * 572);
    expect(p.memory.over).toBe(false);
    expect(describeMemory(p.memory)).toBe('≈ 589.81 MB (activations 333.71 MB + weights 248.25 MB + image buffers 7.85 MB) of a 1.50 GB budget');
    const resized = plan(paper, image(572, 572), { mode: 'resize' });
    // Resized: the RGBA image, its float pixels, the resized input and the copy handed to the model.
    expect(resized.memory.imageBytes).toBe((4 + 4) * 572 * 572 + 2 * 4 * 572 * 572);
    expect(describeMemory(resized.memory)).toBe('≈ 587.19 MB (activations 333.71 MB + weights 248.25 MB + image buffers 5.23 MB) of a 1.50 GB budget');
  });

  it('over the budget, offers a smaller valid input that fits', () => {
    const p = plan(paper, image(700, 700), { budgetBytes: 0.35e9 });
    expect(p.memory.over).toBe(true);
    const smaller = p.smallerInput!;
    expect(smaller.h).toBeLessThan(572);
    const at = plan(paper, image(700, 700), { budgetBytes: 0.35e9, runSize: smaller });
    expect(at.overridden).toBe(true);
    expect(at.runInput).toMatchObject(smaller);
    expect(at.memory.over).toBe(false);
    expect(at.sizeMode).toBe('tile');
    expect(at.resultSize).toEqual({ h: 700, w: 700 });
  });

  it('offers nothing when even the smallest valid input does not fit', () => {
    expect(smallerInputThatFits(paper, { h: 572, w: 572 }, 0.25e9, runNeed({ width: 572, height: 572 }))).toBeUndefined();
    expect(plan(paper, image(64, 64), { budgetBytes: 0.1e9 }).smallerInput).toBeUndefined();
  });

  it('refuses an input size the graph does not accept', () => {
    const outcome = planRun(paper, analyzeGraph(paper), image(64, 64), settings({ runSize: { h: 100, w: 100 } }));
    expect(outcome).toEqual({ ok: false, reason: 'The graph does not accept a 100×100 input.' });
  });
});

describe('planRun on other designs', () => {
  const same = buildUNet({ depth: 2, base: 4, padding: 'same', inputSize: { h: 64, w: 64 } });

  it('runs a same-padded network on an image of its input size as it is', () => {
    const p = plan(same, image(64, 64));
    expect(p.sizeMode).toBe('direct');
    expect(details(p).Resize).toBeUndefined();
    expect(p.resultSize).toEqual({ h: 64, w: 64 });
  });

  it('tiles a larger image for a same-padded network with a context margin against seams', () => {
    const p = plan(same, image(100, 100));
    expect(p.tiles!.margin).toBe(8);
    expect(details(p)['Overlap-tile']).toBe('64×64 tiles, no border, 9 tiles (3×3), output 64×64 per tile, 8 px context margin cut from each side');
    expect(p.resultSize).toEqual({ h: 100, w: 100 });
  });

  it('scales the result of a depth-to-space network', () => {
    const d2s = buildUNet({ depth: 2, base: 4, padding: 'same', inChannels: 3, inputSize: { h: 32, w: 32 }, depthToSpace: 2, head: { classes: 3, activation: 'sigmoid' } });
    const p = plan(d2s, image(40, 30, false));
    expect(p.resultSize).toEqual({ h: 60, w: 80 });
    expect(details(p).Channels).toBe('40×30 RGB, RGB as it is');
    expect(details(p).Output).toBe('80×60, 3 channels');
  });

  it('describes RGB from a grayscale image and mean/std normalisation', () => {
    const doc = buildUNet({ depth: 1, base: 2, padding: 'same', inChannels: 3, inputSize: { h: 16, w: 16 } });
    doc.nodes.find((n) => n.id === 'input')!.params = { ...doc.nodes.find((n) => n.id === 'input')!.params, normalization: 'meanStd', mean: 0.45, std: 0.25 };
    const d = details(plan(doc, image(16, 16)));
    expect(d.Channels).toBe('16×16 grayscale → 3 channels (gray in R, G and B)');
    expect(d.Normalise).toBe('(pixel ÷ 255 − 0.45) ÷ 0.25');
  });

  it('explains what blocks a run', () => {
    const two = buildUNet({ depth: 1, base: 2, padding: 'same', inChannels: 2, inputSize: { h: 16, w: 16 } });
    expect(planRun(two, analyzeGraph(two), image(16, 16), settings())).toEqual({
      ok: false,
      reason: 'The input node takes 2 channels; an image gives 1 (grayscale), 3 (RGB) or 4 (RGBA). Set its channels to 1 or 3 to run an image.',
    });
    const broken = buildUNet({});
    broken.edges = broken.edges.filter((e) => e.target !== 'cat0');
    const outcome = planRun(broken, analyzeGraph(broken), image(16, 16), settings());
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toMatch(/^The graph has \d+ errors?: fix (it|them) in the editor first\.$/);
  });
});
