import { importModel, ImportError, isKerasJson, isOnnxFile, type ImportedModel, type UnsupportedOp } from '../../compile/import';
import type { FormatError } from '../../core/format';

/** Why a model could not be opened: located problems, and every unsupported op with its nodes. */
export interface ModelImportFailure {
  errors: FormatError[];
  unsupported: UnsupportedOp[];
  summary: string[];
}

export type ModelOpenResult = { ok: true; imported: ImportedModel; name: string } | { ok: false; name: string; failure: ModelImportFailure };

async function looksLikeKeras(file: File): Promise<boolean> {
  if (!/\.json$/i.test(file.name)) return false;
  const head = await file.slice(0, 4096).text();
  if (!/"(modelTopology|class_name)"/.test(head)) return false;
  try {
    return isKerasJson(JSON.parse(await file.text()));
  } catch {
    return false;
  }
}

/**
 * Picked or dropped files as a model from another tool (an .onnx, or a Keras / tfjs model.json with its .bin
 * shards), or undefined when they are not one (then they are our own graph JSON). Never throws.
 */
export async function openModelFiles(files: File[]): Promise<ModelOpenResult | undefined> {
  const main = files.find((f) => isOnnxFile(f.name)) ?? (await findAsync(files, looksLikeKeras));
  if (!main) return undefined;
  try {
    const loaded = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    return { ok: true, name: main.name, imported: await importModel(loaded) };
  } catch (err) {
    const e = err instanceof ImportError ? err : undefined;
    const problems = e ? e.problems : [err instanceof Error ? err.message : String(err)];
    return {
      ok: false,
      name: main.name,
      failure: { errors: problems.map((message) => ({ code: 'internal', path: '', message }) as FormatError), unsupported: e?.unsupported ?? [], summary: e?.summary ?? [] },
    };
  }
}

async function findAsync<T>(items: T[], test: (t: T) => Promise<boolean>): Promise<T | undefined> {
  for (const it of items) if (await test(it)) return it;
  return undefined;
}
