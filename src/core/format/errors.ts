import { clip, quote } from '../text';
import { FORMAT_LIMITS } from './limits';

export type FormatErrorCode =
  | 'too-large'
  | 'bad-encoding'
  | 'invalid-json'
  | 'too-deep'
  | 'too-many-values'
  | 'forbidden-key'
  | 'not-json'
  | 'non-finite'
  | 'not-a-graph'
  | 'wrong-format'
  | 'newer-version'
  | 'bad-version'
  | 'too-many-nodes'
  | 'too-many-edges'
  | 'invalid'
  | 'unknown-op'
  | 'unknown-param'
  | 'bad-param'
  | 'reserved-id'
  | 'duplicate-node-id'
  | 'duplicate-edge-id'
  | 'dangling-edge'
  | 'duplicate-block-id'
  | 'dangling-member'
  | 'duplicate-member'
  | 'shared-member'
  | 'port-taken'
  | 'bad-port'
  | 'too-many-errors'
  | 'internal';

/** One reason a document was refused. `path` points into the document (`nodes[3].params.kernel`), '' for the whole. */
export interface FormatError {
  code: FormatErrorCode;
  path: string;
  message: string;
  /** On the 'too-many-errors' line that ends a capped list: how many errors it stands for. */
  omitted?: number;
}

export type PathSegment = string | number;

/** A FormatError before rendering, with its path as segments so errors can be ordered. */
export interface Problem {
  code: FormatErrorCode;
  at: readonly PathSegment[];
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `['nodes', 3, 'params', 'kernel']` → `nodes[3].params.kernel`; odd keys are quoted: `params["a b"]`. Keys come
 * from the file, so long ones are cut (`params["AAAA…" (10,485,760 characters)]`).
 */
export function formatPath(at: readonly PathSegment[]): string {
  let out = '';
  for (const seg of at) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (seg.length <= 64 && IDENTIFIER.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${quote(seg)}]`;
  }
  return out;
}

/** The line a user reads: `nodes[3].params.kernel: expected an integer ≥ 1, got -2`. */
export const renderFormatError = (e: FormatError): string => (e.path ? `${e.path}: ${e.message}` : e.message);

export const renderFormatErrors = (errors: readonly FormatError[]): string => errors.map(renderFormatError).join('\n');

/** One line for a refused document: its first error and how many more, counting those a capped list left out. */
export function summarizeFormatErrors(errors: readonly FormatError[]): string {
  const [first, ...rest] = errors;
  if (!first) return 'not a graph';
  const more = rest.reduce((n, e) => n + (e.code === 'too-many-errors' ? (e.omitted ?? 1) : 1), 0);
  return `${renderFormatError(first)}${more ? ` (and ${more.toLocaleString('en-US')} more ${more === 1 ? 'problem' : 'problems'})` : ''}`;
}

/** Where a field sits in a written document, so errors at equal depth read top to bottom. */
const FIELD_ORDER = ['format', 'version', 'name', 'description', 'nodes', 'edges', 'id', 'op', 'source', 'target', 'targetPort', 'label', 'params', 'position', 'x', 'y'];

function compareSegments(a: PathSegment, b: PathSegment): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const ia = FIELD_ORDER.indexOf(a);
  const ib = FIELD_ORDER.indexOf(b);
  if (ia !== ib) return (ia < 0 ? FIELD_ORDER.length : ia) - (ib < 0 ? FIELD_ORDER.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Most specific first: an error that names a field (`nodes[3].params.kernel`) comes before one about a whole node
 * or edge, which comes before one about the document; equal depths read in document order. Duplicates (same path
 * and message) are merged, and past `maxErrors` the rest become one counting line.
 */
export function finishProblems(problems: readonly Problem[], noun = 'error', maxErrors: number = FORMAT_LIMITS.maxErrors): FormatError[] {
  const seen = new Set<string>();
  const unique: Problem[] = [];
  for (const p of problems) {
    const key = `${JSON.stringify(p.at)}\u0000${p.message}`;
    if (!seen.has(key)) (seen.add(key), unique.push(p));
  }
  unique.sort((a, b) => {
    if (a.at.length !== b.at.length) return b.at.length - a.at.length;
    for (let i = 0; i < a.at.length; i++) {
      const c = compareSegments(a.at[i]!, b.at[i]!);
      if (c !== 0) return c;
    }
    return 0;
  });
  const shown: FormatError[] = unique
    .slice(0, maxErrors)
    .map((p) => ({ code: p.code, path: formatPath(p.at), message: p.message }));
  const rest = unique.length - shown.length;
  if (rest > 0) shown.push({ code: 'too-many-errors', path: '', message: `…and ${rest.toLocaleString('en-US')} more ${noun}${rest === 1 ? '' : 's'}`, omitted: rest });
  return shown;
}

/** A value as a user would have typed it, short enough for one line. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  return typeof v === 'string' ? quote(v) : clip(String(v));
}

/** Edit distance, for "did you mean" suggestions on short names. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** Known names close to `name` (typos, case, prefixes), closest first. */
export function closeMatches(name: string, known: readonly string[], max = 3): string[] {
  const lower = name.toLowerCase();
  if (lower.length > 64) return [];
  const scored: [string, number][] = [];
  for (const k of known) {
    const kl = k.toLowerCase();
    const d = editDistance(lower, kl);
    const prefix = Math.min(lower.length, kl.length) >= 3 && (kl.startsWith(lower) || lower.startsWith(kl));
    if (d <= Math.max(1, Math.floor(k.length / 3)) || prefix) scored.push([k, prefix ? Math.min(d, 1) : d]);
  }
  return scored.sort((a, b) => a[1] - b[1]).slice(0, max).map(([k]) => k);
}

/** ` (did you mean "conv2d"?)` or '' when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const close = closeMatches(name, known);
  if (close.length === 0) return '';
  return ` (did you mean ${close.map((c) => quote(c)).join(' or ')}?)`;
}
