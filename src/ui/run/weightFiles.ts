/**
 * Weights picked or dropped in the browser: tfjs files (model.json + its weights file(s), as tfjs and our model
 * download write them), an exported folder (graph.json + model.json + weights.bin), or a PyTorch-layout state
 * dict (weights.json, as `unet-studio export --format state-dict` writes it).
 */
import { stateDictFromJson, type TfjsFiles } from '../../compile';
import { trainedLabel, type WeightsSource } from '../../runtime';

/** A source as read from files, before it gets its id. */
type ReadWeights = (Extract<WeightsSource, { kind: 'tfjs' | 'state-dict' }> extends infer W ? (W extends WeightsSource ? Omit<W, 'id'> : never) : never) & {
  /** "trained 3 min, val Dice 0.93" when the files say UNet Studio trained them (model.json metadata). */
  trained?: string;
};

/** Training facts our exports write into model.json's userDefinedMetadata. */
function trainedNote(modelJson: TfjsFiles['modelJson']): string | undefined {
  const meta = (modelJson.userDefinedMetadata as { unetStudio?: { trained?: { elapsedMs?: unknown; valDice?: unknown; steps?: unknown } } } | undefined)?.unetStudio?.trained;
  if (!meta || typeof meta.elapsedMs !== 'number' || typeof meta.steps !== 'number') return undefined;
  return trainedLabel({ elapsedMs: meta.elapsedMs, steps: meta.steps, valDice: typeof meta.valDice === 'number' ? meta.valDice : undefined });
}

/** Any File-like with a name and bytes (tests pass plain objects). */
export interface NamedBlob {
  name: string;
  /** Set for files from a picked folder: "my-model/model.json". */
  webkitRelativePath?: string;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

const baseName = (path: string) => path.replace(/^.*[\\/]/, '').replace(/^\.\//, '');

async function readJson(file: NamedBlob): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file.name}: not valid JSON (${(err as Error).message})`);
  }
}

const isTfjsModelJson = (v: unknown): v is TfjsFiles['modelJson'] =>
  typeof v === 'object' && v !== null && 'modelTopology' in v && Array.isArray((v as { weightsManifest?: unknown }).weightsManifest);

/** Joins the manifest's weight files, in manifest order, into one buffer (tfjs shards split one stream). */
async function tfjsWeights(modelFile: NamedBlob, modelJson: TfjsFiles['modelJson'], files: NamedBlob[]): Promise<Uint8Array> {
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  if (paths.length === 0) throw new Error(`${modelFile.name}: the weights manifest lists no weights file`);
  const byName = new Map(files.map((f) => [baseName(f.name), f]));
  const bins = files.filter((f) => /\.bin$/i.test(f.name));
  const parts: Uint8Array[] = [];
  for (const path of paths) {
    // tfjs' browser download names the file after the model ("model.weights.bin"); accept a lone .bin too.
    const file = byName.get(baseName(path)) ?? (paths.length === 1 && bins.length === 1 ? bins[0] : undefined);
    if (!file) throw new Error(`${modelFile.name} needs its weights file "${baseName(path)}": pick it together with ${modelFile.name}`);
    parts.push(new Uint8Array(await file.arrayBuffer()));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) out.set(p, (offset += p.length) - p.length);
  return out;
}

/** Reads the picked files as one weights source; a clear error when they are not one. */
export async function readWeightFiles(picked: ArrayLike<NamedBlob>): Promise<ReadWeights> {
  const files = Array.from(picked);
  if (files.length === 0) throw new Error('no files were picked');
  const jsons = files.filter((f) => /\.json$/i.test(f.name));
  const folder = files[0]!.webkitRelativePath?.split('/')[0];
  const label = (name: string) => (folder ? `${folder}/${name}` : name);

  const candidates: { file: NamedBlob; json: unknown }[] = [];
  for (const file of jsons) if (baseName(file.name) !== 'graph.json') candidates.push({ file, json: await readJson(file) });
  const model = candidates.find((c) => isTfjsModelJson(c.json));
  if (model) {
    const modelJson = model.json as TfjsFiles['modelJson'];
    return { kind: 'tfjs', label: label(baseName(model.file.name)), files: { modelJson, weights: await tfjsWeights(model.file, modelJson, files) }, trained: trainedNote(modelJson) };
  }
  const stateDict = candidates.find((c) => baseName(c.file.name) === 'weights.json') ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (stateDict) {
    try {
      return { kind: 'state-dict', label: label(baseName(stateDict.file.name)), dict: stateDictFromJson(stateDict.json) };
    } catch (err) {
      throw new Error(`${stateDict.file.name}: ${(err as Error).message}`);
    }
  }
  if (files.some((f) => /\.bin$/i.test(f.name))) throw new Error('a .bin weights file needs its model.json: pick both together');
  throw new Error(
    `found no weights in ${files.map((f) => f.name).join(', ')}: pick model.json with its .bin file, a folder exported from here, or a weights.json state dict`,
  );
}
