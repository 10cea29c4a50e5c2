/**
 * Issue 11, "Error messages repeat the input in full", end to end: the files through the CLI (what it
 * prints) and through the editor's file reader (what the import dialog lists). format-messages.test.ts checks
 * each quoting place in the core; here the whole output of a command stays short, and 149,998 problems come back
 * as a capped list, not "Maximum call stack size exceeded".
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli as runCliInProcess } from './cli-helpers';
import { analyzeGraph } from '../../src/core/analysis';
import { FORMAT_LIMITS, parseGraph, renderFormatError, renderFormatErrors, serializeGraph } from '../../src/core/format';
import { readGraphFile } from '../../src/ui/model/files';
import { unetDoc } from './format-docs';

const HUGE = 'A'.repeat(10 * 1024 * 1024);
let dir: string;
const at = (name: string) => path.join(dir, name);

async function cli(...argv: string[]) {
  const r = await runCliInProcess(...argv);
  return { code: r.code, text: [r.out, r.err].filter(Boolean).join('\n') };
}

/** The file: a params key of 10 MB of "A" (20,971,718 bytes printed on one line before). */
const hugeKey = () => {
  const doc = JSON.parse(serializeGraph(unetDoc()));
  doc.nodes[1].params[HUGE] = 1;
  return JSON.stringify(doc);
};
/** 50,000 duplicate ids + 50,000 dangling edges: 149,998 problems. */
const manyProblems = () => {
  const n = 50_000;
  const nodes = Array.from({ length: n }, () => ({ id: 'same', op: 'input', params: {}, position: { x: 0, y: 0 } }));
  const edges = Array.from({ length: n }, (_, i) => ({ id: `e${i}`, source: `ghost${i}`, target: 'same', targetPort: 0 }));
  return JSON.stringify({ format: 'unet-studio/graph', version: 1, name: 'bomb', nodes, edges });
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unet-messages-'));
  await writeFile(at('huge-key.json'), hugeKey());
  await writeFile(at('many.json'), manyProblems());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the CLI quotes a prefix of the input and caps the list', () => {
  it('a 10 MB params key: validate, summary and sizes print a few hundred bytes, naming the key by its start and length', async () => {
    for (const command of ['validate', 'summary', 'sizes']) {
      const r = await cli(command, at('huge-key.json'));
      expect(r.code, command).not.toBe(0);
      expect(r.text.length, command).toBeLessThan(2000);
      expect(r.text).toMatch(/AAAA…/);
      expect(r.text).toContain('10,485,760 characters');
    }
  });

  it('149,998 problems: the first one and the count of all the rest, no stack overflow', async () => {
    const r = await cli('validate', at('many.json'));
    expect(r.code).not.toBe(0);
    expect(r.text).not.toMatch(/call stack|could not read the document/i);
    // The first problem, and the count of all the others (not of the capped list: "(and 20 more problems)" before).
    expect(r.text).toMatch(/many\.json: nodes\[1\]\.id: duplicate node id "same" \(also used by nodes\[0\]\) \(and 149,998 more problems\)$/);
    expect(r.text.length).toBeLessThan(400);
  });
});

describe('the editor’s file reader (what the import dialog lists)', () => {
  it('a 10 MB params key: every listed error is one short line', async () => {
    const result = await readGraphFile(new File([hugeKey()], 'huge-key.json'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const e of result.errors) expect(e.message.length + e.path.length).toBeLessThan(400);
    expect(renderFormatErrors(result.errors).length).toBeLessThan(2000);
  });

  it('149,998 problems: at most maxErrors listed and a "…and N more" line', async () => {
    const result = await readGraphFile(new File([manyProblems()], 'many.json'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(FORMAT_LIMITS.maxErrors + 1);
    expect(result.errors.at(-1)!.message).toMatch(/^…and \d{1,3}(,\d{3})+ more errors$/);
  });
});

describe('every place of a document', () => {
  /** Paths to every value of the first three nodes and edges and the top level (the rest repeat them). */
  function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
    out.push(at);
    if (v && typeof v === 'object' && (at.length !== 2 || Number(at[1]) < 3))
      for (const [k, child] of Object.entries(v)) paths(child, [...at, Array.isArray(v) ? Number(k) : k], out);
    return out;
  }

  it('a 1 MB string as any value, or as a new key of any object: every message stays one short line', () => {
    const big = 'A'.repeat(1024 * 1024);
    const base = JSON.parse(serializeGraph(unetDoc()));
    let worst = { length: 0, line: '' };
    let probes = 0;
    for (const at of paths(base)) {
      for (const mode of ['value', 'key'] as const) {
        const doc = JSON.parse(JSON.stringify(base));
        const target = at.reduce((o, k) => o[k], doc);
        if (mode === 'value') {
          if (at.length === 0) continue;
          at.slice(0, -1).reduce((o, k) => o[k], doc)[at.at(-1)!] = big;
        } else if (target && typeof target === 'object' && !Array.isArray(target)) target[big] = 1;
        else continue;
        probes++;
        const r = parseGraph(JSON.stringify(doc));
        const lines = r.ok ? [...r.warnings, ...analyzeGraph(r.doc, { solve: false }).diagnostics.map((d) => d.message)] : r.errors.map(renderFormatError);
        for (const line of lines) if (line.length > worst.length) worst = { length: line.length, line: line.slice(0, 200) };
      }
    }
    expect(probes).toBeGreaterThan(100);
    expect(worst.length, worst.line).toBeLessThan(400);
  });
});
