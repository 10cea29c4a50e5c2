import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseGraph } from '../core/format/parse';
import { serializeGraph } from '../core/format/serialize';
import type { GraphDoc } from '../core/types';
import { loadTfjsWeights, toTfjsFiles, WEIGHTS_FILE, type TfjsFiles } from './artifacts';
import { compileGraph, type CompiledGraph, type CompileOptions } from './compile';
import { compileForInference } from './optimize';

/**
 * A model folder (Node): graph.json (our format) + model.json and weights.bin (tfjs). tf.loadLayersModel reads
 * the latter two on its own; with graph.json the editor and the CLI get the graph back with its weights.
 */
export const GRAPH_FILE = 'graph.json';
export const MODEL_FILE = 'model.json';

export async function writeModelFolder(dir: string, compiled: CompiledGraph, graph: GraphDoc = compiled.doc): Promise<string[]> {
  const files = await toTfjsFiles(compiled.model);
  await mkdir(dir, { recursive: true });
  const written = [path.join(dir, GRAPH_FILE), path.join(dir, MODEL_FILE), path.join(dir, WEIGHTS_FILE)];
  await writeFile(written[0]!, serializeGraph(graph));
  await writeFile(written[1]!, JSON.stringify(files.modelJson));
  await writeFile(written[2]!, files.weights);
  return written;
}

async function readOrExplain(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: cannot read the ${what}${code === 'ENOENT' ? ' (no such file)' : ` (${(err as Error).message})`}`);
  }
}

/** model.json + weights.bin of a folder (the manifest's single weights file). */
export async function readTfjsFolder(dir: string): Promise<TfjsFiles> {
  const modelFile = path.join(dir, MODEL_FILE);
  let modelJson: TfjsFiles['modelJson'];
  try {
    modelJson = JSON.parse((await readOrExplain(modelFile, 'tfjs model')).toString('utf8'));
  } catch (err) {
    throw new Error(err instanceof SyntaxError ? `${modelFile}: not valid JSON (${err.message})` : (err as Error).message);
  }
  const paths = modelJson.weightsManifest?.flatMap((g) => g.paths) ?? [];
  if (paths.length !== 1) throw new Error(`${modelFile}: expected one weights file in the manifest, found ${paths.length}`);
  const weights = await readOrExplain(path.join(dir, paths[0]!), 'weights');
  return { modelJson, weights: new Uint8Array(weights) };
}

export async function readGraphFile(file: string): Promise<GraphDoc> {
  const parsed = parseGraph((await readOrExplain(file, 'graph')).toString('utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`);
  return parsed.doc;
}

/**
 * Compiles a folder's graph.json and fills it from its weights.bin. With inference options the saved (plain)
 * weights are loaded first and then folded into the optimised model.
 */
export async function readModelFolder(dir: string, options: CompileOptions = {}): Promise<CompiledGraph> {
  const graph = await readGraphFile(path.join(dir, GRAPH_FILE));
  const files = await readTfjsFolder(dir);
  const compiled = compileGraph(graph, { input: options.input });
  try {
    loadTfjsWeights(compiled, files);
    if (!options.inference) return compiled;
    const optimised = await compileForInference(compiled, options.inference);
    compiled.model.dispose();
    return optimised;
  } catch (err) {
    compiled.model.dispose();
    throw err;
  }
}
