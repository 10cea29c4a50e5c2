import type { OpIssue } from './diagnostics';
import type { ParamSpecs } from './params';
import type { Params, Shape } from './types';

export type OpCategory = 'io' | 'conv' | 'pool' | 'resize' | 'merge' | 'norm' | 'activation' | 'regularize' | 'reshape';

/** Named ports (`x`, `like`), or an ordered variadic list (concat's 0..N). */
export type InputPorts = { names: string[] } | { variadic: { min: number; max: number } };

export interface ShapeContext {
  nodeId: string;
  /** Shapes on the connected ports, in port order (all known when the rule is called). */
  inputs: Shape[];
  /** Source node id per port, so a rule can propose fixes that wire to them. */
  sources: string[];
  batch: number;
}

export type ShapeResult = { shape: Shape; issues?: OpIssue[] } | { shape?: undefined; issues: OpIssue[] };

/** How an op moves the sampling grid, for receptive field and cumulative stride. */
export interface Geometry {
  kernel: number;
  stride: number;
  dilation?: number;
  /** Upsampling factor: the grid step shrinks by this much. */
  upscale?: number;
}

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/**
 * One tfjs layer as data: `className` is a `tf.serialization` class (built-in or registered by the compiler),
 * `config` its constructor config. An op maps to a short chain of these; the first takes the ports listed in
 * `inputs` (all connected ports by default), each later one takes the previous layer's output.
 */
export interface LayerSpec {
  className: string;
  config: Record<string, unknown>;
  inputs?: number[];
}

/**
 * How a tfjs weight of a layer in the chain is filled from a PyTorch state-dict entry.
 * `layout` names the conversion (e.g. OIHW→HWIO); `torch` is the suffix of the PyTorch name.
 */
export interface WeightSpec {
  layer: number;
  tfjs: string;
  torch: string;
  layout: 'OIHW>HWIO' | 'IOHW>HWOI' | 'vector';
}

export interface TfjsContext {
  name: string;
  inputs: Shape[];
  output: Shape;
}

export interface OpExample {
  title?: string;
  params?: Params;
  inputs: [number, number, number][];
  /** Expected output C,H,W, or null when the example must be rejected with `error`. */
  output: [number, number, number] | null;
  error?: string;
  /** Expected warning code, when the example warns. */
  warning?: string;
  params_count?: number;
  macs?: number;
}

export interface OpDef {
  type: string;
  label: string;
  category: OpCategory;
  description: string;
  params: ParamSpecs;
  inputs: (p: Params) => InputPorts;
  /** One-line reading of the key params, e.g. "3×3 conv · 64 · valid". */
  summary: (p: Params) => string;
  /** The shape rule. Params are already validated and defaulted; inputs are all known. */
  infer: (p: Params, ctx: ShapeContext) => ShapeResult;
  paramCount?: (p: Params, inputs: Shape[], output: Shape) => ParamCount;
  /** Multiply-adds of one sample (conv-like ops only, matching the reference tables). */
  macs?: (p: Params, inputs: Shape[], output: Shape) => number;
  geometry?: (p: Params) => Geometry;
  tfjs: (p: Params, ctx: TfjsContext) => LayerSpec[];
  weights?: (p: Params) => WeightSpec[];
  examples: OpExample[];
}

export const defineOp = (def: OpDef): OpDef => def;
