import { strToU8, zipSync } from 'fflate';
import { type CompiledGraph, compileGraph, type ExportFiles, exportOnnx, exportPyTorch, loadTfjsWeights, loadWeights, ONNX_FILE, toTfjsFiles, WEIGHTS_FILE } from '../../compile';
import { serializeGraph } from '../../core/format';
import type { GraphDoc } from '../../core/types';
import { runSession } from '../run/session';
import { fileStem } from './files';

export type ModelFormat = 'pytorch' | 'onnx' | 'tfjs';

/** The File System Access API's folder picker (Chromium); absent elsewhere, and not in TypeScript's DOM types yet. */
interface WritableDir {
  getDirectoryHandle(name: string, options: { create: boolean }): Promise<WritableDir>;
  getFileHandle(name: string, options: { create: boolean }): Promise<{ createWritable(): Promise<{ write(data: Blob): Promise<void>; close(): Promise<void> }> }>;
}
type DirectoryPicker = (options?: { mode?: 'readwrite'; id?: string }) => Promise<WritableDir>;
const directoryPicker = (): DirectoryPicker | undefined =>
  typeof window === 'undefined' ? undefined : (window as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;

export const canWriteFolders = (): boolean => directoryPicker() !== undefined;

/**
 * The graph compiled at its own input size, with the Run panel's weights when they are loaded or trained ones
 * that fit this graph; otherwise freshly initialised (`fresh`, with the reason).
 */
async function compiledWithCurrentWeights(doc: GraphDoc): Promise<{ compiled: CompiledGraph; fresh: boolean; note?: string }> {
  const compiled = compileGraph(doc);
  const weights = await runSession().currentWeights();
  if (!weights) return { compiled, fresh: true };
  try {
    if (weights.apply.kind === 'tfjs') loadTfjsWeights(compiled, weights.apply.files);
    else loadWeights(compiled, weights.apply.dict, { strict: true });
    return { compiled, fresh: false, note: weights.label };
  } catch (err) {
    // Weights of an earlier version of the graph: the export still goes out, and says so.
    compiled.model.dispose();
    return { compiled: compileGraph(doc), fresh: true, note: `${weights.label} do not fit this graph (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
  }
}

export interface ExportOutcome {
  /** What was saved, for the notice. */
  saved: string;
  /** The weights were freshly initialised (the Run panel has none loaded or trained, or they do not fit). */
  fresh: boolean;
  /** Which weights, or why not the Run panel's. */
  note?: string;
}

export interface ModelFiles {
  files: ExportFiles;
  /** The weights were freshly initialised (the Run panel has none loaded or trained, or they do not fit). */
  fresh: boolean;
  note?: string;
}

/**
 * The files of an export, with the same weights for every format (the Run panel's, see above): PyTorch code +
 * weights, one .onnx, or the tfjs folder (model.json + weights.bin, tf.loadLayersModel reads them, and graph.json).
 */
export async function modelFiles(doc: GraphDoc, format: ModelFormat): Promise<ModelFiles> {
  const { compiled, fresh, note } = await compiledWithCurrentWeights(doc);
  try {
    if (format === 'onnx') return { files: { [`${fileStem(doc.name)}.onnx`]: await exportOnnx(compiled) }, fresh, note };
    if (format === 'pytorch') return { files: (await exportPyTorch(compiled)).files, fresh, note };
    const tfjs = await toTfjsFiles(compiled.model);
    return { files: { 'model.json': JSON.stringify(tfjs.modelJson), [WEIGHTS_FILE]: tfjs.weights, 'graph.json': serializeGraph(doc) }, fresh, note };
  } finally {
    compiled.model.dispose();
  }
}

const blobOf = (content: string | Uint8Array) => new Blob([typeof content === 'string' ? content : new Uint8Array(content)]);

function download(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName, rel: 'noopener' });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function writeFolder(dir: WritableDir, files: ExportFiles): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const file = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await file.write(blobOf(content));
    await file.close();
  }
}

/**
 * Exports the graph with the Run panel's weights: PyTorch code + weights (a .zip, or into a folder the user picks
 * where the browser can), ONNX (one .onnx file) or the tfjs model folder (its three files downloaded, or written
 * into a folder). Returns undefined when the user cancelled the folder picker.
 */
export async function exportModel(doc: GraphDoc, format: ModelFormat, into: 'download' | 'folder' = 'download'): Promise<ExportOutcome | undefined> {
  const stem = fileStem(doc.name);
  // Ask for the folder first: the picker needs the click's user activation, which a compile would outlast.
  let dir: WritableDir | undefined;
  if (format !== 'onnx' && into === 'folder') {
    const pick = directoryPicker();
    if (!pick) throw new Error('this browser cannot write folders; download the files instead');
    try {
      dir = await pick({ mode: 'readwrite', id: 'unet-studio-export' });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return undefined;
      throw err;
    }
  }
  const { files, fresh, note } = await modelFiles(doc, format);
  const names = Object.keys(files).join(', ');
  if (dir) {
    const folder = format === 'tfjs' ? `${stem}-tfjs` : stem;
    await writeFolder(await dir.getDirectoryHandle(folder, { create: true }), files);
    return { saved: `the folder ${folder}/ (${names})`, fresh, note };
  }
  if (format === 'onnx') {
    for (const [name, content] of Object.entries(files)) download(blobOf(content), name);
    return { saved: `${stem}.onnx (${ONNX_FILE} format, opset 17)`, fresh, note };
  }
  if (format === 'tfjs') {
    for (const [name, content] of Object.entries(files)) download(blobOf(content), name);
    return { saved: `${names} (put them in one folder)`, fresh, note };
  }
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([name, c]) => [`${stem}/${name}`, typeof c === 'string' ? strToU8(c) : c])));
  download(new Blob([new Uint8Array(zip)], { type: 'application/zip' }), `${stem}-pytorch.zip`);
  return { saved: `${stem}-pytorch.zip`, fresh, note };
}
