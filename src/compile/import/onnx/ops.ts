import { splitCenter } from '../../../core/ops/common';
import { cropSplit } from '../../../core/ops/crop';
import { outputPaddingProblem } from '../../../core/ops/conv2dTranspose';
import type { Params } from '../../../core/types';
import type { TorchTensor } from '../../stateDict';
import type { Port } from '../docBuilder';
import type { Const } from './constants';
import { type NodeContext, real, Unsupported, type Value } from './context';
import { reshape, softmax, transpose } from './layout';

/**
 * ONNX op type → how it becomes our ops. This table is the whole mapping; ops not listed here are reported as
 * unsupported (after constant folding has taken every op whose inputs are all constants).
 */
export const ONNX_OPS: Record<string, (c: NodeContext) => Value> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: (c) => pool(c, 'maxPool2d'),
  AveragePool: (c) => pool(c, 'avgPool2d'),
  BatchNormalization: batchNorm,
  Relu: (c) => activation(c, { activation: 'relu' }),
  LeakyRelu: (c) => activation(c, { activation: 'leakyRelu', alpha: round(c.attrNumber('alpha', 0.01)) }),
  Sigmoid: (c) => activation(c, { activation: 'sigmoid' }),
  Tanh: (c) => activation(c, { activation: 'tanh' }),
  Elu: elu,
  Softmax: softmax,
  Concat: concat,
  Add: (c) => arithmetic(c, 'Add'),
  Sub: (c) => arithmetic(c, 'Sub'),
  Mul: (c) => arithmetic(c, 'Mul'),
  Div: (c) => arithmetic(c, 'Div'),
  Pad: pad,
  Slice: slice,
  Resize: resize,
  Upsample: resize,
  DepthToSpace: depthToSpace,
  Reshape: reshape,
  Transpose: transpose,
  Dropout: passThrough,
  Identity: passThrough,
};

/** Float attributes are float32 in the file: 0.2 reads 0.20000000298…; keep the digits the author wrote. */
const round = (v: number) => Number(v.toPrecision(7));

function square(c: NodeContext, name: string, values: number[] | undefined, fallback: number): number {
  const v = values ?? [fallback, fallback];
  if (v.length !== 2 || v[0] !== v[1]) throw new Unsupported(`${name} [${v.join(', ')}] is not square (our ops use one value for H and W)`);
  return v[0]!;
}

/** Our padding for explicit ONNX pads [top, left, bottom, right], or undefined when not symmetric. */
function symmetric(pads: number[]): number | undefined {
  const [t, l, b, r] = pads as [number, number, number, number];
  return t === b && l === r && t === l ? t : undefined;
}

/** TF "same" split for one axis: (before, after), extra at the end — what ONNX calls SAME_UPPER. */
function sameSplit(n: number, k: number, s: number, d = 1): [number, number] {
  const span = (k - 1) * d + 1;
  const total = Math.max((Math.ceil(n / s) - 1) * s + span - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function conv(c: NodeContext): Value {
  const x = c.real(0);
  const w = c.tensor(1);
  if (!w || w.shape.length !== 4) throw new Unsupported('only 2-D convolutions with a constant weight');
  const group = c.attrNumber('group', 1);
  if (group !== 1) throw new Unsupported(`group=${group} (grouped / depthwise convolution)`);
  const kernel = square(c, 'kernel_shape', c.attrInts('kernel_shape') ?? w.shape.slice(2), 1);
  const stride = square(c, 'strides', c.attrInts('strides'), 1);
  const dilation = square(c, 'dilations', c.attrInts('dilations'), 1);
  if (w.shape[1] !== x.shape.c) throw new Unsupported(`weight expects ${w.shape[1]} input channels, the input has ${x.shape.c}`);
  const bias = c.tensor(2);
  const weights: Record<string, TorchTensor> = bias ? { weight: w, bias } : { weight: w };
  const params = (padding: string | number): Params => ({ filters: w.shape[0]!, kernel, stride, dilation, padding, bias: !!bias, activation: 'none' });
  const autoPad = c.attrString('auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER') return real(c.add('conv2d', params('same'), [x], weights));
  if (autoPad === 'VALID') return real(c.add('conv2d', params('valid'), [x], weights));
  if (autoPad !== 'NOTSET') throw new Unsupported(`auto_pad=${autoPad} (pads the extra row at the top)`);
  const pads = c.attrInts('pads') ?? [0, 0, 0, 0];
  const p = symmetric(pads);
  if (p !== undefined) return real(c.add('conv2d', params(p === 0 ? 'valid' : p), [x], weights));
  const [t, l, b, r] = pads as [number, number, number, number];
  const [st, sb] = sameSplit(x.shape.h, kernel, stride, dilation);
  const [sl, sr] = sameSplit(x.shape.w, kernel, stride, dilation);
  if (t === st && b === sb && l === sl && r === sr) return real(c.add('conv2d', params('same'), [x], weights));
  // Asymmetric pads that split like a center pad become a pad node before an unpadded conv.
  const [ct, cb] = splitCenter(t + b);
  const [cl, cr] = splitCenter(l + r);
  if (ct !== t || cb !== b || cl !== l || cr !== r) throw new Unsupported(`pads [${pads.join(', ')}] put the extra row/column at the top/left`);
  const padded = c.add('pad', { mode: 'size', height: x.shape.h + t + b, width: x.shape.w + l + r, fill: 'zero' }, [x], undefined, `${c.id()}_pad`);
  return real(c.add('conv2d', params('valid'), [padded], weights));
}

function convTranspose(c: NodeContext): Value {
  const x = c.real(0);
  const w = c.tensor(1);
  if (!w || w.shape.length !== 4) throw new Unsupported('only 2-D transposed convolutions with a constant weight');
  const group = c.attrNumber('group', 1);
  if (group !== 1) throw new Unsupported(`group=${group} (grouped transposed convolution)`);
  const kernel = square(c, 'kernel_shape', c.attrInts('kernel_shape') ?? w.shape.slice(2), 1);
  const stride = square(c, 'strides', c.attrInts('strides'), 1);
  if (square(c, 'dilations', c.attrInts('dilations'), 1) !== 1) throw new Unsupported('dilated transposed convolution');
  const outPad = c.attrInts('output_padding') ?? [0, 0];
  if (outPad.length !== 2 || outPad[0] !== outPad[1])
    throw new Unsupported(`output_padding [${outPad.join(', ')}] (our up-conv keeps the same extra rows and columns)`);
  const outputPadding = outPad[0]!;
  if (c.attr('output_shape') !== undefined) throw new Unsupported('output_shape (give pads instead)');
  const autoPad = c.attrString('auto_pad', 'NOTSET');
  const pads = c.attrInts('pads') ?? [0, 0, 0, 0];
  const p = autoPad === 'SAME_UPPER' ? 'same' : symmetric(pads);
  if (p === undefined || (autoPad !== 'NOTSET' && autoPad !== 'SAME_UPPER' && autoPad !== 'VALID'))
    throw new Unsupported(`pads [${pads.join(', ')}] are not the same on every side`);
  const padding = p === 0 ? 'valid' : p;
  const outPadProblem = outputPaddingProblem(outputPadding, stride, padding);
  if (outPadProblem !== undefined) throw new Unsupported(`output_padding [${outPad.join(', ')}]: ${outPadProblem}`);
  if (w.shape[0] !== x.shape.c) throw new Unsupported(`weight expects ${w.shape[0]} input channels, the input has ${x.shape.c}`);
  const bias = c.tensor(2);
  const params = { filters: w.shape[1]!, kernel, stride, padding, outputPadding, bias: !!bias, activation: 'none' };
  const weights: Record<string, TorchTensor> = bias ? { weight: w, bias } : { weight: w };
  return real(c.add('conv2dTranspose', params, [x], weights));
}

function pool(c: NodeContext, op: 'maxPool2d' | 'avgPool2d'): Value {
  const x = c.real(0);
  const size = square(c, 'kernel_shape', c.attrInts('kernel_shape'), 1);
  const stride = square(c, 'strides', c.attrInts('strides'), 1);
  if ((c.attrInts('dilations') ?? [1, 1]).some((d) => d !== 1)) throw new Unsupported('dilated pooling');
  const autoPad = c.attrString('auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER') return real(c.add(op, { size, stride, padding: 'same' }, [x]));
  const pads = c.attrInts('pads') ?? [0, 0, 0, 0];
  if (pads.some((v) => v !== 0) || (autoPad !== 'NOTSET' && autoPad !== 'VALID'))
    throw new Unsupported(`pads [${pads.join(', ')}] (our pools pad only TensorFlow-"same" style)`);
  const ceil = c.attrNumber('ceil_mode', 0) === 1;
  const exact = (x.shape.h - size) % stride === 0 && (x.shape.w - size) % stride === 0;
  if (!ceil || exact) return real(c.add(op, { size, stride, padding: 'valid' }, [x]));
  // ceil_mode keeps the partial last window; with window = stride that is exactly TensorFlow's "same".
  if (size === stride) return real(c.add(op, { size, stride, padding: 'same' }, [x]));
  throw new Unsupported(`ceil_mode with a ${size}×${size}/${stride} window`);
}

function batchNorm(c: NodeContext): Value {
  const x = c.real(0);
  if (c.node.output.length > 1 && c.node.output.slice(1).some(Boolean)) throw new Unsupported('training-mode BatchNormalization (running statistics as outputs)');
  const [weight, bias, mean, variance] = [1, 2, 3, 4].map((i) => c.tensor(i));
  if (!weight || !bias || !mean || !variance) throw new Unsupported('scale, bias, mean and variance must be constants');
  // ONNX momentum weighs the old running value (0.9); ours is PyTorch's, the weight of the new batch (0.1).
  const momentum = Number((1 - c.attrNumber('momentum', 0.9)).toPrecision(6));
  const params = { epsilon: round(c.attrNumber('epsilon', 1e-5)), momentum: Math.min(Math.max(momentum, 0), 1) };
  return real(c.add('batchNorm', params, [x], { weight, bias, running_mean: mean, running_var: variance }));
}

function activation(c: NodeContext, params: Params): Value {
  return real(c.add('activation', params, [c.real(0)]));
}

function elu(c: NodeContext): Value {
  const alpha = c.attrNumber('alpha', 1);
  if (alpha !== 1) throw new Unsupported(`alpha=${alpha} (our elu has alpha 1)`);
  return activation(c, { activation: 'elu' });
}

function concat(c: NodeContext): Value {
  const axis = c.attrNumber('axis', 1);
  if (axis !== 1 && axis !== -3) throw new Unsupported(`axis ${axis} (ours joins channels, axis 1)`);
  const inputs = c.node.input.map((_, i) => c.real(i));
  if (inputs.length === 1) return real(inputs[0]!);
  return real(c.add('concat', {}, inputs));
}

type Arithmetic = 'Add' | 'Sub' | 'Mul' | 'Div';

/**
 * Add / Sub / Mul / Div. Two tensors: `add` or `multiply` (a difference or quotient of tensors has no op). A tensor
 * and a constant of one value or one per channel ([C, 1, 1] / [1, C, 1, 1], as (x − mean) / std writes them): a
 * scaleShift node, y = x·scale + shift.
 */
function arithmetic(c: NodeContext, op: Arithmetic): Value {
  const a = c.value(0);
  const b = c.value(1);
  if (a?.kind === 'real' && b?.kind === 'real') {
    if (op === 'Add') return real(c.add('add', {}, [a.port, b.port]));
    if (op === 'Mul') return real(c.add('multiply', {}, [a.port, b.port]));
    throw new Unsupported(`${op === 'Sub' ? 'a difference' : 'a quotient'} of two tensors (only their sum and product are ops here)`);
  }
  const x = a?.kind === 'real' ? a.port : b?.kind === 'real' ? b.port : undefined;
  const k = a?.kind === 'const' ? a.c : b?.kind === 'const' ? b.c : undefined;
  if (!x || !k) throw new Unsupported('operands other than a tensor and a constant');
  const constFirst = a?.kind === 'const';
  const values = channelValues(k, x.shape.c);
  if (op === 'Div' && constFirst) throw new Unsupported('a constant divided by the tensor (1/x is not a scale and shift)');
  const fill = (v: number) => values.map(() => v);
  const negated = values.map((v) => -v);
  const byOp: Record<Arithmetic, [number[], number[]]> = {
    Add: [fill(1), values],
    Sub: constFirst ? [fill(-1), values] : [fill(1), negated],
    Mul: [values, fill(0)],
    Div: [values.map((v) => 1 / v), fill(0)],
  };
  const [scale, shift] = byOp[op];
  if (values.length === 1) return real(c.add('scaleShift', { perChannel: false, scale: scale[0]!, shift: shift[0]! }, [x]));
  const vector = (v: number[]): TorchTensor => ({ shape: [v.length], data: Float32Array.from(v) });
  return real(c.add('scaleShift', { perChannel: true }, [x], { scale: vector(scale), shift: vector(shift) }));
}

/** A constant operand as one value, or one per channel of a C-channel NCHW tensor; anything else is refused. */
function channelValues(k: Const, channels: number): number[] {
  const values = Array.from(k.data, Number);
  if (values.length === 1) return values;
  const dims = [...new Array(Math.max(4 - k.dims.length, 0)).fill(1), ...k.dims];
  if (dims.length === 4 && dims[1] === channels && dims[0] === 1 && dims[2] === 1 && dims[3] === 1) return values;
  throw new Unsupported(`a constant of shape [${k.dims.join(', ')}] (ours: one value, or one per channel, [${channels}, 1, 1])`);
}

function passThrough(c: NodeContext): Value {
  const v = c.value(0);
  if (!v) throw new Unsupported('no input');
  return v;
}

/** A real tensor (other than `self`) whose shape a folded constant was computed from and whose H×W is `h×w`. */
function likeTensor(c: NodeContext, consts: (Const | undefined)[], self: Port, h: number, w: number): Port | undefined {
  for (const k of consts)
    for (const dep of k?.deps ?? []) {
      const port = c.realByName(dep);
      if (port && port.id !== self.id && port.shape.h === h && port.shape.w === w) return port;
    }
  return undefined;
}

function pad(c: NodeContext): Value {
  const x = c.real(0);
  const mode = c.attrString('mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect') throw new Unsupported(`mode "${mode}" (ours pads with zeros or reflects)`);
  const padsConst = c.opset >= 11 ? c.constant(1) : undefined;
  const pads = padsConst ? Array.from(padsConst.data, Number) : c.attrInts('pads');
  const value = c.opset >= 11 ? (c.constant(2)?.data[0] ?? 0) : c.attrNumber('value', 0);
  if (!pads || pads.length !== 8) throw new Unsupported('pads must cover the 4 axes of NCHW');
  if (mode === 'constant' && value !== 0) throw new Unsupported(`pads with ${value} (ours pads with zeros)`);
  const [n0, c0, t, l, n1, c1, b, r] = pads as [number, number, number, number, number, number, number, number];
  if (n0 || c0 || n1 || c1) throw new Unsupported('pads the batch or channel axis');
  if (t < 0 || l < 0 || b < 0 || r < 0) throw new Unsupported('negative pads (a crop)');
  const [ct, cb] = splitCenter(t + b);
  const [cl, cr] = splitCenter(l + r);
  if (ct !== t || cb !== b || cl !== l || cr !== r) throw new Unsupported(`pads [${pads.join(', ')}] put the extra row/column at the top/left`);
  const h = x.shape.h + t + b;
  const w = x.shape.w + l + r;
  const fill = mode === 'reflect' ? 'reflect' : 'zero';
  // Pads computed from another tensor's size (milesial's F.pad to the skip) pad "like" that tensor — also where
  // they come to 0 at this size, since at other sizes they do not.
  const like = likeTensor(c, [padsConst], x, h, w);
  if (like) return real(c.add('pad', { mode: 'like', fill }, [x, like]));
  if (t + b + l + r === 0) return real(x);
  return real(c.add('pad', { mode: 'size', height: h, width: w, fill }, [x]));
}

function slice(c: NodeContext): Value {
  const v = c.value(0);
  if (v?.kind !== 'real') throw new Unsupported('slices something other than a plain tensor');
  const x = v.port;
  const consts = c.opset >= 10 ? [1, 2, 3, 4].map((i) => c.constant(i)) : [];
  const starts = c.opset >= 10 ? Array.from(consts[0]!.data, Number) : c.attrInts('starts')!;
  const ends = c.opset >= 10 ? Array.from(consts[1]!.data, Number) : c.attrInts('ends')!;
  const axes = (c.opset >= 10 ? (consts[2] ? Array.from(consts[2].data, Number) : undefined) : c.attrInts('axes')) ?? starts.map((_, i) => i);
  const steps = consts[3] ? Array.from(consts[3].data, Number) : starts.map(() => 1);
  const dims = [1, x.shape.c, x.shape.h, x.shape.w];
  const range = [0, 0, 0, 0].map((_, a) => [0, dims[a]!] as [number, number]);
  axes.forEach((a0, i) => {
    const a = a0 < 0 ? a0 + 4 : a0;
    if (steps[i] !== 1) throw new Unsupported(`step ${steps[i]} (a crop takes every pixel)`);
    const d = dims[a]!;
    const clamp = (p: number) => Math.min(Math.max(p < 0 ? p + d : p, 0), d);
    range[a] = [clamp(starts[i]!), clamp(ends[i]!)];
  });
  if (range[0]![1] - range[0]![0] !== 1 && range[0]![0] !== 0) throw new Unsupported('slices the batch axis');
  if (range[1]![0] !== 0 || range[1]![1] !== x.shape.c) throw new Unsupported('slices channels (a split)');
  const [top, bottom] = range[2]!;
  const [left, right] = range[3]!;
  const h = bottom - top;
  const w = right - left;
  const like = likeTensor(c, consts, x, h, w);
  if (h === x.shape.h && w === x.shape.w && !like) return real(x);
  // floor((H − h)/2) as the paper's center_crop, or torchvision CenterCrop's round-half-to-even.
  const rounding = (['floor', 'half-even'] as const).find((r) => top === cropSplit(x.shape.h - h, r)[0] && left === cropSplit(x.shape.w - w, r)[0]);
  if (!rounding) throw new Unsupported(`rows ${top}:${bottom}, columns ${left}:${right} of ${x.shape.h}×${x.shape.w} is not a center crop`);
  if (like) return real(c.add('crop', { mode: 'like', rounding }, [x, like]));
  return real(c.add('crop', { mode: 'size', height: h, width: w, rounding }, [x]));
}

function resize(c: NodeContext): Value {
  const x = c.real(0);
  const mode = c.attrString('mode', 'nearest');
  // Upsample (opset 7–9) takes scales as input 1 (opset 9) or an attribute; Resize takes roi, scales, sizes.
  const isUpsample = c.node.opType === 'Upsample';
  const scaleInput = isUpsample ? (c.opset >= 9 ? 1 : -1) : c.opset >= 11 ? 2 : 1;
  const scalesConst = scaleInput >= 0 ? c.constant(scaleInput) : undefined;
  const scales = scalesConst?.data.length ? Array.from(scalesConst.data) : (c.attr('scales') as number[] | undefined);
  const sizes = !isUpsample && c.opset >= 11 ? c.ints(3) : undefined;
  let fh: number;
  let fw: number;
  if (sizes?.length === 4) [fh, fw] = [sizes[2]! / x.shape.h, sizes[3]! / x.shape.w];
  else if (scales?.length === 4) {
    if (scales[0] !== 1 || scales[1] !== 1) throw new Unsupported('scales the batch or channel axis');
    [fh, fw] = [scales[2]!, scales[3]!];
  } else throw new Unsupported('neither scales nor sizes are given for N, C, H, W');
  if (fh !== fw || !Number.isInteger(fh) || fh < 1) throw new Unsupported(`scale ${fh}×${fw} (ours is one whole factor for H and W)`);
  const coords = isUpsample ? 'asymmetric' : c.attrString('coordinate_transformation_mode', 'half_pixel');
  if (mode === 'nearest') {
    const rounding = c.attrString('nearest_mode', 'round_prefer_floor');
    // With a whole factor, these all repeat each pixel factor×factor times (tfjs UpSampling2D).
    const repeats = (coords === 'asymmetric' && rounding === 'floor') || ((coords === 'half_pixel' || coords === 'pytorch_half_pixel') && rounding.startsWith('round'));
    if (!repeats) throw new Unsupported(`nearest with ${coords} coordinates and ${rounding} rounding`);
    return real(c.add('upsample', { factor: fh, mode: 'nearest' }, [x]));
  }
  if (mode === 'linear' && !isUpsample) {
    if (coords === 'align_corners') return real(c.add('upsample', { factor: fh, mode: 'bilinear', alignCorners: true }, [x]));
    if (coords === 'half_pixel' || coords === 'pytorch_half_pixel') return real(c.add('upsample', { factor: fh, mode: 'bilinear', alignCorners: false }, [x]));
    throw new Unsupported(`linear with ${coords} coordinates (ours: align_corners or half-pixel)`);
  }
  throw new Unsupported(`mode "${mode}"${isUpsample ? ' in the old Upsample op (asymmetric)' : ''}`);
}

function depthToSpace(c: NodeContext): Value {
  const mode = c.attrString('mode', 'DCR');
  if (mode !== 'DCR') throw new Unsupported(`mode ${mode}: PyTorch pixel_shuffle order (ours is TensorFlow's depth_to_space, DCR)`);
  return real(c.add('depthToSpace', { blockSize: c.attrNumber('blocksize', 2) }, [c.real(0)]));
}
