import { readFile } from 'node:fs/promises';
import { parseGraph, renderFormatError } from '../core/format';
import type { GraphDoc } from '../core/types';
import { CliError } from './command';

export interface LoadedGraph {
  doc: GraphDoc;
  /** Format warnings (e.g. ignored keys), each prefixed with the file name. */
  warnings: string[];
}

const readProblem = (path: string, err: NodeJS.ErrnoException): string => {
  switch (err.code) {
    case 'ENOENT':
      return `cannot read ${path}: no such file`;
    case 'EISDIR':
      return `cannot read ${path}: it is a directory`;
    case 'EACCES':
      return `cannot read ${path}: permission denied`;
    default:
      return `cannot read ${path}: ${err.message}`;
  }
};

/** Reads and parses a graph file; any problem becomes a one-line CliError naming the file and the place. */
export async function loadGraph(path: string): Promise<LoadedGraph> {
  let bytes: Uint8Array;
  try {
    // Bytes, not 'utf8': the format decides the encoding (BOMs, invalid UTF-8) the same way the browser does.
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError(readProblem(path, err as NodeJS.ErrnoException));
  }
  const result = parseGraph(bytes);
  if (!result.ok) {
    const [first, ...rest] = result.errors;
    const more = rest.length ? ` (and ${rest.length} more ${rest.length === 1 ? 'problem' : 'problems'})` : '';
    throw new CliError(`${path}: ${first ? renderFormatError(first) : 'not a graph'}${more}`);
  }
  return { doc: result.doc, warnings: result.warnings.map((w) => `${path}: ${w}`) };
}
