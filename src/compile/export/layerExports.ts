import { num, onnxActivation, torchActivation } from './activations';
import { ExportError } from './errors';
import type { LoweredLayer } from './lowered';
import { filled, KERNEL_TO_TORCH, permute, vector } from './tensors';
import type { ExportTensor, LayerExport, OnnxContext, Pads, TorchContext } from './types';

type Pair = [number, number];
const pairOf = (v: unknown): Pair => (Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v), Number(v)]);
/** A kernel/stride pair in Python: `3` when square, `(3, 5)` otherwise. */
const py2 = ([a, b]: Pair) => (a === b ? String(a) : `(${a}, ${b})`);
const args = (parts: (string | false | undefined)[]) => parts.filter(Boolean).join(', ');

/** TensorFlow 'same' padding of one axis, [before, after]: the extra row goes after. */
function samePads(inSize: number, outSize: number, kernel: number, stride: number, dilation = 1): Pair {
  const total = Math.max((outSize - 1) * stride + (kernel - 1) * dilation + 1 - inSize, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** [top, bottom, left, right] a windowed layer pads by, from its config and the absorbed zero padding. */
function windowPads(l: LoweredLayer, kernel: Pair, stride: Pair, dilation: Pair, absorbed?: Pads): Pads {
  if (l.config.padding === 'same') {
    const [t, b] = samePads(l.inShapes[0]!.h, l.out.h, kernel[0], stride[0], dilation[0]);
    const [left, r] = samePads(l.inShapes[0]!.w, l.out.w, kernel[1], stride[1], dilation[1]);
    return [t, b, left, r];
  }
  return absorbed ?? [0, 0, 0, 0];
}

/** ONNX orders pads as [top, left, bottom, right]. */
const onnxPads = ([t, b, l, r]: Pads) => [t, l, b, r];

const activationOf = (l: LoweredLayer) => String(l.config.activation ?? 'linear').toLowerCase();

function convState(l: LoweredLayer): Record<string, ExportTensor> {
  const state: Record<string, ExportTensor> = { weight: permute(l.weights.kernel!, KERNEL_TO_TORCH) };
  if (l.weights.bias) state.bias = vector(l.weights.bias);
  return state;
}

/**
 * Conv2D in PyTorch: 'same' with stride 1 and an odd window is symmetric padding; other 'same' cases pad like
 * TensorFlow at run time (pad_same), so the module works at any input size.
 */
function convTorch(ctx: TorchContext, activation: string, alpha?: number) {
  const { layer: l, x, module } = ctx;
  const k = pairOf(l.config.kernelSize);
  const s = pairOf(l.config.strides);
  const d = pairOf(l.config.dilationRate ?? 1);
  let input = x[0]!;
  let padding: string | undefined;
  if (l.config.padding === 'same') {
    const spans = [(k[0] - 1) * d[0], (k[1] - 1) * d[1]];
    if (s[0] === 1 && s[1] === 1 && spans.every((v) => v % 2 === 0)) padding = py2([spans[0]! / 2, spans[1]! / 2]);
    else {
      ctx.use('pad_same');
      input = `pad_same(${input}, ${py2(k)}, ${py2(s)}${d[0] > 1 || d[1] > 1 ? `, ${py2(d)}` : ''})`;
    }
  } else if (ctx.pads) {
    const [t, b, left, r] = ctx.pads;
    if (t === b && left === r) padding = py2([t, left]);
    else input = `F.pad(${input}, [${left}, ${r}, ${t}, ${b}])`;
  }
  const ctor = `nn.Conv2d(${args([
    ctx.inChannels[0],
    ctx.outChannels,
    `kernel_size=${py2(k)}`,
    (s[0] > 1 || s[1] > 1) && `stride=${py2(s)}`,
    padding !== undefined && padding !== '0' && `padding=${padding}`,
    (d[0] > 1 || d[1] > 1) && `dilation=${py2(d)}`,
    !l.weights.bias && 'bias=False',
  ])})`;
  return { module: ctor, state: convState(l), expr: torchActivation(activation, `${module}(${input})`, l.nodeId, alpha) };
}

function convOnnx(ctx: OnnxContext, activation: string, alpha?: number) {
  const l = ctx.layer;
  const k = pairOf(l.config.kernelSize);
  const s = pairOf(l.config.strides);
  const d = pairOf(l.config.dilationRate ?? 1);
  const state = convState(l);
  const inputs = [ctx.x[0]!, ctx.weight('weight', state.weight!), ...(state.bias ? [ctx.weight('bias', state.bias)] : [])];
  const linear = activation === 'linear';
  const convOut = linear ? ctx.out : ctx.temp('conv', l.out);
  ctx.node('Conv', inputs, [convOut], { kernel_shape: k, strides: s, dilations: d, pads: onnxPads(windowPads(l, k, s, d, ctx.pads)) });
  if (!linear) onnxActivation(ctx, activation, convOut, ctx.out, l.out, alpha);
}

export const conv2dExport: LayerExport = {
  channels: () => null,
  torch: (ctx) => convTorch(ctx, activationOf(ctx.layer)),
  onnx: (ctx) => convOnnx(ctx, activationOf(ctx.layer)),
};

/** Conv2D followed by a leaky ReLU (LeakyConv2D, made by inference compiles). */
export const leakyConvExport = (alphaOf: (l: LoweredLayer) => number): LayerExport => ({
  channels: () => null,
  torch: (ctx) => convTorch(ctx, 'leakyrelu', alphaOf(ctx.layer)),
  onnx: (ctx) => convOnnx(ctx, 'leakyrelu', alphaOf(ctx.layer)),
});

/**
 * Transposed conv: PyTorch's full output is (H−1)·s + k. tfjs 'valid' with s > k keeps s − k trailing rows
 * (output_padding); tfjs 'same' crops floor((k−s)/2) from the top/left and the rest from the bottom/right.
 */
function transposedGeometry(l: LoweredLayer, crop?: Pads) {
  const k = pairOf(l.config.kernelSize);
  const s = pairOf(l.config.strides);
  const d = pairOf(l.config.dilationRate ?? 1);
  if (d[0] !== 1 || d[1] !== 1) throw new ExportError(l.nodeId, 'a dilated transposed conv has no export');
  const x = l.inShapes[0]!;
  const full: Pair = [(x.h - 1) * s[0] + k[0], (x.w - 1) * s[1] + k[1]];
  const outSize: Pair = [l.out.h, l.out.w];
  if (crop) {
    // A folded crop: its top/left is PyTorch's padding; the rest of the length is what output_padding keeps.
    const start: Pair = [crop[0], crop[2]];
    const endCrop: Pair = [full[0] - start[0] - outSize[0], full[1] - start[1] - outSize[1]];
    const op: Pair = [start[0] - endCrop[0], start[1] - endCrop[1]];
    if (op.every((v, i) => v >= 0 && v < s[i]!)) return { k, s, outputPadding: op, pads: [start[0], start[0], start[1], start[1]] as Pads };
    const outputPadding: Pair = [Math.max(-endCrop[0], 0), Math.max(-endCrop[1], 0)];
    if (outputPadding[0] >= s[0] || outputPadding[1] >= s[1]) throw new ExportError(l.nodeId, `transposed conv output ${l.out.h}×${l.out.w} is out of reach of PyTorch's output_padding`);
    return { k, s, outputPadding, pads: [start[0], Math.max(endCrop[0], 0), start[1], Math.max(endCrop[1], 0)] as Pads };
  }
  const extra: Pair = [outSize[0] - full[0], outSize[1] - full[1]];
  const outputPadding: Pair = [Math.max(extra[0], 0), Math.max(extra[1], 0)];
  if (outputPadding[0] >= s[0] || outputPadding[1] >= s[1]) throw new ExportError(l.nodeId, `transposed conv output ${l.out.h}×${l.out.w} is out of reach of PyTorch's output_padding`);
  const cropped = [Math.max(-extra[0], 0), Math.max(-extra[1], 0)];
  const pads: Pads = [Math.floor(cropped[0]! / 2), cropped[0]! - Math.floor(cropped[0]! / 2), Math.floor(cropped[1]! / 2), cropped[1]! - Math.floor(cropped[1]! / 2)];
  return { k, s, outputPadding, pads };
}

export const conv2dTransposeExport: LayerExport = {
  channels: () => null,
  torch: (ctx) => {
    const l = ctx.layer;
    const { k, s, outputPadding, pads } = transposedGeometry(l, ctx.pads);
    const [t, b, left, r] = pads;
    const symmetric = t === b && left === r;
    const ctor = `nn.ConvTranspose2d(${args([
      ctx.inChannels[0],
      ctx.outChannels,
      `kernel_size=${py2(k)}`,
      `stride=${py2(s)}`,
      symmetric && (t > 0 || left > 0) && `padding=${py2([t, left])}`,
      (outputPadding[0] > 0 || outputPadding[1] > 0) && `output_padding=${py2(outputPadding)}`,
      !l.weights.bias && 'bias=False',
    ])})`;
    let expr = `${ctx.module}(${ctx.x[0]})`;
    if (!symmetric) {
      ctx.use('crop');
      expr = `crop(${expr}, ${t}, ${b}, ${left}, ${r})`;
    }
    return { module: ctor, state: convState(l), expr: torchActivation(activationOf(l), expr, l.nodeId) };
  },
  onnx: (ctx) => {
    const l = ctx.layer;
    const { k, s, outputPadding, pads } = transposedGeometry(l, ctx.pads);
    const state = convState(l);
    const inputs = [ctx.x[0]!, ctx.weight('weight', state.weight!), ...(state.bias ? [ctx.weight('bias', state.bias)] : [])];
    const activation = activationOf(l);
    const out = activation === 'linear' ? ctx.out : ctx.temp('conv', l.out);
    ctx.node('ConvTranspose', inputs, [out], { kernel_shape: k, strides: s, pads: onnxPads(pads), output_padding: outputPadding });
    if (activation !== 'linear') onnxActivation(ctx, activation, out, ctx.out, l.out);
  },
};

const poolExport = (kind: 'max' | 'avg'): LayerExport => ({
  torch: (ctx) => {
    const l = ctx.layer;
    const k = pairOf(l.config.poolSize);
    const s = pairOf(l.config.strides ?? l.config.poolSize);
    const stride = s[0] === k[0] && s[1] === k[1] ? undefined : `stride=${py2(s)}`;
    if (l.config.padding === 'same' && kind === 'avg') {
      // TensorFlow averages only the real pixels of a border window (count_include_pad=False, asymmetric pads).
      ctx.use('avg_pool_same');
      return { expr: `avg_pool_same(${ctx.x[0]}, ${py2(k)}, ${py2(s)})` };
    }
    const module = `nn.${kind === 'max' ? 'MaxPool2d' : 'AvgPool2d'}(${args([`kernel_size=${py2(k)}`, stride])})`;
    let input = ctx.x[0]!;
    if (l.config.padding === 'same') {
      ctx.use('pad_same');
      input = `pad_same(${input}, ${py2(k)}, ${py2(s)}, value=float('-inf'))`;
    }
    return { module, expr: `${ctx.module}(${input})` };
  },
  onnx: (ctx) => {
    const l = ctx.layer;
    const k = pairOf(l.config.poolSize);
    const s = pairOf(l.config.strides ?? l.config.poolSize);
    const pads = onnxPads(windowPads(l, k, s, [1, 1]));
    if (kind === 'max') ctx.node('MaxPool', [ctx.x[0]!], [ctx.out], { kernel_shape: k, strides: s, pads });
    else ctx.node('AveragePool', [ctx.x[0]!], [ctx.out], { kernel_shape: k, strides: s, pads, count_include_pad: 0 });
  },
});

/** ONNX Resize by integer factors (the scales input; roi unused). */
export function onnxResize(ctx: OnnxContext, factor: Pair, attrs: Record<string, string>): void {
  const scales = ctx.floats('scales', [1, 1, factor[0], factor[1]]);
  ctx.node('Resize', [ctx.x[0]!, '', scales], [ctx.out], attrs);
}

const upSampling2dExport: LayerExport = {
  torch: (ctx) => {
    const l = ctx.layer;
    if (l.config.interpolation !== 'nearest')
      throw new ExportError(l.nodeId, `UpSampling2D "${l.config.interpolation}" (TensorFlow's asymmetric bilinear) has no PyTorch equivalent; use the bilinear upsample op`);
    return { module: `nn.Upsample(scale_factor=${py2(pairOf(l.config.size))}, mode='nearest')`, expr: `${ctx.module}(${ctx.x[0]})` };
  },
  onnx: (ctx) => {
    const nearest = ctx.layer.config.interpolation === 'nearest';
    onnxResize(ctx, pairOf(ctx.layer.config.size), {
      mode: nearest ? 'nearest' : 'linear',
      coordinate_transformation_mode: 'asymmetric',
      ...(nearest ? { nearest_mode: 'floor' } : {}),
    });
  },
};

function channelAxis(l: LoweredLayer): void {
  const axis = Number(l.config.axis ?? -1);
  if (axis !== -1 && axis !== 3) throw new ExportError(l.nodeId, `${l.className} on axis ${axis} has no export (only the channel axis)`);
}

const concatenateExport: LayerExport = {
  channels: (inputs) => inputs.join(' + '),
  torch: (ctx) => {
    channelAxis(ctx.layer);
    return { expr: `torch.cat([${ctx.x.join(', ')}], dim=1)` };
  },
  onnx: (ctx) => {
    channelAxis(ctx.layer);
    ctx.node('Concat', ctx.x, [ctx.out], { axis: 1 });
  },
};

const edges = (v: unknown): Pads => {
  const [[t, b], [l, r]] = v as [Pair, Pair];
  return [t, b, l, r];
};
/** floor(total / 2) before, the rest after: the centred split crop and pad ops make. */
const centred = ([t, b, l, r]: Pads) => t === Math.floor((t + b) / 2) && l === Math.floor((l + r) / 2);

const cropping2dExport: LayerExport = {
  torch: (ctx) => {
    const p = edges(ctx.layer.config.cropping);
    if (ctx.like && centred(p)) {
      ctx.use('center_crop');
      return { expr: `center_crop(${ctx.x[0]}, ${ctx.like})` };
    }
    ctx.use('crop');
    return { expr: `crop(${ctx.x[0]}, ${p.join(', ')})` };
  },
  onnx: (ctx) => {
    const [t, , l] = edges(ctx.layer.config.cropping);
    const { h, w } = ctx.layer.out;
    ctx.node('Slice', [ctx.x[0]!, ctx.ints('starts', [t, l]), ctx.ints('ends', [t + h, l + w]), ctx.ints('axes', [2, 3])], [ctx.out]);
  },
};

/** Zero or reflection padding: F.pad in PyTorch (to a "like" tensor when one is in scope), Pad in ONNX. */
export const paddingExport = (mode: 'constant' | 'reflect'): LayerExport => ({
  torch: (ctx) => {
    const p = edges(ctx.layer.config.padding);
    const modeArg = mode === 'reflect' ? ", mode='reflect'" : '';
    if (ctx.like && centred(p)) {
      ctx.use('pad_to');
      return { expr: `pad_to(${ctx.x[0]}, ${ctx.like}${modeArg})` };
    }
    const [t, b, l, r] = p;
    return { expr: `F.pad(${ctx.x[0]}, [${l}, ${r}, ${t}, ${b}]${modeArg})` };
  },
  onnx: (ctx) => {
    const [t, b, l, r] = edges(ctx.layer.config.padding);
    ctx.node('Pad', [ctx.x[0]!, ctx.ints('pads', [0, 0, t, l, 0, 0, b, r])], [ctx.out], { mode });
  },
});

const batchNormExport: LayerExport = {
  torch: (ctx) => {
    const l = ctx.layer;
    channelAxis(l);
    const eps = Number(l.config.epsilon ?? 1e-3);
    const momentum = Number((1 - Number(l.config.momentum ?? 0.99)).toPrecision(12));
    const ctor = `nn.BatchNorm2d(${args([ctx.outChannels, eps !== 1e-5 && `eps=${num(eps)}`, momentum !== 0.1 && `momentum=${num(momentum)}`])})`;
    return { module: ctor, state: batchNormState(l), expr: `${ctx.module}(${ctx.x[0]})` };
  },
  onnx: (ctx) => {
    const l = ctx.layer;
    channelAxis(l);
    const s = batchNormState(l);
    const inputs = ['weight', 'bias', 'running_mean', 'running_var'].map((k) => ctx.weight(k, s[k]!));
    ctx.node('BatchNormalization', [ctx.x[0]!, ...inputs], [ctx.out], { epsilon: { f: Number(l.config.epsilon ?? 1e-3) } });
  },
};

/** γ, β, running statistics; PyTorch's strict loading also wants the batch counter. */
function batchNormState(l: LoweredLayer): Record<string, ExportTensor> {
  const c = l.out.c;
  const w = l.weights;
  return {
    weight: w.gamma ? vector(w.gamma) : filled(c, 1),
    bias: w.beta ? vector(w.beta) : filled(c, 0),
    running_mean: vector(w.moving_mean!),
    running_var: vector(w.moving_variance!),
    num_batches_tracked: { dtype: 'I64', shape: [], data: new BigInt64Array(1) },
  };
}

/** A parameter-free activation layer: `name` and `alpha` from the layer's config. */
const activationExport = (pick: (l: LoweredLayer) => { name: string; alpha?: number }): LayerExport => ({
  torch: (ctx) => {
    const { name, alpha } = pick(ctx.layer);
    return { expr: torchActivation(name, ctx.x[0]!, ctx.layer.nodeId, alpha) };
  },
  onnx: (ctx) => {
    const { name, alpha } = pick(ctx.layer);
    onnxActivation(ctx, name, ctx.x[0]!, ctx.out, ctx.layer.out, alpha);
  },
});

const softmaxAxis = (l: LoweredLayer) => {
  const axis = l.config.axis;
  if (axis !== undefined && axis !== -1 && axis !== 3 && !(Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3)))
    throw new ExportError(l.nodeId, `Softmax over axis ${JSON.stringify(axis)} has no export (only the channel axis)`);
  return { name: 'softmax' };
};

const elementwise = (op: '+' | '*', onnxOp: 'Add' | 'Mul'): LayerExport => ({
  // A product may broadcast one channel over many (an attention gate); a sum adds equal shapes.
  sameChannels: op === '+',
  torch: (ctx) => ({ expr: ctx.x.join(` ${op} `) }),
  onnx: (ctx) => {
    let acc = ctx.x[0]!;
    ctx.x.slice(1).forEach((x, i) => {
      const out = i === ctx.x.length - 2 ? ctx.out : ctx.temp(`${onnxOp.toLowerCase()}${i}`, ctx.layer.out);
      ctx.node(onnxOp, [acc, x], [out]);
      acc = out;
    });
  },
});

const dropoutExport: LayerExport = {
  torch: (ctx) => ({ module: `nn.Dropout(p=${num(Number(ctx.layer.config.rate))})`, expr: `${ctx.module}(${ctx.x[0]})` }),
  // Identity at inference: no ONNX node.
  onnx: (ctx) => ctx.alias(ctx.x[0]!),
};

/** Stock tfjs classes. Custom classes add theirs in `registry.ts`. */
export const STOCK_LAYER_EXPORTS: Record<string, LayerExport> = {
  Conv2D: conv2dExport,
  Conv2DTranspose: conv2dTransposeExport,
  MaxPooling2D: poolExport('max'),
  AveragePooling2D: poolExport('avg'),
  UpSampling2D: upSampling2dExport,
  Concatenate: concatenateExport,
  Cropping2D: cropping2dExport,
  ZeroPadding2D: paddingExport('constant'),
  BatchNormalization: batchNormExport,
  Activation: activationExport((l) => ({ name: activationOf(l) })),
  ReLU: activationExport((l) => ({ name: Number(l.config.maxValue) === 6 ? 'relu6' : 'relu' })),
  LeakyReLU: activationExport((l) => ({ name: 'leakyrelu', alpha: Number(l.config.alpha ?? 0.3) })),
  ELU: activationExport((l) => ({ name: 'elu', alpha: Number(l.config.alpha ?? 1) })),
  Softmax: activationExport(softmaxAxis),
  Dropout: dropoutExport,
  Add: elementwise('+', 'Add'),
  Multiply: elementwise('*', 'Mul'),
};
