import type { OpIssue } from './diagnostics';
import type { ParamSpecs, ParamsOf } from './params';
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

/**
 * How one spatial dimension of the output (H and W alike) follows from the inputs', as data: the input-size search
 * runs it over thousands of candidate sizes at once instead of calling `infer` per size. It must accept exactly
 * the sizes `infer` accepts without an `inputSizeCanFix` issue (test/unit/solver.test.ts checks it against the
 * engine); errors that no size can cure (channels, stride with dilation) need not be modelled. On top of the
 * rule, every output must lie in 1..2^31.
 * - `map`: out = floor((x·scale + offset) / divisor) from port 0; with `exact`, a remainder is a problem.
 * - `same`: every input has the same size, which the output keeps.
 * - `fit`: the output takes port 1's size (`like`) or a fixed H×W; `shrink` needs it ≤ port 0's, `grow` ≥ it,
 *   and `reflect` needs each side's padding smaller than the input.
 */
export type SizeRule =
  | { kind: 'map'; scale: number; offset: number; divisor: number; exact?: boolean }
  | { kind: 'same' }
  | { kind: 'fit'; to: 'like' | { h: number; w: number }; direction: 'shrink' | 'grow'; reflect?: boolean };

/** The rule of ops that keep H×W (activations, normalisation, dropout, output). */
export const KEEPS_SIZE: SizeRule = { kind: 'map', scale: 1, offset: 0, divisor: 1 };

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/**
 * Where a layer of an op's layer graph takes an input from: a number is one of the op's input ports (0 = the
 * first), a string the `key` of an earlier layer of the same op.
 */
export type LayerInput = number | string;

/**
 * One tfjs layer as data: `className` is a `tf.serialization` class (built-in or registered by the compiler),
 * `config` its constructor config. An op maps to a small graph of these, listed so that every layer comes after
 * the layers it reads. A layer reads `inputs` when given; otherwise the first layer reads all connected ports
 * and each later one the layer before it. The op's output is the last layer's.
 */
export interface LayerSpec {
  /** Names the layer within its op, for the `inputs` of later layers and for `WeightSpec.layer`. */
  key?: string;
  className: string;
  config: Record<string, unknown>;
  inputs?: LayerInput[];
}

/**
 * How a PyTorch tensor is laid out and where its output channels are. tfjs axis j holds torch axis
 * `toTfjs[j]`: conv OIHW → HWIO; transposed conv IOHW → HW·O·I (tfjs keeps Conv2DTranspose kernels as
 * [kH, kW, out, in]), which is the same axis move. `outputAxis` is where the output channels sit in the torch
 * tensor (what a per-channel fold scales).
 */
export type WeightLayout = 'OIHW>HWIO' | 'IOHW>HWOI' | 'vector';

export interface LayoutInfo {
  /** The torch layout in words, for messages. */
  torch: string;
  toTfjs: number[] | null;
  toTorch: number[] | null;
  outputAxis: number;
}

export const WEIGHT_LAYOUTS: Readonly<Record<WeightLayout, LayoutInfo>> = {
  'OIHW>HWIO': { torch: 'OIHW', toTfjs: [2, 3, 1, 0], toTorch: [3, 2, 0, 1], outputAxis: 0 },
  'IOHW>HWOI': { torch: 'IOHW', toTfjs: [2, 3, 1, 0], toTorch: [3, 2, 0, 1], outputAxis: 1 },
  vector: { torch: 'a vector', toTfjs: null, toTorch: null, outputAxis: 0 },
};

/**
 * How a tfjs weight of one of the op's layers (by `key`) is filled from a PyTorch state-dict entry of the node.
 * `layout` names the conversion (e.g. OIHW→HWIO); `torch` is the entry's name within the node (`weight`,
 * `W_g.0.bias`).
 */
export interface WeightSpec {
  layer: string;
  tfjs: string;
  torch: string;
  layout: WeightLayout;
}

/** The activation a node applies, as conv params carry it. */
export interface ActivationParams {
  activation: string;
  alpha?: number;
}

/**
 * What inference-time optimisation may do with a node; the compiler's rewrites read only this.
 * - `identity`: the node only acts while training (dropout) and is removed.
 * - `channelAffine`: a per-channel (x − mean)·scale/√(variance + ε) + shift with fixed statistics (BatchNorm in
 *   eval mode); it folds into the conv before it. Names the node's tensors.
 * - `activation`: an element-wise activation the conv before it can apply itself.
 * - `conv`: a conv that can absorb both: `linear` when it applies no activation of its own; `weight`/`bias` name
 *   its tensors; `withBias` are the params that give it a bias, `withActivation` those that make it apply one.
 */
export type InferenceRole =
  | { kind: 'identity' }
  | { kind: 'channelAffine'; epsilon: number; tensors: { scale: string; shift: string; mean: string; variance: string } }
  | { kind: 'activation'; activation: ActivationParams }
  | {
      kind: 'conv';
      linear: boolean;
      hasBias: boolean;
      weight: string;
      bias: string;
      withBias: Params;
      withActivation: (a: ActivationParams) => Params;
    };

export interface TfjsContext {
  name: string;
  inputs: Shape[];
  output: Shape;
}

/**
 * A change to an op's params that older files must survive, declared in the op's own file: at format version
 * `version`, params were renamed (`{ kernal: 'kernel' }`: the value moves to the new name) or dropped (with why).
 * Declaring one raises the format version (core/format/migrations.ts); files of earlier versions are migrated.
 */
export interface ParamMigration {
  version: number;
  rename?: Record<string, string>;
  drop?: Record<string, string>;
}

/** An example's params: any subset of the op's, typed (the registry's erased form takes any record). */
type ExampleParams<P> = string extends keyof P ? Params : Partial<P>;

export interface OpExample<P = Params> {
  title?: string;
  params?: ExampleParams<P>;
  inputs: [number, number, number][];
  /** Expected output C,H,W, or null when the example must be rejected with `error`. */
  output: [number, number, number] | null;
  error?: string;
  /** Expected warning code, when the example warns. */
  warning?: string;
  params_count?: number;
  macs?: number;
}

/**
 * Everything the app knows about an op, generic over its param specs: every callback receives the validated,
 * defaulted params typed from the specs (`p.kernel: number`, `p.padding: Padding`).
 */
export interface OpDefOf<S extends ParamSpecs> {
  type: string;
  label: string;
  category: OpCategory;
  description: string;
  params: S;
  inputs: (p: ParamsOf<S>) => InputPorts;
  /** One-line reading of the key params, e.g. "3×3 conv · 64 · valid". */
  summary: (p: ParamsOf<S>) => string;
  /** The shape rule. Params are already validated and defaulted; inputs are all known. */
  infer: (p: ParamsOf<S>, ctx: ShapeContext) => ShapeResult;
  paramCount?: (p: ParamsOf<S>, inputs: Shape[], output: Shape) => ParamCount;
  /** Multiply-adds of one sample (ops with conv weights, matching the reference tables). */
  macs?: (p: ParamsOf<S>, inputs: Shape[], output: Shape) => number;
  geometry?: (p: ParamsOf<S>) => Geometry;
  /** The size arithmetic for the input-size search; without it the search falls back to running `infer` per size. */
  size?: (p: ParamsOf<S>) => SizeRule;
  tfjs: (p: ParamsOf<S>, ctx: TfjsContext) => LayerSpec[];
  weights?: (p: ParamsOf<S>) => WeightSpec[];
  /** What inference-time optimisation does to the node; none: it is left as it is. */
  inference?: (p: ParamsOf<S>) => InferenceRole;
  examples: OpExample<ParamsOf<S>>[];
  /** Renamed and dropped params, oldest first; files written before each `version` are migrated on load. */
  migrations?: ParamMigration[];
}

/** An op as the registry holds it: params are the plain record the engine validated against `params`. */
export type OpDef = OpDefOf<ParamSpecs>;

/**
 * Declares an op with params typed from its specs. The registry stores it as a plain `OpDef`: the engine only
 * ever calls it with params validated and defaulted against these very specs, which is what `ParamsOf` says.
 */
export function defineOp<const S extends ParamSpecs>(def: OpDefOf<S>): OpDef {
  return def as unknown as OpDef;
}
