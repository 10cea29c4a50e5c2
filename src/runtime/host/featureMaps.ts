/**
 * The tensor on an edge after a run: a sub-model of the plain (as-drawn) model that ends at the edge's source
 * node, run on the same input the run used (one tile for tiled runs). Only the first N channels are read back.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../core/types';
import { predictTensors, type TensorData } from '../predict';
import { extractTile } from '../tiling';
import type { ModelEntry } from './models';
import type { CompletedRun } from './runner';

export interface ChannelStats {
  min: number;
  max: number;
  mean: number;
}

export interface FeatureMaps {
  nodeId: string;
  /** The whole tensor, C×H×W (per sample), as the edge label shows it. */
  shape: Shape;
  /** The first channels: H×W values each, with their own statistics. */
  channels: (ChannelStats & { index: number; data: Float32Array })[];
  /** Statistics over every channel. */
  overall: ChannelStats;
  tileIndex: number;
  tileCount: number;
}

/** The symbolic tensor a node outputs in the compiled model, following layer-less nodes to their input. */
function symbolicOf(entry: ModelEntry, nodeId: string, seen = new Set<string>()): tf.SymbolicTensor | 'input' {
  const { plain } = entry;
  if (plain.inputIds.includes(nodeId)) return 'input';
  const layers = plain.layerNames.get(nodeId);
  if (layers === undefined) throw new Error(`node "${nodeId}" is not in the model that ran: run again to see it`);
  if (layers.length > 0) return plain.model.getLayer(layers[layers.length - 1]!).output as tf.SymbolicTensor;
  if (seen.has(nodeId)) throw new Error(`node "${nodeId}" forwards its input in a loop`);
  seen.add(nodeId);
  const feed = plain.doc.edges.find((e) => e.target === nodeId);
  if (!feed) throw new Error(`node "${nodeId}" has no input to show`);
  return symbolicOf(entry, feed.source, seen);
}

/** The input the run fed for `tileIndex` (the tile's cut of the image, or the single resized input). */
export function runInput(result: CompletedRun, tileIndex: number): TensorData {
  const { tiles, runInput: shape } = result.plan;
  if (!tiles) return result.pixels;
  const tile = tiles.tiles[Math.min(tileIndex, tiles.tiles.length - 1)]!;
  return { data: extractTile(result.pixels.data, tiles, tile, shape.c), shape: [1, shape.h, shape.w, shape.c] };
}

function stats(values: Float32Array): ChannelStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: values.length ? sum / values.length : 0 };
}

/** Reads the first `maxChannels` channels of the tensor `nodeId` outputs, leaving no tensor behind. */
export async function featureMaps(result: CompletedRun, nodeId: string, maxChannels: number, tileIndex = 0): Promise<FeatureMaps> {
  const { entry } = result;
  if (entry.disposed) throw new Error('the model of this run was replaced: run again to see feature maps');
  const input = runInput(result, tileIndex);
  const target = symbolicOf(entry, nodeId);
  let full: tf.Tensor;
  if (target === 'input') full = tf.tensor(input.data, input.shape, 'float32');
  else {
    let sub = entry.featureModels.get(nodeId);
    if (!sub) {
      sub = tf.model({ inputs: entry.plain.model.inputs, outputs: target, name: `features_${entry.featureModels.size}` });
      entry.featureModels.set(nodeId, sub);
    }
    [full] = predictTensors(sub, input) as [tf.Tensor];
  }
  try {
    const [, h, w, c] = full.shape as [number, number, number, number];
    const n = Math.max(1, Math.min(c, Math.floor(maxChannels)));
    // Channels first, so each channel is one contiguous H×W block; only the first n leave the device.
    const [firstN, mins, maxs, means] = tf.tidy(() => {
      const first = tf.transpose(tf.slice(full, [0, 0, 0, 0], [1, h, w, n]), [0, 3, 1, 2]);
      return [first, tf.min(full), tf.max(full), tf.mean(full)];
    });
    try {
      const [data, min, max, mean] = await Promise.all([firstN.data(), mins.data(), maxs.data(), means.data()]);
      const values = data as Float32Array;
      const channels = Array.from({ length: n }, (_, index) => {
        const slice = values.slice(index * h * w, (index + 1) * h * w);
        return { index, data: slice, ...stats(slice) };
      });
      return {
        nodeId,
        shape: { c, h, w },
        channels,
        overall: { min: min[0]!, max: max[0]!, mean: mean[0]! },
        tileIndex: result.plan.tiles ? Math.min(tileIndex, result.plan.tiles.tiles.length - 1) : 0,
        tileCount: result.plan.tiles?.tiles.length ?? 1,
      };
    } finally {
      tf.dispose([firstN, mins, maxs, means]);
    }
  } finally {
    full.dispose();
  }
}
