/** PyTorch weights into a graph that is already open: read the file, match it to the graph, then load. */
import * as tf from '@tensorflow/tfjs';
import type { GraphDoc } from '../../../core/types';
import { type CompiledGraph, compileGraph } from '../../compile';
import { boundWeights } from '../../weights';
import { type ExpectedWeight, mapStateDict, type WeightMapping } from './mapping';
import { type FlatStateDict, readPth } from './pth';
import { readSafetensors } from './safetensors';

export { mapStateDict, type ExpectedWeight, type MappingRow, type MappingStatus, type WeightMapping } from './mapping';
export { readPth, type FlatStateDict } from './pth';
export { readSafetensors } from './safetensors';

export { isPytorchWeightsFile } from './names';

/** A .pth / .pt (torch.save zip) or .safetensors file as a flat state dict; errors name the file. */
export function readPytorchWeights(name: string, bytes: Uint8Array): FlatStateDict {
  try {
    return /\.safetensors$/i.test(name) ? readSafetensors(bytes) : readPth(bytes);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
}

/** The weights a compiled graph takes, in forward order, in PyTorch layout. */
export function expectedWeights(compiled: CompiledGraph): ExpectedWeight[] {
  return boundWeights(compiled).map((b) => ({ nodeId: b.nodeId, param: b.spec.torch, shape: b.torchShape }));
}

/** Reads a PyTorch weights file and matches it to the compiled graph (nothing is loaded yet). */
export function mapPytorchWeights(name: string, bytes: Uint8Array, compiled: CompiledGraph): WeightMapping {
  return mapStateDict(readPytorchWeights(name, bytes), expectedWeights(compiled));
}

/**
 * Reads a PyTorch weights file and matches it to a graph, compiling the graph on the cpu backend for its weight
 * shapes (nothing is loaded; a GPU backend is neither started nor probed). For the editor's weights dialog.
 */
export async function mapPytorchWeightsToGraph(name: string, bytes: Uint8Array, doc: GraphDoc): Promise<WeightMapping> {
  const flat = readPytorchWeights(name, bytes);
  const previous = tf.engine().backendName;
  await tf.setBackend('cpu');
  const compiled = compileGraph(doc);
  try {
    return mapStateDict(flat, expectedWeights(compiled));
  } finally {
    compiled.model.dispose();
    if (previous && previous !== 'cpu') await tf.setBackend(previous);
  }
}

