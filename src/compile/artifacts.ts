import * as tf from '@tensorflow/tfjs';
import type { CompiledGraph } from './compile';
import type { Problem } from '../core/problem';
import { WeightsError, weightsProblem } from './errors';
import { registerCustomLayers } from './layers';

/** The two files tfjs reads back with tf.loadLayersModel: model.json (topology + manifest) and the weights. */
export interface TfjsFiles {
  modelJson: tf.io.ModelJSON;
  weights: Uint8Array;
}

export const WEIGHTS_FILE = 'weights.bin';

const joinWeights = (data: tf.io.WeightData | undefined): ArrayBuffer =>
  data === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(data);

/** The model's own `save`, captured in memory (no file:// or download involved). */
export async function saveArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!captured) throw new Error('tfjs did not hand over the model artifacts');
  return captured;
}

/** model.json + weights.bin, exactly as tfjs' own file writers lay them out. */
export async function toTfjsFiles(model: tf.LayersModel): Promise<TfjsFiles> {
  const a = await saveArtifacts(model);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: a.modelTopology!,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: a.weightSpecs ?? [] }],
    ...(a.userDefinedMetadata ? { userDefinedMetadata: a.userDefinedMetadata } : {}),
  };
  return { modelJson, weights: new Uint8Array(joinWeights(a.weightData)) };
}

/** Checks the manifest and returns the specs and the bytes as tfjs wants them (one weights file). */
function manifestOf(files: TfjsFiles): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const manifest = files.modelJson.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error('model.json: no weightsManifest');
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const weightData = files.weights.slice().buffer;
  const expected = weightSpecs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (weightSpecs.every((s) => s.dtype === 'float32') && expected !== weightData.byteLength)
    throw new Error(`model.json lists ${expected} bytes of weights, ${WEIGHTS_FILE} has ${weightData.byteLength}`);
  return { weightSpecs, weightData };
}

/** A LayersModel straight from tfjs files (custom layers registered), independent of our graph. */
export async function loadTfjsModel(files: TfjsFiles): Promise<tf.LayersModel> {
  registerCustomLayers();
  const { weightSpecs, weightData } = manifestOf(files);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: files.modelJson.modelTopology, weightSpecs, weightData }));
}

/**
 * Fills a compiled graph's model from tfjs weights by weight name (`enc0_conv1/kernel`), e.g. weights.bin
 * saved next to the same graph.json. Every model weight must be present with its shape.
 */
export function loadTfjsWeights(compiled: CompiledGraph, files: TfjsFiles): void {
  const { weightSpecs, weightData } = manifestOf(files);
  const named = tf.io.decodeWeights(weightData, weightSpecs);
  try {
    const problems: Problem[] = [];
    const writes: [tf.LayerVariable, tf.Tensor][] = [];
    const wanted = new Set<string>();
    const nodeOf = nodeOfWeight(compiled);
    // The field is the tfjs weight name as a whole: its layer name need not be the node id.
    const at = (name: string) => ({ ...nodeOf(name), field: name });
    for (const variable of compiled.model.weights) {
      const name = variable.originalName;
      wanted.add(name);
      const t = named[name];
      if (!t) problems.push(weightsProblem('weight-missing', `${name}: missing from ${WEIGHTS_FILE} (expected [${variable.shape.join(', ')}])`, at(name)));
      else if (t.shape.join() !== variable.shape.join())
        problems.push(weightsProblem('weight-shape', `${name}: expected [${variable.shape.join(', ')}], ${WEIGHTS_FILE} has [${t.shape.join(', ')}]`, at(name)));
      else writes.push([variable as tf.LayerVariable, t]);
    }
    for (const name of Object.keys(named))
      if (!wanted.has(name)) problems.push(weightsProblem('weight-unknown', `${name}: the model has no such weight`, at(name)));
    if (problems.length) throw new WeightsError(problems, 'the tfjs weights do not fit the graph');
    for (const [variable, t] of writes) variable.write(t);
  } finally {
    tf.dispose(Object.values(named));
  }
}

/** The node whose layers hold a tfjs weight (`enc0_conv1/kernel` → enc0_conv1); none for a layer no node built. */
function nodeOfWeight(compiled: CompiledGraph): (weightName: string) => { nodeId?: string } {
  const byLayer = new Map<string, string>();
  for (const [nodeId, layers] of compiled.layerNames) for (const layer of layers) byLayer.set(layer, nodeId);
  return (weightName) => {
    const slash = weightName.indexOf('/');
    const nodeId = slash < 0 ? undefined : byLayer.get(weightName.slice(0, slash));
    return nodeId === undefined ? {} : { nodeId };
  };
}
