import { parse as parseTolerant, printParseErrorCode, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import { type PathSegment, type Problem } from './errors';
import { FORBIDDEN_KEYS, FORMAT_LIMITS } from './limits';

export type JsonResult = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

const MB = 1024 * 1024;
const mb = (chars: number) => `${(chars / MB).toFixed(1)} MB`;

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const at = (text: string, offset: number) => {
  const { line, column } = lineColumn(text, offset);
  return `line ${line}, column ${column}`;
};

/**
 * Offset of the first bracket that opens nesting level `maxDepth + 1`, or -1. A linear scan that knows strings, so
 * neither JSON.parse nor anything after it ever sees a document deep enough to exhaust a stack.
 */
function tooDeepAt(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (++depth > maxDepth) return i;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) depth--;
  }
  return -1;
}

const SYNTAX_WORDS: Partial<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the end of the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'malformed \\u escape',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidCharacter: 'control character in a string (escape it)',
};

/** Why and where JSON.parse refused `text`: JSON.parse's own messages differ between engines and lack positions. */
function describeSyntaxError(text: string): string {
  const errors: ParseError[] = [];
  parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return 'invalid JSON';
  const what =
    text[first.offset] === "'"
      ? 'JSON needs double quotes (") around strings and names'
      : (SYNTAX_WORDS[printParseErrorCode(first.error as ParseErrorCode)] ?? 'syntax error');
  if (first.offset >= text.length) return `invalid JSON: the text ends too early (${what}) at ${at(text, text.length)}`;
  return `invalid JSON at ${at(text, first.offset)}: ${what}`;
}

/** Text → JSON value, with the size and depth bounds checked first. */
export function readJsonText(raw: string): JsonResult {
  const fail = (code: Problem['code'], message: string): JsonResult => ({ ok: false, problems: [{ code, at: [], message }] });
  if (raw.length > FORMAT_LIMITS.maxTextChars)
    return fail('too-large', `the document is ${mb(raw.length)}; the limit is ${mb(FORMAT_LIMITS.maxTextChars)}`);
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw; // editors on Windows like to add a BOM
  if (text.trim() === '') return fail('invalid-json', 'the document is empty (expected a JSON object)');
  const deep = tooDeepAt(text, FORMAT_LIMITS.maxDepth);
  if (deep >= 0) return fail('too-deep', `nested deeper than ${FORMAT_LIMITS.maxDepth} levels at ${at(text, deep)}`);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return fail('invalid-json', describeSyntaxError(text));
  }
}

/** A container being walked: its copy, and how to name its path in errors. */
interface Frame {
  source: object;
  copy: Record<string, unknown> | unknown[];
  parent: Frame | undefined;
  key: PathSegment;
  depth: number;
}

/** Path of `key` inside `frame` (or of the frame itself); the walk's own root frame adds nothing. */
const pathOf = (frame: Frame, key?: PathSegment): PathSegment[] => {
  const out: PathSegment[] = key === undefined || frame.parent === undefined ? [] : [key];
  for (let f: Frame | undefined = frame; f?.parent?.parent !== undefined; f = f.parent) out.push(f.key);
  return out.reverse();
};

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** "a Date object", "a function": never calls user code beyond reading `constructor.name`. */
function kindOf(v: unknown): string {
  if (typeof v !== 'object' || v === null) return `a ${typeof v}`;
  const ctor: unknown = (v as { constructor?: unknown }).constructor;
  const name = typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name ? ctor.name : 'non-plain';
  return `a ${name} object`;
}

/**
 * Checks a JSON-like value, refusing what JSON cannot hold (functions, NaN, Infinity, class instances), keys that
 * reach prototypes, nesting past the depth bound and documents past the value bound. Iterative, so no input
 * exhausts the stack. With `copy`, the result is a fresh tree of plain objects that reads each property once, so
 * getters and proxies cannot change their answer between checking and use; `undefined` object properties are
 * dropped, as JSON.stringify does. Without it (for JSON.parse output, already plain) the value itself is returned.
 */
export function checkJsonValue(input: unknown, { copy = true }: { copy?: boolean } = {}): JsonResult {
  const problems: Problem[] = [];
  const limit = FORMAT_LIMITS.maxValues.toLocaleString('en-US');
  const root: Frame = { source: {}, copy: {}, parent: undefined, key: 'value', depth: 0 };
  const stack: Frame[] = [];
  let values = 0;

  /** Checks one value; stores it (or its copy) in `holder[slot]`; queues containers. False stops the walk. */
  const visit = (value: unknown, parent: Frame, slot: PathSegment): boolean => {
    values++;
    const type = typeof value;
    if (value === null || type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(value))) {
      if (copy) (parent.copy as Record<PathSegment, unknown>)[slot] = value;
    } else if (type === 'number') {
      problems.push({ code: 'non-finite', at: pathOf(parent, slot), message: `expected a finite number, got ${value}` });
    } else if (type === 'object') {
      const container = value as object;
      if (parent.depth + 1 > FORMAT_LIMITS.maxDepth) {
        problems.push({ code: 'too-deep', at: pathOf(parent, slot), message: `nested deeper than ${FORMAT_LIMITS.maxDepth} levels` });
        return false;
      }
      const isArray = Array.isArray(container);
      if (!isArray && !isPlainObject(container)) {
        problems.push({ code: 'not-json', at: pathOf(parent, slot), message: `expected JSON data, got ${kindOf(container)}` });
        return true;
      }
      const frame: Frame = { source: container, copy: isArray ? [] : {}, parent, key: slot, depth: parent.depth + 1 };
      if (copy) (parent.copy as Record<PathSegment, unknown>)[slot] = frame.copy;
      stack.push(frame);
    } else problems.push({ code: 'not-json', at: pathOf(parent, slot), message: `expected JSON data, got ${value === undefined ? 'undefined' : kindOf(value)}` });
    return true;
  };

  let going = visit(input, root, 'value');
  while (going && stack.length > 0 && problems.length <= FORMAT_LIMITS.maxErrors * 4) {
    const frame = stack.pop()!;
    if (Array.isArray(frame.source)) {
      const items = frame.source as unknown[];
      if (values + items.length > FORMAT_LIMITS.maxValues) {
        problems.push({ code: 'too-many-values', at: pathOf(frame), message: `the document holds more than ${limit} values` });
        break;
      }
      for (let i = 0; i < items.length && going; i++) going = visit(items[i], frame, i);
    } else {
      const keys = Object.keys(frame.source);
      if (values + keys.length > FORMAT_LIMITS.maxValues) {
        problems.push({ code: 'too-many-values', at: pathOf(frame), message: `the document holds more than ${limit} values` });
        break;
      }
      for (let i = 0; i < keys.length && going; i++) {
        const key = keys[i]!;
        if (FORBIDDEN_KEYS.has(key)) {
          problems.push({ code: 'forbidden-key', at: pathOf(frame, key), message: `the key "${key}" is not allowed (it could reach object prototypes)` });
          continue;
        }
        const child = (frame.source as Record<string, unknown>)[key];
        if (child === undefined && copy) continue;
        going = visit(child, frame, key);
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: copy ? (root.copy as Record<string, unknown>).value : input };
}
