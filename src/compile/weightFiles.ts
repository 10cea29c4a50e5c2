import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTfjsWeights } from './artifacts';
import type { CompiledGraph } from './compile';
import { MODEL_FILE, readTfjsFolder } from './folder';
import { stateDictFromJson, stateDictToJson, type StateDict } from './stateDict';
import { loadWeights, type LoadReport } from './weights';

/** The PyTorch-layout state dict file inside an exported folder. */
export const STATE_DICT_FILE = 'weights.json';

export type WeightsSource = 'tfjs' | 'state-dict';

export async function readStateDictFile(file: string): Promise<StateDict> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  try {
    return stateDictFromJson(json);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

export async function writeStateDictFile(file: string, dict: StateDict): Promise<void> {
  await writeFile(file, JSON.stringify(stateDictToJson(dict)));
}

const isDirectory = async (p: string) => (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
const exists = async (p: string) => (await stat(p).catch(() => undefined)) !== undefined;

/**
 * Loads weights for `--weights`: a folder with model.json + weights.bin (an export of the same graph) or with
 * weights.json, or a weights .json file (PyTorch layout, keyed by node id).
 */
export async function loadWeightsFrom(compiled: CompiledGraph, source: string): Promise<{ kind: WeightsSource; report?: LoadReport }> {
  if (await isDirectory(source)) {
    if (await exists(path.join(source, MODEL_FILE))) {
      loadTfjsWeights(compiled, await readTfjsFolder(source));
      return { kind: 'tfjs' };
    }
    if (await exists(path.join(source, STATE_DICT_FILE)))
      return { kind: 'state-dict', report: loadWeights(compiled, await readStateDictFile(path.join(source, STATE_DICT_FILE))) };
    throw new Error(`${source}: a weights folder needs ${MODEL_FILE} (+ its weights.bin) or ${STATE_DICT_FILE}`);
  }
  if (!(await exists(source))) throw new Error(`cannot read ${source}: no such file or folder`);
  if (!source.endsWith('.json')) throw new Error(`${source}: expected a weights .json file (PyTorch layout) or an exported model folder`);
  return { kind: 'state-dict', report: loadWeights(compiled, await readStateDictFile(source)) };
}
