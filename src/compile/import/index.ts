/**
 * Opening models from other tools as editable graphs: ONNX, Keras / tfjs Layers JSON (+ weights), and PyTorch
 * weights (.pth / .pt / .safetensors) for a graph already open. Each reader maps foreign ops to ours in one
 * table and returns our graph with a state dict in PyTorch layout keyed by node id (what loadWeights takes).
 */
import { readKeras } from './keras/reader';
import { arrangeImported } from './layout';
import { readOnnx } from './onnx/reader';
import { ImportError, type ImportedModel, type ImportOptions } from './types';

export { arrangeImported } from './layout';
export { KERAS_LAYERS, readKeras } from './keras/reader';
export { DEFAULT_DYNAMIC_SIZE, readOnnx } from './onnx/reader';
export { ImportError, type ImportedModel, type ImportFormat, type ImportOptions, type UnsupportedOp } from './types';

/** A file handed to an importer: its name and bytes (a picked/dropped File in the browser, a path in the CLI). */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

export const isOnnxFile = (name: string) => /\.onnx$/i.test(name);

/** Whether `name` is a model the importers open by its name alone (a .json may be ours or Keras: see isKerasJson). */
export const isModelFile = (name: string) => isOnnxFile(name);

/** Whether parsed JSON is a Keras / tfjs Layers model rather than one of our graph documents. */
export function isKerasJson(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const o = json as Record<string, unknown>;
  return 'modelTopology' in o || (typeof o.class_name === 'string' && 'config' in o);
}

function parseJson(file: ModelFile): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (err) {
    throw new ImportError('keras', [`${file.name}: not valid JSON (${(err as Error).message})`]);
  }
}

/**
 * Reads a model from its files and lays it out for the canvas. Throws an ImportError (with every unsupported
 * op and problem) and nothing else the caller has to clean up: no state is touched.
 */
export async function importModel(files: ModelFile[], options: ImportOptions = {}): Promise<ImportedModel & { arrangement: 'U' | 'layered' }> {
  const onnx = files.find((f) => isOnnxFile(f.name));
  const json = onnx ? undefined : files.find((f) => /\.json$/i.test(f.name));
  if (!onnx && !json)
    throw new ImportError('onnx', [`none of ${files.map((f) => f.name).join(', ')} is a model this version opens (.onnx, or a Keras / tfjs model.json)`]);
  const main = (onnx ?? json)!;
  const stem = main.name.replace(/\.[^.]+$/, '');
  const name = options.name ?? (stem === 'model' ? undefined : stem);
  const imported = onnx ? readOnnx(onnx.bytes, { ...options, name: name ?? stem }) : readKeras(parseJson(json!), files, { ...options, name });
  const { doc, arrangement } = await arrangeImported(imported.doc);
  return { ...imported, doc, arrangement };
}
