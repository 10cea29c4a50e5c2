import { FORMAT_LIMITS, parseGraph, serializeGraph, type FormatError } from '../../core/format';
import type { GraphDoc } from '../../core/types';
import { parseInBackground } from './parseInBackground';

/** A file name from the document's name: "U-Net (paper, 572×572)" → "u-net-paper-572x572". */
export function fileStem(name: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/×/g, 'x')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  return stem || 'graph';
}

export function downloadUrl(url: string, fileName: string) {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function downloadText(text: string, fileName: string, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloadUrl(url, fileName);
  // Revoke after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Our JSON format, annotated with the inferred shapes (import ignores them). */
export function exportGraphJson(doc: GraphDoc): string {
  const text = serializeGraph(doc, { shapes: true });
  downloadText(text, `${fileStem(doc.name)}.json`);
  return text;
}

export type ImportResult = { ok: true; doc: GraphDoc; warnings: string[] } | { ok: false; errors: FormatError[] };

/**
 * What the editor opens. The format allows 50,000 nodes (the CLI handles them); the canvas stays responsive to
 * about 20,000 (bench/editor.bench.ts: 10,000 nodes open in a few seconds), so larger graphs are refused with a
 * pointer to the CLI instead of freezing the tab. Pretty-printed with shapes a node is ~560 bytes.
 */
export const EDITOR_LIMITS = { maxNodes: 20_000, maxEdges: 25_000, maxBytes: 16 * 1024 * 1024 } as const;

const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
const count = (n: number) => n.toLocaleString('en-US');
const tooBig = (code: FormatError['code'], what: string): ImportResult => ({
  ok: false,
  errors: [{ code, path: '', message: `${what}; use the command line for it (unet-studio summary FILE)` }],
});

/** Reads a picked or dropped file as a graph, parsing and checking it off the page's thread where it can; never throws. */
export async function readGraphFile(file: File): Promise<ImportResult> {
  if (file.size > FORMAT_LIMITS.maxTextChars * 2)
    return {
      ok: false,
      errors: [{ code: 'too-large', path: '', message: `the file is ${(file.size / 1e6).toFixed(0)} MB; a graph file is at most ${FORMAT_LIMITS.maxTextChars / 1024 / 1024} MB` } as FormatError],
    };
  if (file.size > EDITOR_LIMITS.maxBytes)
    return tooBig('too-large', `the file is ${megabytes(file.size)}; the editor opens graph files up to ${megabytes(EDITOR_LIMITS.maxBytes)}`);
  let bytes: ArrayBuffer;
  try {
    // Bytes, not file.text() (which turns invalid UTF-8 into U+FFFD): the format decodes them as the CLI does.
    bytes = await file.arrayBuffer();
  } catch (err) {
    return { ok: false, errors: [{ code: 'internal', path: '', message: `could not read the file (${err instanceof Error ? err.message : String(err)})` }] };
  }
  return parseInBackground(bytes, parseGraphBytes);
}

/**
 * The file's bytes as a graph, with the editor's limits: what `readGraphFile` does once the file is read. Runs
 * in a worker in the browser (parseWorker.ts), in the calling thread elsewhere.
 */
export function parseGraphBytes(bytes: ArrayBuffer): ImportResult {
  const result = parseGraph(bytes);
  if (result.ok && result.doc.nodes.length > EDITOR_LIMITS.maxNodes)
    return tooBig('too-many-nodes', `the graph has ${count(result.doc.nodes.length)} nodes; the editor opens up to ${count(EDITOR_LIMITS.maxNodes)}`);
  if (result.ok && result.doc.edges.length > EDITOR_LIMITS.maxEdges)
    return tooBig('too-many-edges', `the graph has ${count(result.doc.edges.length)} edges; the editor opens up to ${count(EDITOR_LIMITS.maxEdges)}`);
  return result;
}
