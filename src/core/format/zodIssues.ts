import type { z } from 'zod';
import { getOp, opTypes } from '../ops';
import { quote } from '../text';
import { didYouMean, showValue, type PathSegment, type Problem } from './errors';

type Issue = z.core.$ZodIssue;

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The value at `path` inside the document zod was given, to word errors about it (which node, which op). */
function lookup(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

const nodeName = (node: Record<string, unknown> | undefined) =>
  typeof node?.id === 'string' ? `node ${quote(node.id)}` : 'this node';

const knownOps = () => `known ops: ${opTypes().join(', ')}`;

function unknownOp(at: PathSegment[], node: Record<string, unknown> | undefined): Problem {
  const op = node?.op;
  if (op === undefined) return { code: 'invalid', at, message: `missing (${nodeName(node)} needs an op; ${knownOps()})` };
  if (typeof op !== 'string') return { code: 'invalid', at, message: `expected an op name (a string), got ${showValue(op)}; ${knownOps()}` };
  return { code: 'unknown-op', at, message: `${nodeName(node)} has unknown op ${showValue(op)}${didYouMean(op, opTypes())}; ${knownOps()}` };
}

function unknownParams(at: PathSegment[], keys: readonly string[], node: Record<string, unknown> | undefined): Problem[] {
  const op = typeof node?.op === 'string' ? getOp(node.op) : undefined;
  const known = op ? Object.keys(op.params) : [];
  const takes = !op ? '' : known.length ? `${op.type} takes: ${known.join(', ')}` : `${op.type} takes no params`;
  return keys.map((key) => ({
    code: 'unknown-param' as const,
    at: [...at, key],
    message: `unknown param ${quote(key)} for ${nodeName(node)}${didYouMean(key, known)}${takes ? `; ${takes}` : ''}`,
  }));
}

function sizeMessage(iss: Extract<Issue, { code: 'too_big' | 'too_small' }>, field: PathSegment | undefined): string {
  const input = iss.input;
  const big = iss.code === 'too_big';
  const limit = Number(big ? iss.maximum : iss.minimum);
  if (iss.origin === 'string' && typeof input === 'string') {
    if (!big && limit === 1) return 'must not be empty';
    return `${input.length} characters; ${big ? 'the limit is' : 'expected at least'} ${limit}`;
  }
  if (iss.origin === 'array' && Array.isArray(input)) return `${input.length} items; ${big ? 'the limit is' : 'expected at least'} ${limit}`;
  const bound = big ? (iss.inclusive ? '≤' : '<') : iss.inclusive ? '≥' : '>';
  const integer = iss.origin === 'int' || field === 'targetPort';
  return `expected ${integer ? 'an integer' : 'a number'} ${bound} ${limit}, got ${showValue(input)}`;
}

/** One zod issue, worded for someone who wrote the file by hand. */
export function fromZodIssue(iss: Issue, doc: unknown): Problem[] {
  const at = iss.path.filter((s): s is PathSegment => typeof s !== 'symbol');
  const inParams = at.length >= 3 && at[0] === 'nodes' && at[2] === 'params';
  const node = at[0] === 'nodes' && typeof at[1] === 'number' ? record(lookup(doc, at.slice(0, 2))) : undefined;
  switch (iss.code) {
    case 'invalid_union':
      if (iss.discriminator === 'op' && node) return [unknownOp(at, node)];
      return [{ code: 'invalid', at, message: iss.message }];
    case 'unrecognized_keys':
      if (inParams && at.length === 3) return unknownParams(at, iss.keys, node);
      return iss.keys.map((key) => ({ code: 'invalid' as const, at: [...at, key], message: 'unknown field' }));
    case 'invalid_type': {
      if (inParams && at.length > 3) return [{ code: 'bad-param', at, message: iss.message }];
      const noun = at[at.length - 1] === 'position' ? 'an object like { "x": 0, "y": 0 }' : (NOUNS[iss.expected] ?? iss.expected);
      if (inParams && at.length === 3) return [{ code: 'invalid', at, message: `expected an object of params, got ${showValue(iss.input)}` }];
      if (iss.input === undefined) return [{ code: 'invalid', at, message: `missing (expected ${noun})` }];
      return [{ code: 'invalid', at, message: `expected ${noun}, got ${showValue(iss.input)}` }];
    }
    case 'too_big':
    case 'too_small':
      return [{ code: inParams ? 'bad-param' : 'invalid', at, message: inParams ? iss.message : sizeMessage(iss, at[at.length - 1]) }];
    case 'invalid_value':
      if (inParams) return [{ code: 'bad-param', at, message: iss.message }];
      return [{ code: 'invalid', at, message: `expected ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${showValue(iss.input)}` }];
    default:
      return [{ code: inParams ? 'bad-param' : 'invalid', at, message: iss.message }];
  }
}
