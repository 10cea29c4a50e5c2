// One decoding rule for graph files, shared by the CLI and the browser: BOMs pick the encoding, invalid UTF-8 is an error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGraph } from '../../src/cli/load';
import { decodeGraphBytes, parseGraph, serializeGraph } from '../../src/core/format';
import { chainDoc } from './format-docs';

const text = serializeGraph({ ...chainDoc(2), name: 'Zürich — 東京 😀' });
const utf8 = (s: string) => new TextEncoder().encode(s);
const utf16le = (s: string, bom = true) => {
  const out = new Uint8Array((bom ? 2 : 0) + s.length * 2);
  if (bom) out.set([0xff, 0xfe]);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[(bom ? 2 : 0) + 2 * i] = c & 0xff;
    out[(bom ? 2 : 0) + 2 * i + 1] = c >> 8;
  }
  return out;
};
const utf16be = (s: string) => {
  const le = utf16le(s);
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le; // the BOM swaps to FE FF too
};
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

describe('decodeGraphBytes', () => {
  it.each([
    ['UTF-8', utf8(text)],
    ['UTF-8 with BOM', concat(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(text))],
    ['UTF-16 LE with BOM', utf16le(text)],
    ['UTF-16 BE with BOM', utf16be(text)],
  ])('reads %s', (_, bytes) => {
    expect(decodeGraphBytes(bytes)).toEqual({ ok: true, text });
    const parsed = parseGraph(bytes);
    expect(parsed.ok && parsed.doc.name).toBe('Zürich — 東京 😀');
  });

  it('refuses invalid UTF-8 with where it is, instead of U+FFFD', () => {
    const bytes = concat(utf8('{\n  "name": "caf'), new Uint8Array([0xe9]), utf8('"\n}'));
    const result = parseGraph(bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { code: 'bad-encoding', path: '', message: 'the file is not valid UTF-8: byte 0xE9 at line 2, column 15 (byte offset 16); save it as UTF-8' },
    ]);
  });

  it.each([
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a UTF-16 surrogate in UTF-8', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe6, 0x9d]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s', (_, bad) => {
    const result = decodeGraphBytes(concat(utf8('{"a":"'), new Uint8Array(bad), utf8('"}')));
    expect(result.ok).toBe(false);
  });

  it('names UTF-16 without a BOM, and a BOM with an odd byte count', () => {
    const bomless = decodeGraphBytes(utf16le(text, false));
    expect(!bomless.ok && bomless.problems[0]!.message).toMatch(/UTF-16 without a byte order mark/);
    const odd = decodeGraphBytes(concat(utf16le(text), new Uint8Array([0x20])));
    expect(!odd.ok && odd.problems[0]!.message).toMatch(/odd number of bytes/);
    const lone = decodeGraphBytes(concat(new Uint8Array([0xff, 0xfe]), new Uint8Array([0x00, 0xd8, 0x41, 0x00])));
    expect(!lone.ok && lone.problems[0]!.message).toMatch(/unpaired surrogate/);
  });
});

describe('the CLI reads files by the same rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-decode-'));

  it('opens a UTF-16 file with BOM', async () => {
    const path = join(dir, 'utf16.json');
    writeFileSync(path, utf16le(text));
    expect((await loadGraph(path)).doc.name).toBe('Zürich — 東京 😀');
  });

  it('refuses invalid UTF-8 with a clear one-line message', async () => {
    const path = join(dir, 'latin1.json');
    writeFileSync(path, concat(utf8(text.replace('Zürich', 'Z')), new Uint8Array([0xfc]), utf8('\n')));
    await expect(loadGraph(path)).rejects.toThrow(/latin1\.json: the file is not valid UTF-8: byte 0xFC at line \d+, column \d+/);
  });
});

describe('the browser reads files by the same rule', () => {
  it('opens UTF-16 with BOM and refuses invalid UTF-8 (readGraphFile)', async () => {
    const { readGraphFile } = await import('../../src/ui/model/files');
    const opened = await readGraphFile(new File([utf16be(text)], 'utf16.json'));
    expect(opened.ok && opened.doc.name).toBe('Zürich — 東京 😀');
    const refused = await readGraphFile(new File([concat(utf8('{"name":"'), new Uint8Array([0xff]), utf8('"}'))], 'bad.json'));
    expect(!refused.ok && refused.errors[0]!.code).toBe('bad-encoding');
  });
});
