import type { Diagnostic } from './diagnostics';
import { inferShapes, type ShapeReport } from './infer';
import type { GraphDoc } from './types';

type Graph = Pick<GraphDoc, 'nodes' | 'edges'>;

/** Diagnostic codes whose cause is the spatial size reaching a layer, so another input size can clear them. */
export const SIZE_CODES: ReadonlySet<string> = new Set([
  'odd-pool',
  'concat-mismatch',
  'add-mismatch',
  'crop-too-large',
  'pad-too-small',
  'non-positive-size',
]);

export const isSizeDiagnostic = (d: Diagnostic): boolean => SIZE_CODES.has(d.code);

/**
 * A size is valid when nothing goes wrong: no error at all, and no pool silently dropping a row or column
 * (the paper U-Net at 570 only warns, yet the paper requires an even size at every pool).
 */
export const isCleanShapeReport = (shapes: ShapeReport): boolean =>
  !shapes.diagnostics.some((d) => d.severity === 'error' || d.code === 'odd-pool');

/** The input node's own limits (ops/input.ts): no size outside them can be valid. */
export const MIN_SIZE = 1;
export const MAX_SIZE = 16384;
/** How far from the current size the nearest-size search looks, in pixels per direction. */
export const DEFAULT_MAX_DISTANCE = 512;

export interface SizeRange {
  min: number;
  max: number;
}

export interface SolverOptions {
  /** Channels to use instead of the input node's (e.g. a `--input` override); sizes never depend on them here. */
  channels?: number;
  maxDistance?: number;
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
}

/** Tests sizes by running the engine with an input override, remembering answers. */
function sizeTester(doc: Graph, options: SolverOptions) {
  const seen = new Map<string, boolean>();
  const test = (h: number, w: number): boolean => {
    if (h < MIN_SIZE || w < MIN_SIZE || h > MAX_SIZE || w > MAX_SIZE) return false;
    const key = `${h}x${w}`;
    let ok = seen.get(key);
    if (ok === undefined) seen.set(key, (ok = isCleanShapeReport(inferShapes(doc, { input: { h, w, c: options.channels } }))));
    return ok;
  };
  return { test };
}

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

function hasStructuralErrors(doc: Graph, h: number, w: number, options: SolverOptions): boolean {
  const clamp = (n: number) => Math.min(MAX_SIZE, Math.max(MIN_SIZE, n));
  return sizeIndependentErrors(inferShapes(doc, { input: { h: clamp(h), w: clamp(w), c: options.channels } })).length > 0;
}

/** Square input sizes in [min, max] (clamped to the input's limits) that run without size problems. */
export function validSizes(doc: Graph, range: SizeRange, options: SolverOptions = {}): number[] {
  const min = Math.max(MIN_SIZE, Math.ceil(range.min));
  const max = Math.min(MAX_SIZE, Math.floor(range.max));
  if (!(min <= max) || hasStructuralErrors(doc, min, min, options)) return [];
  const { test } = sizeTester(doc, options);
  const sizes: number[] = [];
  for (let s = min; s <= max; s++) if (test(s, s)) sizes.push(s);
  return sizes;
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

/**
 * The nearest valid input sizes around h×w, per dimension. Spatial ops treat H and W independently, so each
 * dimension is searched with the other held at a known-good partner (found on the diagonal first).
 */
export function nearestValid(doc: Graph, size: { h: number; w: number }, options: SolverOptions = {}): NearestValid {
  const none: NearestValid = { h: {}, w: {}, suggestions: [] };
  const maxDistance = options.maxDistance ?? DEFAULT_MAX_DISTANCE;
  const { h, w } = size;
  if (hasStructuralErrors(doc, h, w, options)) return none;
  const { test } = sizeTester(doc, options);

  let hRef = h;
  let wRef = w;
  if (!test(h, w)) {
    const square = nearestSquare(test, w, maxDistance + Math.abs(h - w));
    if (square === undefined) return none;
    hRef = wRef = square;
  }
  const byH = (s: number) => test(s, wRef);
  const byW = (s: number) => test(hRef, s);
  const hNear: NearestSizes = { below: scan(byH, h, -1, maxDistance), above: scan(byH, h, 1, maxDistance) };
  // Searched even when h = w: a fixed-size crop or pad can want different heights and widths.
  const wNear: NearestSizes = { below: scan(byW, w, -1, maxDistance), above: scan(byW, w, 1, maxDistance) };

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
  return { h: hNear, w: wNear, suggestions };
}
