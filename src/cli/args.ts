import type { Shape } from '../core/types';
import { CliError } from './command';

/** `--input 1x572x572` (C×H×W) or `--input 572x572` (H×W, keeping the graph's channels); × and X also work. */
export function parseShapeArg(text: string, flag = '--input'): Partial<Shape> {
  const parts = text.split(/[x×X]/);
  const nums = parts.map((p) => (/^\d+$/.test(p.trim()) ? Number(p) : NaN));
  if ((nums.length !== 2 && nums.length !== 3) || nums.some((n) => !Number.isSafeInteger(n) || n < 1))
    throw new CliError(`${flag}: expected CxHxW or HxW with positive integers (e.g. 1x572x572), got "${text}"`);
  const [a, b, c] = nums as [number, number, number?];
  return c === undefined ? { h: a, w: b } : { c: a, h: b, w: c };
}

/** How long the CLI lets the input-size search run by default (the editor's budget is shorter). */
export const CLI_SEARCH_BUDGET_MS = 2000;

/** `--budget 2000` (milliseconds for the input-size search, 0 or more). */
export function parseBudgetArg(text: string | undefined, flag = '--budget'): number {
  if (text === undefined) return CLI_SEARCH_BUDGET_MS;
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new CliError(`${flag}: expected milliseconds as a whole number (e.g. 2000), got "${text}"`);
  return Number(text);
}

/** `--range 64..1024` → {min, max}. */
export function parseRangeArg(text: string, flag = '--range'): { min: number; max: number } {
  const m = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  if (!m) throw new CliError(`${flag}: expected MIN..MAX (e.g. 64..1024), got "${text}"`);
  const min = Number(m[1]);
  const max = Number(m[2]);
  if (min < 1 || min > max) throw new CliError(`${flag}: expected 1 ≤ MIN ≤ MAX, got ${min}..${max}`);
  return { min, max };
}
