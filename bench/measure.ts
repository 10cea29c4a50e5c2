/** Timing helpers shared by the `*.bench.ts` modules. */

/** What a `bench/*.bench.ts` module default-exports; `bench/run.ts` finds and runs it. */
export interface Bench {
  name: string;
  description?: string;
  run: () => void | Promise<void>;
}

export interface Timing {
  /** Median wall time of one run, in milliseconds. */
  medianMs: number;
  minMs: number;
  runs: number;
}

const now = () => performance.now();

/**
 * Runs `fn` until both `minRuns` runs and `minMs` of measuring have passed (after `warmup` untimed runs, so the
 * JIT has settled), and reports the median. `fn`'s result is kept alive so the work cannot be optimised away.
 */
export function measure(fn: () => unknown, { warmup = 5, minRuns = 15, minMs = 300, maxRuns = 2000 } = {}): Timing {
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = fn();
  const times: number[] = [];
  const start = now();
  while (times.length < maxRuns && (times.length < minRuns || now() - start < minMs)) {
    sink = undefined; // each run starts with the previous result released, as in a harness that keeps none
    const t0 = now();
    sink = fn();
    times.push(now() - t0);
  }
  keep(sink);
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs, minMs: times[0]!, runs: times.length };
}

let kept: unknown;
const keep = (v: unknown) => {
  kept = v;
  return kept;
};

/** Formats rows as an aligned text table (first column left, the rest right). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
