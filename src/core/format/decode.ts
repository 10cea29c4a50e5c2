import type { Problem } from './errors';
import { lineColumn } from './json';
import { FORMAT_LIMITS } from './limits';

/**
 * The one rule for turning a graph file's bytes into text, used by the CLI and the browser alike: a byte order mark
 * picks the encoding (UTF-8, UTF-16 LE, UTF-16 BE; editors on Windows write them), otherwise the file must be UTF-8.
 * Bytes that are not valid in that encoding are an error that says where, never silently replaced by U+FFFD.
 */
export type DecodeResult = { ok: true; text: string } | { ok: false; problems: Problem[] };

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

const hex = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte → length and the allowed range of the second byte (excludes overlongs, surrogates, > U+10FFFF).
    let length: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/** UTF-16 without a mark usually shows as a zero byte beside every ASCII character of `{ "format": …`. */
function looksLikeBomlessUtf16(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return false;
  const n = Math.min(bytes.length, 64);
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) i % 2 === 0 ? zeroEven++ : zeroOdd++;
  return zeroEven >= n / 4 || zeroOdd >= n / 4;
}

const fail = (code: Problem['code'], message: string): DecodeResult => ({ ok: false, problems: [{ code, at: [], message }] });

export function decodeGraphBytes(bytes: Uint8Array): DecodeResult {
  // UTF-16 takes two bytes per character, so this bound never refuses text that readJsonText would accept.
  if (bytes.length > 2 * FORMAT_LIMITS.maxTextChars)
    return fail('too-large', `the file is ${(bytes.length / 2 ** 20).toFixed(1)} MB; the limit is ${(2 * FORMAT_LIMITS.maxTextChars) / 2 ** 20} MB`);
  let encoding: Encoding = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) (encoding = 'utf-16le'), (start = 2);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) (encoding = 'utf-16be'), (start = 2);

  const body = bytes.subarray(start);
  if (encoding === 'utf-8') {
    const bad = firstInvalidUtf8(bytes, start);
    if (bad >= 0) {
      if (looksLikeBomlessUtf16(body))
        return fail('bad-encoding', 'the file looks like UTF-16 without a byte order mark; save it as UTF-8 (or UTF-16 with a BOM)');
      const before = new TextDecoder('utf-8').decode(bytes.subarray(start, bad));
      const { line, column } = lineColumn(before, before.length);
      return fail('bad-encoding', `the file is not valid UTF-8: byte ${hex(bytes[bad]!)} at line ${line}, column ${column} (byte offset ${bad}); save it as UTF-8`);
    }
    return { ok: true, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body) };
  }
  if (body.length % 2 !== 0) return fail('bad-encoding', `the file starts with a ${encoding.toUpperCase()} byte order mark but has an odd number of bytes (truncated?)`);
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body) };
  } catch {
    return fail('bad-encoding', `the file starts with a ${encoding.toUpperCase()} byte order mark but holds bytes that are not ${encoding.toUpperCase()} (an unpaired surrogate)`);
  }
}
