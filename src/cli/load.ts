import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseGraph, summarizeFormatErrors } from '../core/format';
import type { GraphDoc } from '../core/types';
import type { StateDict } from '../compile';
import { ImportError, importModel, isKerasJson, isModelFile, type ImportedModel, type ModelFile } from '../compile/import';
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

/** Parsed JSON when the file is a Keras / tfjs Layers model (not one of our graphs), else undefined. */
function kerasJson(bytes: Uint8Array): unknown {
  // Cheap test first: our graphs never mention these keys at the top.
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  if (!/"(modelTopology|class_name)"/.test(head)) return undefined;
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isKerasJson(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

/** The .bin shards a tfjs model.json lists, read from beside it. */
async function weightShards(file: string, json: unknown): Promise<ModelFile[]> {
  const manifest = (json as { weightsManifest?: { paths?: string[] }[] }).weightsManifest ?? [];
  const paths = manifest.flatMap((g) => g.paths ?? []);
  return Promise.all(
    paths.map(async (p) => {
      const at = path.join(path.dirname(file), p);
      try {
        return { name: p, bytes: await readFile(at) };
      } catch (err) {
        throw new CliError(`${file}: its weights file ${readProblem(at, err as NodeJS.ErrnoException)}`);
      }
    }),
  );
}

/**
 * Opens a model from another tool (ONNX, or a Keras / tfjs model.json with its shards) as a graph with its
 * weights; an unsupported model lists every op it would need.
 */
async function loadImported(file: string, bytes: Uint8Array, options: LoadOptions, keras?: unknown): Promise<LoadedGraph> {
  let imported: ImportedModel;
  try {
    const shards = keras === undefined ? [] : await weightShards(file, keras);
    imported = await importModel([{ name: path.basename(file), bytes }, ...shards], { inputSize: options.inputSize });
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
  let bytes: Uint8Array;
  try {
    // Bytes, not 'utf8': the format decides the encoding (BOMs, invalid UTF-8) the same way the browser does.
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError(readProblem(path, err as NodeJS.ErrnoException));
  }
  if (isModelFile(path)) return loadImported(path, bytes, options);
  const keras = kerasJson(bytes);
  if (keras !== undefined) return loadImported(path, bytes, options, keras);
  const result = parseGraph(bytes);
  if (!result.ok) {
    throw new CliError(`${path}: ${summarizeFormatErrors(result.errors)}`);
  }
  return { doc: result.doc, warnings: result.warnings.map((w) => `${path}: ${w}`) };
}
