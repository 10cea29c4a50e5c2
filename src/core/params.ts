import { z } from 'zod';
import { clip, quote } from './text';
import type { ParamValue, Params } from './types';

interface SpecBase<T> {
  default: T;
  /** One line shown in the inspector and the CLI. */
  help: string;
  /** The param only applies when this holds (e.g. `alpha` only for leakyRelu); hidden otherwise. */
  when?: (params: Params) => boolean;
}

export type IntSpec = SpecBase<number> & { type: 'int'; min?: number; max?: number };
export type FloatSpec = SpecBase<number> & { type: 'float'; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean };
export type BoolSpec = SpecBase<boolean> & { type: 'bool' };
export type ChoiceSpec<C extends string = string> = SpecBase<C> & { type: 'choice'; choices: readonly C[] };
/** Convolution padding: 'valid', 'same', or an explicit number of zero rows/columns on every side. */
export type PaddingSpec = SpecBase<Padding> & { type: 'padding'; max?: number };
export type Padding = 'valid' | 'same' | number;

export type ParamSpec = IntSpec | FloatSpec | BoolSpec | ChoiceSpec | PaddingSpec;

export type ParamSpecs = Record<string, ParamSpec>;

/** The value a spec admits: a number, a boolean, one of the choices (as literal types), or a padding. */
export type ValueOf<S extends ParamSpec> = S extends { type: 'int' | 'float' }
  ? number
  : S extends { type: 'bool' }
    ? boolean
    : S extends { type: 'choice'; choices: readonly (infer C)[] }
      ? C
      : S extends { type: 'padding' }
        ? Padding
        : never;

/** Validated, defaulted params of an op with these specs: `p.kernel` is a number, `p.kernal` does not exist. */
export type ParamsOf<S extends ParamSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** The refused value as typed, cut when long (a pasted 10 MB string must not make a 10 MB message). */
const show = (v: unknown): string => {
  if (typeof v === 'string') return quote(v);
  if (v === undefined) return 'nothing';
  try {
    return clip(JSON.stringify(v) ?? String(v));
  } catch {
    return clip(String(v));
  }
};

/** Human description of what a spec accepts, used in every error message about it. */
export function describeSpec(spec: ParamSpec): string {
  switch (spec.type) {
    case 'int': {
      const parts = [spec.min !== undefined ? `≥ ${spec.min}` : '', spec.max !== undefined ? `≤ ${spec.max}` : ''];
      return `an integer ${parts.filter(Boolean).join(' and ')}`.trim();
    }
    case 'float': {
      const lo = spec.min !== undefined ? `${spec.exclusiveMin ? '>' : '≥'} ${spec.min}` : '';
      const hi = spec.max !== undefined ? `${spec.exclusiveMax ? '<' : '≤'} ${spec.max}` : '';
      return `a number ${[lo, hi].filter(Boolean).join(' and ')}`.trim();
    }
    case 'bool':
      return 'true or false';
    case 'choice':
      return `one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}`;
    case 'padding':
      return `"valid", "same" or an integer ≥ 0${spec.max !== undefined ? ` and ≤ ${spec.max}` : ''}`;
  }
}

const cache = new WeakMap<ParamSpec, z.ZodType<ParamValue>>();

/** The zod schema for one param; its message always reads `expected <describeSpec>, got <value>`. */
export function paramSchema(spec: ParamSpec): z.ZodType<ParamValue> {
  const hit = cache.get(spec);
  if (hit) return hit;
  const error = (iss: { input?: unknown }) => `expected ${describeSpec(spec)}, got ${show(iss.input)}`;
  const o = { error };
  let schema: z.ZodType<ParamValue>;
  switch (spec.type) {
    case 'int': {
      let s = z.number(o).int(o);
      if (spec.min !== undefined) s = s.min(spec.min, o);
      if (spec.max !== undefined) s = s.max(spec.max, o);
      schema = s;
      break;
    }
    case 'float': {
      let s = z.number(o).finite(o);
      if (spec.min !== undefined) s = spec.exclusiveMin ? s.gt(spec.min, o) : s.min(spec.min, o);
      if (spec.max !== undefined) s = spec.exclusiveMax ? s.lt(spec.max, o) : s.max(spec.max, o);
      schema = s;
      break;
    }
    case 'bool':
      schema = z.boolean(o);
      break;
    case 'choice':
      schema = z.enum(spec.choices as [string, ...string[]], o);
      break;
    case 'padding': {
      let n = z.number(o).int(o).min(0, o);
      if (spec.max !== undefined) n = n.max(spec.max, o);
      schema = z.union([z.enum(['valid', 'same']), n], o);
      break;
    }
  }
  cache.set(spec, schema);
  return schema;
}

/**
 * The schema's rules written out, for the common case of a valid value: the engine checks every param of
 * every node on each edit, and zod's safeParse dominated that. Anything not plainly valid goes to zod,
 * which also writes the message.
 */
function plainlyValid(spec: ParamSpec, v: unknown): boolean {
  const inRange = (n: number, min = -Infinity, max = Infinity) => !(n < min) && !(n > max);
  switch (spec.type) {
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) && inRange(v, spec.min, spec.max);
    case 'float':
      return (
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (spec.min === undefined || (spec.exclusiveMin ? v > spec.min : v >= spec.min)) &&
        (spec.max === undefined || (spec.exclusiveMax ? v < spec.max : v <= spec.max))
      );
    case 'bool':
      return typeof v === 'boolean';
    case 'choice':
      return typeof v === 'string' && spec.choices.includes(v);
    case 'padding':
      return v === 'valid' || v === 'same' || (typeof v === 'number' && Number.isSafeInteger(v) && inRange(v, 0, spec.max));
  }
}

/** Why `value` is not acceptable for `spec`, or null when it is. */
export function checkParam(spec: ParamSpec, value: unknown): string | null {
  if (plainlyValid(spec, value)) return null;
  const r = paramSchema(spec).safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? `expected ${describeSpec(spec)}`);
}

const defaultsCache = new WeakMap<ParamSpecs, Params>();

export function defaultParams(specs: ParamSpecs): Params {
  let defaults = defaultsCache.get(specs);
  if (!defaults) {
    defaults = {};
    for (const [k, s] of Object.entries(specs)) defaults[k] = s.default;
    defaultsCache.set(specs, defaults);
  }
  return { ...defaults };
}

/** Defaults overlaid with the given values (unknown keys dropped). */
export function withDefaults(specs: ParamSpecs, given: Params | undefined): Params {
  const out = defaultParams(specs);
  if (given) for (const k in out) if (Object.hasOwn(given, k)) out[k] = given[k]!;
  return out;
}
