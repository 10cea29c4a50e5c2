import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseGraph, renderFormatError } from '../core/format';
import type { GraphDoc } from '../core/types';
import type { StateDict } from '../compile';
import { ImportError, importModel, isModelFile, type ImportedModel } from '../compile/import';
import { CliError } from './command';

export interface LoadedGraph {
  doc: GraphDoc;
  /** Format warnings (e.g. ignored keys), each prefixed with the file name. */
  warnings: string[];
  /** Weights that came with the file (an imported model), keyed by node id in PyTorch layout. */
  weights?: StateDict;
}

export interface LoadOptions {
  /** H×W to open a model with a dynamic input size at (ONNX); our own graphs carry their size. */
  inputSize?: { h: number; w: number };
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

/** Opens an ONNX model as a graph with its weights; an unsupported model lists every op it would need. */
async function loadImported(file: string, options: LoadOptions): Promise<LoadedGraph> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new CliError(readProblem(file, err as NodeJS.ErrnoException));
  }
  let imported: ImportedModel;
  try {
    imported = await importModel([{ name: path.basename(file), bytes }], { inputSize: options.inputSize });
  } catch (err) {
    if (err instanceof ImportError) throw new CliError(`${file}: cannot open this model:\n${[...err.summary, err.message].join('\n')}`);
    throw err;
  }
  return { doc: imported.doc, warnings: imported.warnings.map((w) => `${file}: ${w}`), weights: imported.weights };
}

/**
 * Reads a graph file — our JSON, or a model to import (.onnx) — and parses it; any problem becomes a
 * one-line CliError naming the file and the place.
 */
export async function loadGraph(path: string, options: LoadOptions = {}): Promise<LoadedGraph> {
  if (isModelFile(path)) return loadImported(path, options);
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
