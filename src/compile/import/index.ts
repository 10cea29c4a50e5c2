/**
 * Opening models from other tools as editable graphs: ONNX, Keras / tfjs Layers JSON (+ weights), and PyTorch
 * weights (.pth / .pt / .safetensors) for a graph already open. Each reader maps foreign ops to ours in one
 * table and returns our graph with a state dict in PyTorch layout keyed by node id (what loadWeights takes).
 */
import { arrangeImported } from './layout';
import { readOnnx } from './onnx/reader';
import { ImportError, type ImportedModel, type ImportOptions } from './types';

export { arrangeImported } from './layout';
export { DEFAULT_DYNAMIC_SIZE, readOnnx } from './onnx/reader';
export { ImportError, type ImportedModel, type ImportFormat, type ImportOptions, type UnsupportedOp } from './types';

/** A file handed to an importer: its name and bytes (a picked/dropped File in the browser, a path in the CLI). */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

export const isOnnxFile = (name: string) => /\.onnx$/i.test(name);

/** Whether `name` is a model the importers open (our own graph JSON is read by core/format instead). */
export const isModelFile = (name: string) => isOnnxFile(name);

/**
 * Reads a model from its files and lays it out for the canvas. Throws an ImportError (with every unsupported
 * op and problem) and nothing else the caller has to clean up: no state is touched.
 */
export async function importModel(files: ModelFile[], options: ImportOptions = {}): Promise<ImportedModel & { arrangement: 'U' | 'layered' }> {
  const main = files.find((f) => isOnnxFile(f.name));
  if (!main) throw new ImportError('onnx', [`none of ${files.map((f) => f.name).join(', ')} is a model file this version opens (.onnx)`]);
  const name = options.name ?? main.name.replace(/\.[^.]+$/, '');
  const imported = readOnnx(main.bytes, { ...options, name });
  const { doc, arrangement } = await arrangeImported(imported.doc);
  return { ...imported, doc, arrangement };
}
