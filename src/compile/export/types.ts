import type { Shape } from '../../core/types';
import type { LoweredLayer } from './lowered';

/** A tensor as the exporters write it: float32 weights, or PyTorch's int64 bookkeeping (num_batches_tracked). */
export type ExportTensor = { dtype: 'F32'; shape: number[]; data: Float32Array } | { dtype: 'I64'; shape: number[]; data: BigInt64Array };

/** [top, bottom, left, right] zero padding folded into a conv (see absorbConvPadding). */
export type Pads = [number, number, number, number];

/** Python helpers a layer's code may call; model.py defines the ones used. */
export type TorchHelper = 'center_crop' | 'pad_to' | 'crop' | 'pad_same' | 'avg_pool_same' | 'depth_to_space' | 'scale_shift';

export interface TorchContext {
  layer: LoweredLayer;
  pads?: Pads;
  /** Python expressions of the inputs, in order. */
  x: string[];
  /** The layer's module as the forward refers to it, e.g. `self.enc0_conv1`. */
  module: string;
  /** Channel counts as Python expressions: literals in a flat module, constructor arguments in a block class. */
  inChannels: string[];
  outChannels: string;
  /** A tensor in scope with the H×W this layer's output must have (for crops and pads "like" another tensor). */
  like?: string;
  use(helper: TorchHelper): void;
}

export interface TorchLowering {
  /** Constructor of the layer's nn.Module, declared in __init__; absent for functional layers. */
  module?: string;
  /** The module's state-dict entries (`weight`, `bias`, …) in PyTorch layout. */
  state?: Record<string, ExportTensor>;
  /** The forward expression giving the layer's output. */
  expr: string;
}

/** ONNX attribute values: plain numbers are INT, `{ f }` FLOAT; arrays of numbers INTS. */
export type OnnxAttr = number | { f: number } | number[] | string;

export interface OnnxContext {
  layer: LoweredLayer;
  pads?: Pads;
  opset: number;
  /** Value names of the inputs. */
  x: string[];
  /** The value name the layer's result must be written to. */
  out: string;
  node(op: string, inputs: string[], outputs: string[], attrs?: Record<string, OnnxAttr>): void;
  /** A fresh intermediate value of the given shape (declared in value_info). */
  temp(suffix: string, shape: Shape): string;
  /** A weight initializer named `<layer>.<suffix>`. */
  weight(suffix: string, tensor: ExportTensor): string;
  /** An int64 / float constant initializer. */
  ints(suffix: string, values: number[]): string;
  floats(suffix: string, values: number[]): string;
  /** The layer passes its input through (dropout): no node. */
  alias(input: string): void;
}

/**
 * How one tfjs layer class leaves for PyTorch and ONNX. Stock classes are in `layerExports.ts`; our custom
 * classes keep theirs beside the layer (src/compile/layers).
 */
export interface LayerExport {
  /** Output channels as a Python expression of the inputs' (default: the first input's); `null`: a new count. */
  channels?: (inputs: string[], layer: LoweredLayer) => string | null;
  /** All inputs have the output's channel count (an elementwise sum): a block class then needs one parameter for them. */
  sameChannels?: boolean;
  torch(ctx: TorchContext): TorchLowering;
  onnx(ctx: OnnxContext): void;
}

export const f32 = (shape: number[], data: Float32Array): ExportTensor => ({ dtype: 'F32', shape, data });
