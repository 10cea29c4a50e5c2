import { describe, expect, it } from 'vitest';
import { confusion, dice, foregroundMask, iou, maskFromRgba, resampleMask } from '../../src/runtime/metrics';

describe('dice and iou', () => {
  const truth = [1, 1, 1, 1, 0, 0, 0, 0];
  it.each([
    ['perfect', [1, 1, 1, 1, 0, 0, 0, 0], 1, 1],
    ['disjoint', [0, 0, 0, 0, 1, 1, 1, 1], 0, 0],
    ['half found', [1, 1, 0, 0, 0, 0, 0, 0], 2 / 3, 1 / 2],
    ['half found, two false alarms', [1, 1, 0, 0, 1, 1, 0, 0], 1 / 2, 1 / 3],
    ['everything', [1, 1, 1, 1, 1, 1, 1, 1], 2 / 3, 1 / 2],
  ])('%s', (_, predicted, d, j) => {
    expect(dice(predicted, truth)).toBeCloseTo(d, 12);
    expect(iou(predicted, truth)).toBeCloseTo(j, 12);
    // The two are tied: dice = 2·iou / (1 + iou).
    expect(dice(predicted, truth)).toBeCloseTo((2 * j) / (1 + j), 12);
  });

  it('scores two empty masks as a perfect match', () => {
    expect(dice([0, 0], [0, 0])).toBe(1);
    expect(iou([0, 0], [0, 0])).toBe(1);
  });

  it('counts every cell of the confusion matrix, treating any non-zero as foreground', () => {
    expect(confusion([255, 0, 3, 0], [1, 1, 0, 0])).toEqual({ truePositive: 1, falsePositive: 1, falseNegative: 1, trueNegative: 1 });
  });

  it('refuses masks of different sizes', () => {
    expect(() => dice([1, 0], [1, 0, 0])).toThrow('the prediction has 2 pixels, the ground truth 3');
  });
});

describe('maskFromRgba', () => {
  it('thresholds the red channel', () => {
    expect(Array.from(maskFromRgba([255, 255, 255, 255, 0, 0, 0, 255, 127, 0, 0, 255, 128, 0, 0, 0]))).toEqual([1, 0, 0, 1]);
  });
  it('rejects data that is not RGBA', () => {
    expect(() => maskFromRgba([1, 2, 3])).toThrow('4 values per pixel, got 3');
  });
});

describe('foregroundMask', () => {
  it('thresholds probabilities at ½', () => {
    expect(Array.from(foregroundMask(Float32Array.of(0.2, 0.5, 0.51, 1), 1))).toEqual([0, 0, 1, 1]);
  });
  it('thresholds logits at 0', () => {
    expect(Array.from(foregroundMask(Float32Array.of(-3, 0.2, 2, -0.1), 1))).toEqual([0, 1, 1, 0]);
  });
  it('takes the argmax class for several channels (first wins ties)', () => {
    const two = Float32Array.of(0.9, 0.1, 0.3, 0.7, 0.5, 0.5);
    expect(Array.from(foregroundMask(two, 2))).toEqual([0, 1, 0]);
    const three = Float32Array.of(0, 1, 2, 0, 5, 1);
    expect(Array.from(foregroundMask(three, 3, 2))).toEqual([1, 0]);
  });
  it('explains bad layouts', () => {
    expect(() => foregroundMask(new Float32Array(5), 2)).toThrow('cannot read 5 values as pixels of 2 channels');
    expect(() => foregroundMask(new Float32Array(4), 2, 2)).toThrow('class 2 does not exist in a 2-channel output');
  });
});

describe('resampleMask', () => {
  // 4×4 mask: the left half set.
  const mask = Uint8Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 1 : 0));
  const size = { width: 4, height: 4 };

  it('is the identity over the whole mask at the same size', () => {
    expect(Array.from(resampleMask(mask, size, { x: 0, y: 0, w: 4, h: 4 }, 4, 4))).toEqual(Array.from(mask));
  });
  it('samples pixel centres when shrinking and growing', () => {
    expect(Array.from(resampleMask(mask, size, { x: 0, y: 0, w: 4, h: 4 }, 2, 1))).toEqual([1, 0]);
    expect(Array.from(resampleMask(mask, size, { x: 1, y: 1, w: 2, h: 2 }, 4, 1))).toEqual([1, 1, 0, 0]);
  });
  it('crops a central region like a valid network output', () => {
    expect(Array.from(resampleMask(mask, size, { x: 1, y: 0, w: 2, h: 4 }, 2, 2))).toEqual([1, 0, 1, 0]);
  });
  it('checks the mask size', () => {
    expect(() => resampleMask(new Uint8Array(3), size, { x: 0, y: 0, w: 4, h: 4 }, 1, 1)).toThrow('mask holds 3 pixels, expected 4×4');
  });
});
