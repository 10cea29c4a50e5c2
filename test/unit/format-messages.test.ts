// Messages quote user input: however long that input is, a message stays short, and a long list of problems is capped.
import { describe, expect, it } from 'vitest';
import { FORMAT_LIMITS, formatPath, parseGraph, renderFormatError, renderFormatErrors } from '../../src/core/format';
import { checkParam, type ParamSpec } from '../../src/core/params';
import { capLines, clip, quote } from '../../src/core/text';
import { unetDoc } from './format-docs';

const HUGE = 'A'.repeat(10 * 1024 * 1024);
const MAX_LINE = 400;

function errorsOf(input: unknown) {
  const result = parseGraph(input);
  if (result.ok) throw new Error('expected the document to be refused');
  return result.errors;
}

const raw = (): any => JSON.parse(JSON.stringify(unetDoc()));

describe('quoting user input', () => {
  it('cuts long text and says how long it was', () => {
    expect(quote('conv')).toBe('"conv"');
    expect(quote('x'.repeat(100))).toBe(`"${'x'.repeat(59)}…" (100 characters)`);
    expect(clip('y'.repeat(70))).toBe(`${'y'.repeat(59)}… (70 characters)`);
    expect(quote(HUGE).length).toBeLessThan(100);
  });

  it('never cuts a surrogate pair in half', () => {
    const text = `${'a'.repeat(58)}😀${'b'.repeat(20)}`;
    expect(quote(text)).not.toMatch(/\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('caps message lists with a count of the rest', () => {
    const lines = Array.from({ length: 149_998 }, (_, i) => `problem ${i}`);
    const capped = capLines(lines, 20, 'problem');
    expect(capped).toHaveLength(21);
    expect(capped[20]).toBe('… and 149,978 more problems');
  });
});

describe('format errors quote at most a prefix of the input', () => {
  it('a huge unknown params key (path and message)', () => {
    const doc = raw();
    doc.nodes[1].params[HUGE] = 1;
    const errors = errorsOf(JSON.stringify(doc));
    expect(errors.map((e) => e.code)).toContain('unknown-param');
    for (const e of errors) expect(renderFormatError(e).length).toBeLessThan(MAX_LINE);
  });

  it('a huge node id: duplicate, dangling and port messages (q() in checks)', () => {
    const doc = raw();
    const id = `n${HUGE}`.slice(0, FORMAT_LIMITS.maxIdLength * 1000);
    doc.nodes[1].id = id;
    doc.nodes[2].id = id;
    doc.edges.push({ id: `e${HUGE}`, source: `s${HUGE}`, target: id, targetPort: 9 });
    const errors = errorsOf(doc);
    expect(errors.length).toBeGreaterThan(1);
    for (const e of errors) expect(renderFormatError(e).length).toBeLessThan(MAX_LINE);
  });

  it('a huge unknown op and a huge top-level key', () => {
    const doc = raw();
    doc.nodes[1].op = HUGE;
    doc[`k${HUGE}`] = 1;
    const result = parseGraph(doc);
    const lines = result.ok ? result.warnings : result.errors.map(renderFormatError);
    for (const line of lines) expect(line.length).toBeLessThan(MAX_LINE);
  });

  it('a huge string param value (show() in params)', () => {
    const spec: ParamSpec = { type: 'int', default: 1, min: 1, help: '' };
    expect(checkParam(spec, HUGE)!.length).toBeLessThan(MAX_LINE);
    expect(checkParam(spec, [HUGE])!.length).toBeLessThan(MAX_LINE);
    const doc = raw();
    doc.nodes[1].params.kernel = HUGE;
    for (const e of errorsOf(doc)) expect(renderFormatError(e).length).toBeLessThan(MAX_LINE);
  });

  it('formatPath cuts long keys, quoted or not', () => {
    expect(formatPath(['nodes', 1, 'params', HUGE]).length).toBeLessThan(120);
    expect(formatPath(['nodes', 1, 'params', `a b${HUGE}`]).length).toBeLessThan(120);
    expect(formatPath(['nodes', 1, 'params', 'kernel'])).toBe('nodes[1].params.kernel');
  });
});

describe('many problems', () => {
  it('50,000 duplicate ids and 50,000 dangling edges: a capped list, not a stack overflow', () => {
    const n = 50_000;
    const node = { id: 'same', op: 'input', params: {}, position: { x: 0, y: 0 } };
    const nodes = Array.from({ length: n }, () => node);
    const edges = Array.from({ length: n }, (_, i) => ({ id: `e${i}`, source: `ghost${i}`, target: 'same', targetPort: 0 }));
    const errors = errorsOf({ format: 'unet-studio/graph', version: 1, name: 'bomb', nodes, edges });
    expect(errors.some((e) => e.code === 'internal')).toBe(false);
    expect(errors).toHaveLength(FORMAT_LIMITS.maxErrors + 1);
    const last = errors[errors.length - 1]!;
    expect(last.code).toBe('too-many-errors');
    expect(last.message).toMatch(/^…and \d{1,3}(,\d{3})+ more errors$/);
    expect(renderFormatErrors(errors).length).toBeLessThan(FORMAT_LIMITS.maxErrors * MAX_LINE);
  });
});
