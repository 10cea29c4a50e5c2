import { splitCenter } from '../../../core/ops/common';
import type { Params } from '../../../core/types';
import type { TorchTensor } from '../../stateDict';
import { DocBuilder, NodeProblem, type Port } from '../docBuilder';
import type { ModelFile } from '../index';
import { groupUnsupported, ImportError, type ImportedModel, type ImportOptions } from '../types';
import { readTfjsWeights, toTorch, type WeightsManifestGroup } from './weights';

type Config = Record<string, unknown>;
interface Layer {
  class_name: string;
  name: string;
  config: Config;
  inbound: string[];
}

/** Thrown by a layer mapper for a use of a known layer that has no equivalent here. */
class Unsupported extends Error {}

interface LayerContext {
  layer: Layer;
  inputs: Port[];
  /** The layer's weights in tfjs layout, by short name ("kernel", "bias", "gamma", …). */
  weight: (name: string) => { shape: number[]; data: Float32Array } | undefined;
  add: (op: string, params: Params, inputs: Port[], weights?: Record<string, TorchTensor>) => Port;
}

const OIHW_FROM_HWIO = [3, 2, 0, 1];
const pair = (v: unknown, what: string): number => {
  const [a, b] = Array.isArray(v) ? (v as number[]) : [v as number, v as number];
  if (a !== b) throw new Unsupported(`${what} [${a}, ${b}] is not square`);
  return a!;
};
const ACTIVATIONS: Record<string, string> = { linear: 'none', relu: 'relu', sigmoid: 'sigmoid', softmax: 'softmax', tanh: 'tanh', elu: 'elu' };
const activationOf = (name: unknown): string => {
  const a = ACTIVATIONS[String(name ?? 'linear')];
  if (!a) throw new Unsupported(`activation "${String(name)}"`);
  return a;
};
const channelsLast = (c: Config) => {
  if (c.data_format === 'channels_first') throw new Unsupported('data_format channels_first');
};
const weights = (ctx: LayerContext, entries: [string, string, number[] | null][]): Record<string, TorchTensor> => {
  const out: Record<string, TorchTensor> = {};
  for (const [tfjs, torch, perm] of entries) {
    const w = ctx.weight(tfjs);
    if (w) out[torch] = toTorch(w, perm);
  }
  return out;
};
const one = (ctx: LayerContext) => {
  if (ctx.inputs.length !== 1) throw new Unsupported(`${ctx.inputs.length} inputs`);
  return ctx.inputs[0]!;
};

/**
 * Keras / tfjs layer class → our ops, with weights moved to PyTorch layout. The whole Keras mapping; layers not
 * listed here are reported as unsupported. Shapes are channels_last in Keras and C×H×W here.
 */
export const KERAS_LAYERS: Record<string, (ctx: LayerContext) => Port> = {
  Conv2D: (ctx) => {
    const c = ctx.layer.config;
    channelsLast(c);
    if (Number(c.groups ?? 1) !== 1) throw new Unsupported(`groups=${String(c.groups)}`);
    const params = {
      filters: Number(c.filters),
      kernel: pair(c.kernel_size, 'kernel_size'),
      stride: pair(c.strides ?? 1, 'strides'),
      dilation: pair(c.dilation_rate ?? 1, 'dilation_rate'),
      padding: c.padding === 'same' ? 'same' : 'valid',
      bias: c.use_bias !== false,
      activation: activationOf(c.activation),
    };
    return ctx.add('conv2d', params, [one(ctx)], weights(ctx, [['kernel', 'weight', OIHW_FROM_HWIO], ['bias', 'bias', null]]));
  },
  Conv2DTranspose: (ctx) => {
    const c = ctx.layer.config;
    channelsLast(c);
    const kernel = pair(c.kernel_size, 'kernel_size');
    const stride = pair(c.strides ?? 1, 'strides');
    if (pair(c.dilation_rate ?? 1, 'dilation_rate') !== 1) throw new Unsupported('dilation');
    if (c.output_padding != null) throw new Unsupported('output_padding');
    // Keras "valid" gives n·s + max(k − s, 0), ours (PyTorch) (n − 1)·s + k: the same while k ≥ s.
    if (c.padding !== 'same' && kernel < stride) throw new Unsupported(`valid padding with kernel ${kernel} < stride ${stride}`);
    const params = { filters: Number(c.filters), kernel, stride, padding: c.padding === 'same' ? 'same' : 'valid', bias: c.use_bias !== false, activation: activationOf(c.activation) };
    return ctx.add('conv2dTranspose', params, [one(ctx)], weights(ctx, [['kernel', 'weight', OIHW_FROM_HWIO], ['bias', 'bias', null]]));
  },
  MaxPooling2D: (ctx) => pool(ctx, 'maxPool2d'),
  AveragePooling2D: (ctx) => pool(ctx, 'avgPool2d'),
  UpSampling2D: (ctx) => {
    const c = ctx.layer.config;
    channelsLast(c);
    const factor = pair(c.size ?? 2, 'size');
    // Keras resizes bilinearly with half-pixel centres (tf.image.resize), our bilinear without align_corners.
    const mode = c.interpolation === 'bilinear' ? 'bilinear' : c.interpolation === 'nearest' || c.interpolation == null ? 'nearest' : undefined;
    if (!mode) throw new Unsupported(`interpolation "${String(c.interpolation)}"`);
    return ctx.add('upsample', mode === 'bilinear' ? { factor, mode, alignCorners: false } : { factor, mode }, [one(ctx)]);
  },
  Concatenate: (ctx) => {
    const axis = Number(ctx.layer.config.axis ?? -1);
    if (axis !== -1 && axis !== 3) throw new Unsupported(`axis ${axis} (channels are axis -1)`);
    return ctx.add('concat', {}, ctx.inputs);
  },
  Add: (ctx) => ctx.add('add', {}, ctx.inputs),
  Multiply: (ctx) => ctx.add('multiply', {}, ctx.inputs),
  Cropping2D: (ctx) => centered(ctx, 'crop', ctx.layer.config.cropping),
  ZeroPadding2D: (ctx) => centered(ctx, 'pad', ctx.layer.config.padding),
  BatchNormalization: (ctx) => {
    const c = ctx.layer.config;
    const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis;
    if (axis !== -1 && axis !== 3 && axis !== undefined) throw new Unsupported(`axis ${String(axis)} (channels are axis -1)`);
    const x = one(ctx);
    const n = x.shape.c;
    const fill = (v: number): TorchTensor => ({ shape: [n], data: new Float32Array(n).fill(v) });
    const w = weights(ctx, [['gamma', 'weight', null], ['beta', 'bias', null], ['moving_mean', 'running_mean', null], ['moving_variance', 'running_var', null]]);
    // center/scale off: β = 0 / γ = 1, which our batch norm holds as ordinary weights.
    const hasWeights = Object.keys(w).length > 0;
    if (hasWeights) {
      w.weight ??= fill(1);
      w.bias ??= fill(0);
    }
    // Keras momentum weighs the old running value (0.99); ours is PyTorch's, the new batch's (0.01).
    const params = { epsilon: Number(c.epsilon ?? 1e-3), momentum: Number((1 - Number(c.momentum ?? 0.99)).toPrecision(6)) };
    return ctx.add('batchNorm', params, [x], hasWeights ? w : undefined);
  },
  Activation: (ctx) => {
    const a = activationOf(ctx.layer.config.activation);
    return a === 'none' ? one(ctx) : ctx.add('activation', { activation: a }, [one(ctx)]);
  },
  ReLU: (ctx) => {
    const c = ctx.layer.config;
    if (c.max_value != null || Number(c.threshold ?? 0) !== 0) throw new Unsupported('max_value / threshold');
    const slope = Number(c.negative_slope ?? 0);
    return ctx.add('activation', slope ? { activation: 'leakyRelu', alpha: slope } : { activation: 'relu' }, [one(ctx)]);
  },
  // Keras's LeakyReLU defaults to alpha 0.3 (PyTorch: 0.01).
  LeakyReLU: (ctx) => ctx.add('activation', { activation: 'leakyRelu', alpha: Number(ctx.layer.config.alpha ?? ctx.layer.config.negative_slope ?? 0.3) }, [one(ctx)]),
  ELU: (ctx) => {
    if (Number(ctx.layer.config.alpha ?? 1) !== 1) throw new Unsupported('alpha ≠ 1');
    return ctx.add('activation', { activation: 'elu' }, [one(ctx)]);
  },
  Softmax: (ctx) => ctx.add('activation', { activation: 'softmax' }, [one(ctx)]),
  Dropout: (ctx) => ctx.add('dropout', { rate: Number(ctx.layer.config.rate ?? 0.5) }, [one(ctx)]),
  SpatialDropout2D: (ctx) => ctx.add('dropout', { rate: Number(ctx.layer.config.rate ?? 0.5) }, [one(ctx)]),
};

function pool(ctx: LayerContext, op: 'maxPool2d' | 'avgPool2d'): Port {
  const c = ctx.layer.config;
  channelsLast(c);
  const size = pair(c.pool_size ?? 2, 'pool_size');
  const stride = c.strides == null ? size : pair(c.strides, 'strides');
  return ctx.add(op, { size, stride, padding: c.padding === 'same' ? 'same' : 'valid' }, [one(ctx)]);
}

/** Cropping2D / ZeroPadding2D amounts as ((top, bottom), (left, right)); ours must split like a center crop/pad. */
function centered(ctx: LayerContext, op: 'crop' | 'pad', amount: unknown): Port {
  channelsLast(ctx.layer.config);
  const x = one(ctx);
  const norm = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)]);
  const [[t, b], [l, r]] = Array.isArray(amount) && amount.length === 2 ? [norm(amount[0]), norm(amount[1])] : [norm(amount ?? 1), norm(amount ?? 1)];
  const [ct, cb] = splitCenter(t + b);
  const [cl, cr] = splitCenter(l + r);
  if (ct !== t || cb !== b || cl !== l || cr !== r) throw new Unsupported(`[[${t}, ${b}], [${l}, ${r}]] puts the extra row/column at the top/left`);
  const sign = op === 'crop' ? -1 : 1;
  return ctx.add(op, { mode: 'size', height: x.shape.h + sign * (t + b), width: x.shape.w + sign * (l + r) }, [x]);
}

/** The inbound layer names of a layer, from Keras 2 (`[[name, node, tensor, kwargs]]`) or Keras 3 (`keras_history`). */
function inboundOf(raw: unknown): string[] {
  const names: string[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') names.push(v[0]);
      else v.forEach(visit);
    } else if (v && typeof v === 'object') {
      const history = (v as { config?: { keras_history?: unknown[] } }).config?.keras_history;
      if (history) names.push(String(history[0]));
      else Object.values(v).forEach(visit);
    }
  };
  visit(raw);
  return names;
}

/** The layer list of a Functional / Model / Sequential topology, with inbound names (a Sequential chains them). */
function layersOf(topology: Config): Layer[] {
  const cls = String(topology.class_name);
  const config = topology.config as Config | Config[];
  const raw = (Array.isArray(config) ? config : (config.layers as Config[])) ?? [];
  const layers = raw.map((l) => {
    const cfg = (l.config ?? {}) as Config;
    return { class_name: String(l.class_name), name: String(l.name ?? cfg.name), config: cfg, inbound: inboundOf(l.inbound_nodes) };
  });
  if (cls !== 'Sequential') return layers;
  const first = layers[0];
  const chained: Layer[] = [];
  if (first && first.class_name !== 'InputLayer') {
    const shape = first.config.batch_input_shape ?? first.config.batch_shape;
    chained.push({ class_name: 'InputLayer', name: 'input', config: { batch_input_shape: shape }, inbound: [] });
  }
  for (const l of layers) chained.push({ ...l, inbound: chained.length ? [chained[chained.length - 1]!.name] : [] });
  return chained;
}

/**
 * Reads a Keras / tfjs Layers model: a tfjs `model.json` (with its weight shards among `files`) or a Keras
 * `model.to_json()` topology (random weights). Channels-last shapes become our C×H×W.
 */
export function readKeras(json: unknown, files: ModelFile[], options: ImportOptions = {}): ImportedModel {
  const root = json as Config;
  const tfjs = root.modelTopology !== undefined;
  let topology = (tfjs ? root.modelTopology : root) as Config;
  if (topology && 'model_config' in topology) topology = topology.model_config as Config;
  if (!topology || typeof topology.class_name !== 'string' || !topology.config)
    throw new ImportError('keras', ['not a Keras / tfjs Layers model (expected model.json with modelTopology, or a to_json() topology with class_name and config)']);
  if (root.format === 'graph-model') throw new ImportError('tfjs', ['a tfjs graph model (converted from a SavedModel) has no layers to edit; convert the Keras model as a layers model']);
  const format = tfjs ? 'tfjs' : 'keras';
  let tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  if (tfjs && Array.isArray(root.weightsManifest)) {
    try {
      tensors = readTfjsWeights(root.weightsManifest as WeightsManifestGroup[], files);
    } catch (err) {
      throw new ImportError(format, [(err as Error).message]);
    }
  }
  const warnings: string[] = [];
  if (!tfjs) warnings.push('a Keras to_json() topology carries no weights: the network starts from random weights');

  const layers = layersOf(topology);
  const builder = new DocBuilder();
  const ports = new Map<string, Port>();
  const problems: string[] = [];
  const unsupported: { opType: string; node: string; reason?: string }[] = [];
  for (const layer of layers) {
    if (layer.class_name === 'InputLayer') {
      const shape = (layer.config.batch_input_shape ?? layer.config.batch_shape) as (number | null)[] | undefined;
      if (!shape || shape.length !== 4 || typeof shape[3] !== 'number') {
        problems.push(`${layer.name}: input shape [${shape?.join(', ') ?? '?'}] is not batch × H × W × C with known channels`);
        continue;
      }
      const [, h, w, c] = shape;
      const size = options.inputSize ?? { h: h ?? 256, w: w ?? 256 };
      if ((h == null || w == null) && !options.inputSize) warnings.push(`input "${layer.name}" has dynamic size: opened at ${size.h}×${size.w}`);
      ports.set(layer.name, builder.add(layer.name, 'input', { channels: c, height: size.h, width: size.w }, []));
      continue;
    }
    const mapper = KERAS_LAYERS[layer.class_name];
    const inputs = layer.inbound.map((n) => ports.get(n));
    if (!mapper || inputs.some((p) => !p)) {
      if (!mapper) unsupported.push({ opType: layer.class_name, node: layer.name });
      continue;
    }
    const ctx: LayerContext = {
      layer,
      inputs: inputs as Port[],
      weight: (short) => tensors.get(`${layer.name}/${short}`) ?? tensors.get(`${layer.name}/${short}:0`),
      add: (op, params, ins, w) => builder.add(layer.name, op, params, ins, w && Object.keys(w).length ? w : undefined, layer.name),
    };
    try {
      ports.set(layer.name, mapper(ctx));
    } catch (err) {
      if (err instanceof Unsupported) unsupported.push({ opType: layer.class_name, node: layer.name, reason: err.message });
      else if (err instanceof NodeProblem) problems.push(`${err.node}: ${err.message}`);
      else problems.push(`${layer.name} (${layer.class_name}): ${(err as Error).message}`);
    }
  }
  const config = topology.config as Config;
  const outputNames = Array.isArray(config.output_layers) ? inboundOf(config.output_layers) : [layers[layers.length - 1]?.name ?? ''];
  if (!unsupported.length && !problems.length)
    for (const name of outputNames) {
      const port = ports.get(name);
      if (port) builder.add(`${name}_output`, 'output', { view: 'auto' }, [port]);
      else problems.push(`output layer "${name}" is not in the model`);
    }
  if (unsupported.length || problems.length) {
    const groups = groupUnsupported(unsupported);
    throw new ImportError(format, problems, groups, [`${layers.length} Keras layers: ${unsupported.length} unsupported${problems.length ? `, ${problems.length} other problems` : ''}.`]);
  }
  const name = options.name ?? String(config.name ?? 'Imported Keras model');
  const doc = builder.doc(name, `Imported from a ${tfjs ? 'tfjs Layers model.json' : 'Keras to_json() topology'}.`);
  return { format, doc, weights: builder.weights, warnings };
}
