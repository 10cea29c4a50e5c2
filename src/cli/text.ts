import type { Diagnostic } from '../core/diagnostics';
import type { Shape } from '../core/types';

/** Exact below 2^53; past it the digits are float rounding, so "≈ 1.03e16" instead of a wrong exact integer. */
export const formatInt = (n: number): string =>
  Number.isSafeInteger(Math.round(n)) ? Math.round(n).toLocaleString('en-US') : `≈ ${n.toPrecision(3).replace('e+', 'e')}`;

/** 150430000000 → "150.43 G": for totals, where the exact digits matter less than the magnitude. */
export function formatCount(n: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) if (Math.abs(n) >= size) return `${(n / size).toFixed(2)} ${unit}`;
  return String(n);
}

/** Binary units, as tensor sizes usually are: 1310720 → "1.25 MiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) (value /= 1024), i++;
  return i === 0 ? `${value} B` : `${value.toFixed(2)} ${units[i]}`;
}

export const formatSize = (s: { h: number; w: number }): string => (s.h === s.w ? `${s.h}` : `${s.h}×${s.w}`);

/** "572→570→568→…→388": spatial size along a path, repeats collapsed ("?" where unknown). */
export function sizeTrace(shapes: (Shape | undefined)[]): string {
  const steps: string[] = [];
  for (const s of shapes) {
    const text = s ? formatSize(s) : '?';
    if (steps[steps.length - 1] !== text) steps.push(text);
  }
  return steps.join('→');
}

export type Align = 'left' | 'right';

/** A plain-text table with a rule under the header; widths fit the widest cell of each column. */
export function renderTable(header: string[], rows: string[][], align: Align[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  return [rule, line(header), rule, ...rows.map(line), rule];
}

/** "error    cat3  [concat-mismatch] message", then one indented line per offered fix. */
export function formatDiagnostic(d: Diagnostic): string[] {
  const where = d.nodeId ?? '(graph)';
  const lines = [`${d.severity.padEnd(7)}  ${where}: ${d.message}  [${d.code}]`];
  for (const fix of d.fixes ?? []) lines.push(`         fix: ${fix.label}`);
  return lines;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
