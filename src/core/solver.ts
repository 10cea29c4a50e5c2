import type { Diagnostic } from './diagnostics';
import { inferShapes, type ShapeReport } from './infer';
import { planSizes, validAlong, type SizePlan } from './sizeSets';
import type { GraphDoc } from './types';

type Graph = Pick<GraphDoc, 'nodes' | 'edges'>;

/** Diagnostics whose cause is the spatial size reaching a layer, so another input size can clear them (set by the op). */
export const isSizeDiagnostic = (d: Diagnostic): boolean => d.inputSizeCanFix === true;

/**
 * A size is valid when nothing goes wrong: no error at all, and no warning that another size would clear (the
 * paper U-Net at 570 only warns that a pool drops a row, yet the paper requires an even size at every pool).
 */
export const isCleanShapeReport = (shapes: ShapeReport): boolean =>
  !shapes.diagnostics.some((d) => d.severity === 'error' || d.inputSizeCanFix);

/** The input node's own limits (ops/input.ts): no size outside them can be valid. */
export const MIN_SIZE = 1;
export const MAX_SIZE = 16384;
/** How far from the current size the nearest-size search looks, in pixels per direction. */
export const DEFAULT_MAX_DISTANCE = 512;
/**
 * Time the search may take before it answers with what it has (flagged partial). The analytic search needs well
 * under a millisecond for the templates and tens of ms for 50,000 nodes; the budget bounds graphs beyond that
 * and ops without a size rule, which fall back to one shape pass per candidate. Callers that need an answer
 * (training, the memory guard, the CLI, tests) get this generous default, so a loaded machine does not turn a
 * 10 ms search into "no size"; the editor, which re-runs it on every edit, passes INTERACTIVE_BUDGET_MS.
 */
export const DEFAULT_BUDGET_MS = 5_000;
/** The editor's budget: a partial answer (shown as such) beats a frozen page. */
export const INTERACTIVE_BUDGET_MS = 250;

export interface SizeRange {
  min: number;
  max: number;
}

export interface SolverOptions {
  /** Channels to use instead of the input node's (e.g. a `--input` override); sizes never depend on them here. */
  channels?: number;
  maxDistance?: number;
  /** Milliseconds before the search stops and returns a partial answer (default DEFAULT_BUDGET_MS). */
  budgetMs?: number;
  /** The shape report at the searched size with these channels, when the caller has it (saves one pass). */
  report?: ShapeReport;
}

/** The nearest valid sizes of one dimension, inclusive: a valid current size is its own below and above. */
export interface NearestSizes {
  below?: number;
  above?: number;
}

export interface NearestValid {
  h: NearestSizes;
  w: NearestSizes;
  /** Whole input sizes to offer, nearest first (at most two: the nearer side, then the other). */
  suggestions: { h: number; w: number }[];
  /** Set when the time budget ran out: the answer is exact within `radius` pixels of the size, unknown beyond. */
  partial?: { radius: number; budgetMs: number };
}

/** Square sizes found in a range; when the budget ran out, only `min..checkedUpTo` was searched. */
export interface ValidSizesResult {
  sizes: number[];
  complete: boolean;
  checkedUpTo: number;
  budgetMs: number;
}

/** Thrown inside a search when its deadline passes; caught by the search itself. */
class OutOfTime extends Error {}

const clamp = (n: number) => Math.min(MAX_SIZE, Math.max(MIN_SIZE, n));
const inRange = (n: number) => n >= MIN_SIZE && n <= MAX_SIZE;

/** Errors present at this size that no other input size can clear. */
export function sizeIndependentErrors(shapes: ShapeReport): Diagnostic[] {
  return shapes.diagnostics.filter(
    (d) =>
      d.severity === 'error' &&
      !isSizeDiagnostic(d) &&
      // The input's own height/width out of range is a size problem, not a structural one.
      !(d.code === 'bad-param' && d.nodeId === shapes.inputId && (d.field === 'height' || d.field === 'width')),
  );
}

/** Answers "is h×w valid?" for a search. */
interface Tester {
  /** Makes `test` answer for every h in `hs` and w in `ws` (false when out of time). */
  prepare(hs: SizeRange, ws: SizeRange): boolean;
  test(h: number, w: number): boolean;
}

/**
 * Valid sizes per dimension from the ops' size rules (sizeSets.ts): H and W are independent, so h×w is valid
 * exactly when h is valid for H and w for W.
 */
function ruleTester(plan: SizePlan, deadline: number): Tester {
  type Valid = { lo: number; ok: Uint8Array };
  let hs: Valid = { lo: 0, ok: new Uint8Array(0) };
  let ws = hs;
  const along = (dim: 'h' | 'w', r: SizeRange): Valid | undefined => {
    const lo = clamp(r.min);
    const ok = validAlong(plan, dim, lo, clamp(r.max), deadline);
    return ok && { lo, ok };
  };
  return {
    prepare(h, w) {
      if (plan.symmetric) {
        const both = along('h', { min: Math.min(h.min, w.min), max: Math.max(h.max, w.max) });
        if (both) hs = ws = both;
        return !!both;
      }
      const nh = along('h', h);
      const nw = nh && along('w', w);
      if (nh && nw) (hs = nh), (ws = nw);
      return !!(nh && nw);
    },
    test: (h, w) => inRange(h) && inRange(w) && hs.ok[h - hs.lo] === 1 && ws.ok[w - ws.lo] === 1,
  };
}

/** One shape pass per size (ops without a size rule), remembering answers; throws OutOfTime past the deadline. */
function passTester(doc: Graph, options: SolverOptions, deadline: number): Tester {
  const seen = new Map<string, boolean>();
  return {
    prepare: () => true,
    test(h, w) {
      if (!inRange(h) || !inRange(w)) return false;
      const key = `${h}x${w}`;
      let ok = seen.get(key);
      if (ok === undefined) {
        if (performance.now() >= deadline) throw new OutOfTime();
        seen.set(key, (ok = isCleanShapeReport(inferShapes(doc, { input: { h, w, c: options.channels } }))));
      }
      return ok;
    },
  };
}

/** A checked start: the report at h×w (clamped) when no structural error blocks every size. */
function start(doc: Graph, h: number, w: number, options: SolverOptions): ShapeReport | undefined {
  const base = options.report ?? inferShapes(doc, { input: { h: clamp(h), w: clamp(w), c: options.channels } });
  return sizeIndependentErrors(base).length > 0 ? undefined : base;
}

/**
 * The rules say h×w is valid; one real shape pass judges it. 'blocked': an error no size can cure was hidden at
 * the starting size behind a size problem, so no size is valid. 'disagree': a rule and its op's `infer` differ (a
 * bug the tests look for); the caller falls back to the per-size passes, which are exact.
 */
function judge(doc: Graph, h: number, w: number, options: SolverOptions): 'valid' | 'blocked' | 'disagree' {
  const report = inferShapes(doc, { input: { h, w, c: options.channels } });
  if (isCleanShapeReport(report)) return 'valid';
  return sizeIndependentErrors(report).length > 0 ? 'blocked' : 'disagree';
}

/** Square input sizes in [min, max] (clamped to the input's limits) that run without size problems. */
export function validSizes(doc: Graph, range: SizeRange, options: SolverOptions = {}): number[] {
  return searchValidSizes(doc, range, options).sizes;
}

/** Range chunk per pass: bounds the arrays and lets a partial answer come back between chunks. */
const CHUNK = 2048;

/** `validSizes`, saying how far it got within the time budget. */
export function searchValidSizes(doc: Graph, range: SizeRange, options: SolverOptions = {}): ValidSizesResult {
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const deadline = performance.now() + budgetMs;
  const min = Math.max(MIN_SIZE, Math.ceil(range.min));
  const max = Math.min(MAX_SIZE, Math.floor(range.max));
  const empty = (): ValidSizesResult => ({ sizes: [], complete: true, checkedUpTo: max, budgetMs });
  if (!(min <= max)) return empty();
  const base = start(doc, min, min, { ...options, report: undefined });
  if (!base) return empty();
  const plan = planSizes(base);
  if (plan) {
    const result = squares(ruleTester(plan, deadline), min, max, empty());
    const verdict = result.sizes.length ? judge(doc, result.sizes[0]!, result.sizes[0]!, options) : 'valid';
    if (verdict === 'valid') return result;
    if (verdict === 'blocked') return empty();
  }
  return squares(passTester(doc, options, deadline), min, max, empty());
}

/** Valid squares in min..max, a chunk at a time, recording how far it got. */
function squares(tester: Tester, min: number, max: number, result: ValidSizesResult): ValidSizesResult {
  result.checkedUpTo = min - 1;
  try {
    for (let lo = min; lo <= max; lo += CHUNK) {
      const hi = Math.min(max, lo + CHUNK - 1);
      if (!tester.prepare({ min: lo, max: hi }, { min: lo, max: hi })) throw new OutOfTime();
      for (let s = lo; s <= hi; s++) {
        if (tester.test(s, s)) result.sizes.push(s);
        result.checkedUpTo = s;
      }
    }
  } catch (err) {
    if (!(err instanceof OutOfTime)) throw err;
    result.complete = false;
  }
  return result;
}

/** Nearest valid value at or beyond `from` going in `step` direction, within `maxDistance`. */
function scan(test: (s: number) => boolean, from: number, step: 1 | -1, maxDistance: number): number | undefined {
  for (let d = 0; d <= maxDistance; d++) {
    const s = from + step * d;
    if (s < MIN_SIZE || s > MAX_SIZE) return undefined;
    if (test(s)) return s;
  }
  return undefined;
}

/** Nearest square size to `from` that is valid, looking both ways at once (nearest first, above wins ties). */
function nearestSquare(test: (h: number, w: number) => boolean, from: number, maxDistance: number): number | undefined {
  for (let d = 0; d <= maxDistance; d++) {
    if (test(from + d, from + d)) return from + d;
    if (d > 0 && test(from - d, from - d)) return from - d;
  }
  return undefined;
}

const nearer = (x: number, n: NearestSizes): [number | undefined, number | undefined] => {
  const { below, above } = n;
  if (below === undefined || above === undefined) return [below ?? above, undefined];
  return x - below < above - x ? [below, above] : [above, below];
};

const NONE: NearestValid = { h: {}, w: {}, suggestions: [] };

/**
 * The nearest valid input sizes around h×w, per dimension. Spatial ops treat H and W independently, so each
 * dimension is searched with the other held at a known-good partner (found on the diagonal first).
 *
 * The search widens in steps (32, 128, 512 px) and stops at the first radius that settles every answer, so the
 * usual case (a valid size a few pixels away) costs a small window; when the time budget runs out, the widest
 * settled radius's answer comes back flagged `partial`.
 */
export function nearestValid(doc: Graph, size: { h: number; w: number }, options: SolverOptions = {}): NearestValid {
  const maxDistance = options.maxDistance ?? DEFAULT_MAX_DISTANCE;
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const deadline = performance.now() + budgetMs;
  const { h, w } = size;
  const base = start(doc, h, w, options);
  if (!base) return NONE;
  const plan = planSizes(base);
  const search = (tester: Tester) => widening(tester, h, w, maxDistance, budgetMs);
  if (plan) {
    const { found, reference } = search(ruleTester(plan, deadline));
    const verdict = reference ? judge(doc, reference.h, reference.w, options) : 'valid';
    if (verdict === 'valid') return found;
    if (verdict === 'blocked') return NONE;
  }
  return search(passTester(doc, options, deadline)).found;
}

function widening(tester: Tester, h: number, w: number, maxDistance: number, budgetMs: number): Outcome {
  let last: Outcome = { found: { ...NONE, partial: { radius: 0, budgetMs } }, settled: false };
  for (let radius = Math.min(32, maxDistance); ; radius = Math.min(maxDistance, radius * 4)) {
    const outcome = searchWith(tester, h, w, radius);
    if (!outcome) return last;
    if (outcome.settled || radius >= maxDistance) return outcome;
    last = { ...outcome, found: { ...outcome.found, partial: { radius, budgetMs } } };
  }
}

interface Outcome {
  found: NearestValid;
  /** The valid size the per-dimension scans were anchored on. */
  reference?: { h: number; w: number };
  /** A wider radius cannot change the answer. */
  settled: boolean;
}

/** The nearest-size search within `radius` px (the square search within radius + |h − w|); undefined when out of time. */
function searchWith(tester: Tester, h: number, w: number, radius: number): Outcome | undefined {
  const diagonal = radius + Math.abs(h - w);
  const hs = { min: Math.min(h - radius, w - diagonal), max: Math.max(h + radius, w + diagonal) };
  const ws = { min: w - diagonal, max: w + diagonal };
  try {
    return tester.prepare(hs, ws) ? searchPrepared(tester.test, h, w, radius) : undefined;
  } catch (err) {
    if (err instanceof OutOfTime) return undefined;
    throw err;
  }
}

function searchPrepared(test: (h: number, w: number) => boolean, h: number, w: number, radius: number): Outcome {
  let hRef = h;
  let wRef = w;
  if (!test(h, w)) {
    const square = nearestSquare(test, w, radius + Math.abs(h - w));
    // Nothing on the diagonal: settled only when the diagonal window already spans every size.
    if (square === undefined) return { found: NONE, settled: w - (radius + Math.abs(h - w)) <= MIN_SIZE && w + radius + Math.abs(h - w) >= MAX_SIZE };
    hRef = wRef = square;
  }
  const byH = (s: number) => test(s, wRef);
  const byW = (s: number) => test(hRef, s);
  const hNear: NearestSizes = { below: scan(byH, h, -1, radius), above: scan(byH, h, 1, radius) };
  // Searched even when h = w: a fixed-size crop or pad can want different heights and widths.
  const wNear: NearestSizes = { below: scan(byW, w, -1, radius), above: scan(byW, w, 1, radius) };
  // A side is settled when found, or when the input's limits end it within the radius.
  const settledSide = (found: number | undefined, limitDistance: number) => found !== undefined || limitDistance <= radius;
  const settled =
    settledSide(hNear.below, h - MIN_SIZE) &&
    settledSide(hNear.above, MAX_SIZE - h) &&
    settledSide(wNear.below, w - MIN_SIZE) &&
    settledSide(wNear.above, MAX_SIZE - w);

  const [hFirst, hSecond] = nearer(h, hNear);
  const [wFirst, wSecond] = nearer(w, wNear);
  const suggestions: { h: number; w: number }[] = [];
  const offer = (sh: number | undefined, sw: number | undefined) => {
    if (sh === undefined || sw === undefined) return;
    if (suggestions.some((s) => s.h === sh && s.w === sw)) return;
    if (test(sh, sw)) suggestions.push({ h: sh, w: sw });
  };
  offer(hFirst, wFirst);
  offer(hSecond ?? hFirst, wSecond ?? wFirst);
  return { found: { h: hNear, w: wNear, suggestions }, reference: { h: hRef, w: wRef }, settled };
}
