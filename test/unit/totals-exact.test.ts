/** Totals past 2^53 (issue 11): shown rounded, never as a wrong exact integer, in the CLI and the UI. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/core/analysis';
import { renderSummary, toJson } from '../../src/cli/summary';
import { formatInt as cliInt } from '../../src/cli/text';
import { formatInt as uiInt } from '../../src/ui/model/format';
import { handGraph } from './compile-helpers';

describe('counts past 2^53', () => {
  it('the issue example: a float sum that lands on 10,314,474,819,324,736 (exact …735) prints rounded', () => {
    const exact = 10_314_474_819_324_735n;
    const float = Number(exact - 1_000_000n) + 1_000_000; // how an analysis sum arrives at it
    expect(float).toBe(10_314_474_819_324_736);
    for (const format of [cliInt, uiInt]) {
      expect(format(float)).toBe('≈ 1.03e16');
      expect(format(2 ** 53 - 1)).toBe('9,007,199,254,740,991'); // still exact: every addend and partial sum was
      expect(format(31_030_658)).toBe('31,030,658');
    }
  });

  it('the CLI summary and --json of a graph with 1.69e16 mult-adds', () => {
    const doc = handGraph(
      [['input', 'input', { channels: 4096, height: 256, width: 256 }], ['conv', 'conv2d', { filters: 65536, kernel: 31, padding: 'same' }], ['output', 'output']],
      [['input', 'conv'], ['conv', 'output']],
    );
    const a = analyzeGraph(doc);
    expect(a.totals.macs).toBeGreaterThan(2 ** 53);
    const lines = renderSummary('wide', a).join('\n');
    expect(lines).toMatch(/Total mult-adds: +[\d.]+ T \(≈ 1\.69e16\)/);
    expect(lines).toMatch(/Total params: +257,966,538,752/); // below 2^53: exact
    expect(lines).not.toMatch(/16,9\d\d,\d{3},\d{3},\d{3},\d{3}/);
    // The conv's own row is past 2^53 too: the table shows it rounded and --json names it beside the total.
    expect(lines).toMatch(/conv +conv2d .* ≈ 1\.69e16 /);
    const conv = a.rows.findIndex((r) => r.id === 'conv');
    expect(toJson('wide', a).approximate).toEqual(['totals.macs', `rows[${conv}].macs`]);
  });
});
