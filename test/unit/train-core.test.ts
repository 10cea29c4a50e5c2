/**
 * The training core's pure parts and its numerics on the cpu backend: label masks, the paper's weight map,
 * pairing by name, the split, patches (valid-conv crops line up with their input), the losses against
 * hand-computed values, and carrying weights over a graph edit.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { carryWeights, compileGraph, exportWeights } from '../../src/compile';
import { buildUNet } from '../../src/core/builder';
import type { GraphDoc } from '../../src/core/types';
import {
  borderWeightMap,
  components,
  headOf,
  labelsFromMask,
  pairByName,
  patchGeometry,
  PatchSampler,
  segmentationLoss,
  splitData,
  validationPatches,
  type LabelledImage,
} from '../../src/runtime';
import { useNodeBackend } from '../../src/runtime/node';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

const rgba = (width: number, height: number, value: (x: number, y: number) => number) => {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([value(x, y), value(x, y), value(x, y), 255], (y * width + x) * 4);
  return { width, height, data };
};

describe('labels from masks', () => {
  it('reads black/white masks as 0/1 and indexed masks as their values; refuses grey ramps', () => {
    expect([...labelsFromMask(rgba(4, 1, (x) => (x % 2 ? 255 : 0)), 2)]).toEqual([0, 1, 0, 1]);
    expect([...labelsFromMask(rgba(3, 1, (x) => x), 3)]).toEqual([0, 1, 2]);
    expect(() => labelsFromMask(rgba(64, 1, (x) => x * 4), 2, 'ramp.png')).toThrow(/ramp\.png: 64 grey levels up to 252; expected a binary mask/);
  });
});

describe('border weight map (paper eq. 2)', () => {
  // Two 4×4 cells separated by a 2-px gap: the gap pixels sit 1 px from each cell.
  const width = 12;
  const height = 4;
  const labels = Uint8Array.from({ length: width * height }, (_, p) => ((p % width) < 5 || (p % width) > 6 ? 1 : 0));

  it('labels the two cells as separate components', () => {
    expect(components(labels, width, height).count).toBe(2);
  });

  it('adds w0·exp(−(d1+d2)²/2σ²) on background between cells, on top of the class balance', () => {
    const w = borderWeightMap(labels, width, height, { w0: 10, sigma: 5 });
    const bgBalance = (width * height) / (2 * 8); // 48 px, 8 background → 3
    const fgBalance = (width * height) / (2 * 40);
    expect(w[5]).toBeCloseTo(bgBalance + 10 * Math.exp(-((1 + 2) ** 2) / 50), 5); // x=5: d1 = 1 (x=4), d2 = 2 (x=7)
    expect(w[0]).toBeCloseTo(fgBalance, 6);
    const single = borderWeightMap(Uint8Array.from({ length: 16 }, (_, p) => (p < 4 ? 1 : 0)), 4, 4);
    expect(Math.max(...single)).toBeCloseTo(16 / (2 * 4), 6); // one cell: no border term
  });

  it('finds the second cell across the whole reach, not only when both are near (d1 = 1, d2 = 13)', () => {
    // One-pixel-wide cells in columns 5 and 19 of a 40×5 image: x = 6 is 1 px from one and 13 px from the other.
    const w = 40;
    const thin = Uint8Array.from({ length: w * 5 }, (_, p) => (p % w === 5 || p % w === 19 ? 1 : 0));
    const map = borderWeightMap(thin, w, 5, { w0: 10, sigma: 5 });
    expect(map[2 * w + 6]).toBeCloseTo((w * 5) / (2 * 190) + 10 * Math.exp(-((1 + 13) ** 2) / 50), 5);
  });
});

describe('pairing files by name', () => {
  it('pairs suffixes and images/ + masks/ folders, and reports the rest', () => {
    const files = ['a.png', 'a-mask.png', 'b.jpg', 'b_mask.png', 'images/c.png', 'masks/c.png', 'lonely.png', 'notes.txt'].map((path) => ({ path, file: path }));
    const { pairs, unpaired } = pairByName(files);
    expect(pairs.map((p) => [p.name, p.image, p.mask])).toEqual([
      ['a', 'a.png', 'a-mask.png'],
      ['b', 'b.jpg', 'b_mask.png'],
      ['c', 'images/c.png', 'masks/c.png'],
    ]);
    expect(unpaired.sort()).toEqual(['lonely.png', 'notes.txt']);
  });
});

function image(name: string, width: number, height: number, seed: number): LabelledImage {
  const pixels = Float32Array.from({ length: width * height }, (_, p) => ((p * 7919 + seed) % 101) / 100);
  const labels = Uint8Array.from(pixels, (v) => (v > 0.5 ? 1 : 0));
  return { name, width, height, channels: 1, pixels, labels };
}

describe('patches', () => {
  it('splits by image, or one image by rows, never sharing labelled pixels', () => {
    const many = splitData([0, 1, 2, 3, 4].map((i) => image(`i${i}`, 40, 40, i)), { h: 16, w: 16 });
    expect(many.val.map((r) => r.image)).toEqual([4]);
    const one = splitData([image('only', 40, 100, 1)], { h: 16, w: 16 });
    expect(one.train).toEqual([{ image: 0, top: 0, bottom: 80 }]);
    expect(one.val).toEqual([{ image: 0, top: 80, bottom: 100 }]);
    expect(() => splitData([image('tiny', 40, 20, 1)], { h: 16, w: 16 })).toThrow(/too few/);
  });

  it('crops the label at the centre of a valid-conv input patch, mirrored at the borders, the same for the same seed', () => {
    const doc = buildUNet({ depth: 2, base: 4, inputSize: { h: 92, w: 92 } });
    const g = patchGeometry(doc, 92);
    expect(g).toEqual({ input: { h: 92, w: 92 }, output: { h: 52, w: 52 }, border: { h: 20, w: 20 } });
    // Pixels hold their own coordinates, so a patch says where it was cut from.
    const w = 120;
    const h = 110;
    const im: LabelledImage = { name: 'coords', width: w, height: h, channels: 1, pixels: Float32Array.from({ length: w * h }, (_, p) => p), labels: new Uint8Array(w * h) };
    const sampler = (seed: number) => new PatchSampler([im], [{ image: 0, top: 0, bottom: h }], g, { flips: false, rotations: false }, seed);
    const a = sampler(7).batch(3);
    expect([...a.x]).toEqual([...sampler(7).batch(3).x]);
    for (let b = 0; b < 3; b++) {
      const patch = a.x.subarray(b * 92 * 92, (b + 1) * 92 * 92);
      const centre = patch[20 * 92 + 20]!; // the input pixel above the output's top-left
      const [y, x] = [Math.floor(centre / w), centre % w];
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y + 52).toBeLessThanOrEqual(h);
      expect(x + 52).toBeLessThanOrEqual(w);
      expect(patch[(20 + 51) * 92 + 20 + 51]).toBe((y + 51) * w + x + 51);
    }
    const val = validationPatches([im], [{ image: 0, top: 0, bottom: h }], g, 100);
    expect(val.size).toBe(9); // 3 × 3 crops of 52 cover 110 × 120 (the last ones flush with the edge)
  });
});

describe('losses', () => {
  const logits = tf.tensor4d([2, -1, 0.5, 0.5, -3, 1, 0, 0], [1, 2, 2, 2]);
  const labels = tf.tensor3d([0, 1, 1, 0], [1, 2, 2], 'int32');
  const head = { classes: 2, activation: 'none' as const, labelClasses: 2 };
  const ce = (z: number[], k: number) => -(z[k]! - Math.log(Math.exp(z[0]!) + Math.exp(z[1]!)));
  const pixels = [ce([2, -1], 0), ce([0.5, 0.5], 1), ce([-3, 1], 1), ce([0, 0], 0)];

  it('cross-entropy from logits and from softmax probabilities agree with the hand-computed mean', async () => {
    const mean = pixels.reduce((a, b) => a + b) / 4;
    expect((await segmentationLoss('ce', logits, labels, head).data())[0]).toBeCloseTo(mean, 5);
    const probs = tf.softmax(logits) as tf.Tensor4D;
    expect((await segmentationLoss('ce', probs, labels, { ...head, activation: 'softmax' }).data())[0]).toBeCloseTo(mean, 4);
    const weights = tf.tensor3d([1, 2, 3, 4], [1, 2, 2]);
    const weighted = pixels.reduce((a, v, i) => a + v * (i + 1), 0) / 4;
    expect((await segmentationLoss('weighted-ce', logits, labels, head, weights).data())[0]).toBeCloseTo(weighted, 5);
  });

  it('binary cross-entropy from logits is stable and equals the probability form', async () => {
    const z = tf.tensor4d([30, -30, 0.3, -0.7], [1, 2, 2, 1]);
    const t = tf.tensor3d([1, 0, 0, 1], [1, 2, 2], 'int32');
    const bin = { classes: 1, activation: 'none' as const, labelClasses: 2 };
    const expected = [0, 0, Math.log(1 + Math.exp(0.3)), Math.log(1 + Math.exp(0.7))].reduce((a, b) => a + b) / 4;
    expect((await segmentationLoss('bce', z, t, bin).data())[0]).toBeCloseTo(expected, 5);
    const p = tf.sigmoid(tf.tensor4d([0.3, -0.7], [1, 1, 2, 1])) as tf.Tensor4D;
    const pt = tf.tensor3d([0, 1], [1, 1, 2], 'int32');
    expect((await segmentationLoss('bce', p, pt, { ...bin, activation: 'sigmoid' }).data())[0]).toBeCloseTo(
      (Math.log(1 + Math.exp(0.3)) + Math.log(1 + Math.exp(0.7))) / 2,
      5,
    );
  });

  it('soft Dice is 0 for a perfect prediction and near 1 for the opposite', async () => {
    const t = tf.tensor3d([1, 0, 1, 0], [1, 2, 2], 'int32');
    const perfect = tf.tensor4d([-20, 20, 20, -20, -20, 20, 20, -20], [1, 2, 2, 2]);
    expect((await segmentationLoss('dice', perfect, t, head).data())[0]).toBeCloseTo(0, 4);
    const wrong = tf.tensor4d([20, -20, -20, 20, 20, -20, -20, 20], [1, 2, 2, 2]);
    expect((await segmentationLoss('dice', wrong, t, head).data())[0]).toBeGreaterThan(0.6);
  });

  it('reads the head from the graph: softmax, sigmoid or logits, and the class count', () => {
    const kinds = (activation: 'none' | 'softmax' | 'sigmoid', classes: number) => {
      const c = compileGraph(buildUNet({ depth: 1, base: 2, padding: 'same', inputSize: { h: 16, w: 16 }, head: { classes, activation } }));
      const h = headOf(c.model);
      c.model.dispose();
      return h;
    };
    expect(kinds('none', 2)).toEqual({ classes: 2, activation: 'none', labelClasses: 2 });
    expect(kinds('softmax', 3)).toEqual({ classes: 3, activation: 'softmax', labelClasses: 3 });
    expect(kinds('sigmoid', 1)).toEqual({ classes: 1, activation: 'sigmoid', labelClasses: 2 });
  });
});

describe('carrying weights over a graph edit', () => {
  it('keeps nodes with the same id and shapes, re-initialises the changed ones and names them', async () => {
    const before: GraphDoc = buildUNet({ depth: 2, base: 4, padding: 'same', inputSize: { h: 32, w: 32 } });
    const old = compileGraph(before);
    const dict = await exportWeights(old);
    old.model.dispose();
    // Widen the bottleneck: its convs and everything reading them change shape.
    const after = structuredClone(before);
    for (const n of after.nodes) if (n.id === 'enc2_conv1' || n.id === 'enc2_conv2') n.params = { ...n.params, filters: 32 };
    const compiled = compileGraph(after);
    const report = await carryWeights(compiled, dict);
    expect(report.reinitialised).toEqual(['enc2_conv1', 'enc2_conv2', 'up1']);
    expect(report.kept).toContain('enc0_conv1');
    const now = await exportWeights(compiled);
    expect([...now.enc0_conv1!.weight!.data]).toEqual([...dict.enc0_conv1!.weight!.data]);
    compiled.model.dispose();
  });
});
