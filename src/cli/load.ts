import { readFile } from 'node:fs/promises';
import type { GraphDoc } from '../core/types';
import { CliError } from './command';

type ParseResult =
  | { ok: true; doc: GraphDoc; warnings: string[] }
  | { ok: false; errors: { path: string; message: string }[] };

/**
 * Stand-in for `parseGraph` from src/core/format.ts until that lands: the same result shape, checking only
 * what the commands rely on. Switching is this one function.
 */
function parseGraph(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [{ path: '', message: `not valid JSON (${(err as Error).message})` }] };
  }
  const errors: { path: string; message: string }[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(data)) return { ok: false, errors: [{ path: '', message: 'expected a graph object' }] };
  if (data.format !== 'unet-studio/graph') errors.push({ path: 'format', message: `expected "unet-studio/graph", got ${JSON.stringify(data.format)}` });
  const check = (list: unknown, name: string, fields: Record<string, string>) => {
    if (!Array.isArray(list)) return errors.push({ path: name, message: 'expected an array' });
    list.forEach((item, i) => {
      if (!isObject(item)) return errors.push({ path: `${name}[${i}]`, message: 'expected an object' });
      for (const [field, type] of Object.entries(fields))
        if (typeof item[field] !== type) errors.push({ path: `${name}[${i}].${field}`, message: `expected a ${type}, got ${JSON.stringify(item[field]) ?? 'nothing'}` });
    });
  };
  check(data.nodes, 'nodes', { id: 'string', op: 'string', params: 'object' });
  check(data.edges, 'edges', { id: 'string', source: 'string', target: 'string', targetPort: 'number' });
  if (errors.length) return { ok: false, errors };
  const doc = data as unknown as GraphDoc;
  for (const n of doc.nodes) n.position ??= { x: 0, y: 0 };
  return { ok: true, doc: { ...doc, name: typeof doc.name === 'string' ? doc.name : '' }, warnings: [] };
}

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
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(readProblem(path, err as NodeJS.ErrnoException));
  }
  const result = parseGraph(text);
  if (!result.ok) {
    const [first, ...rest] = result.errors;
    const where = first?.path ? `${first.path}: ` : '';
    const more = rest.length ? ` (and ${rest.length} more ${rest.length === 1 ? 'problem' : 'problems'})` : '';
    throw new CliError(`${path}: ${where}${first?.message ?? 'not a graph'}${more}`);
  }
  return { doc: result.doc, warnings: result.warnings.map((w) => `${path}: ${w}`) };
}
