import { checkParam, type ParamSpec } from '../params';

/**
 * Everything that distinguishes one U-Net from another in the reference designs. Defaults give the paper
 * network (Ronneberger et al. 2015): 1×572×572 in, valid 3×3 convs, max-pool, 2×2 up-convs, crop + concat,
 * 1×1 head to 2 classes.
 *
 * Channel bookkeeping (level i = 0..depth, level `depth` is the bottleneck):
 * - encoder width at level i < depth: base·2^i; bottleneck: base·2^depth / bottleneckFactor;
 * - decoder output at level i > 0: base·2^i / bottleneckFactor; at level 0: base;
 * - the up step halves its input ('transposed', 'nearest-conv' with upConvChannels 'half') or keeps it;
 * - the decoder double conv goes concat → mid → out, mid = out, or concat/2 with midChannels 'half-in'.
 */
export interface UNetOptions {
  /** Document name. */
  name: string;
  /** Where the design comes from; stored in the document. */
  description: string;
  /** Number of 2× down steps; the bottleneck is level `depth`. */
  depth: number;
  /** Width of level 0; each level down doubles it. */
  base: number;
  inChannels: number;
  inputSize: { h: number; w: number };
  /** Padding of the 3×3 double-conv convs: 'valid' shrinks H and W by 2 per conv, 'same' keeps them. */
  padding: 'valid' | 'same';
  /** Bias in the double-conv convs (milesial turns it off because BatchNorm follows). */
  bias: boolean;
  /** Normalisation after each double-conv conv. */
  norm: 'none' | 'batch';
  /** Dropout rate after the first and the second conv of every double conv (0 = no dropout node). */
  dropout: [number, number];
  activation: 'relu' | 'leakyRelu';
  /** Negative slope of leakyRelu. */
  alpha: number;
  /** Down step: 2×2 max-pool (valid floors odd sizes, same rounds up), or a 3×3 stride-2 conv (pad 1) + activation. */
  down: 'maxpool' | 'maxpool-same' | 'strided-conv';
  /**
   * Up step: 2×2 stride-2 transposed conv; parameter-free bilinear or nearest ×2; or nearest ×2 followed by a
   * conv (`upConvKernel`), the upconv-blocks / strided design.
   */
  upMode: 'transposed' | 'bilinear' | 'nearest' | 'nearest-conv';
  /** Kernel of the conv after a nearest upsample ('nearest-conv' only). */
  upConvKernel: number;
  /** Bias of the up step's conv ('transposed', 'nearest-conv'). */
  upBias: boolean;
  /** Output width of the up step's conv relative to its input ('transposed', 'nearest-conv'). */
  upConvChannels: 'half' | 'same';
  /** Follow the up step's conv with the block's norm and activation ('nearest-conv' only; upconv-blocks). */
  upNormAct: boolean;
  /** align_corners of the bilinear upsample ('bilinear' only; milesial uses true). */
  alignCorners: boolean;
  /**
   * How skip and decoder tensor are brought to one size before the concat: center-crop the skip to the
   * decoder tensor (paper), zero-pad the decoder tensor to the skip (milesial), or nothing (sizes must match).
   */
  concatMode: 'crop' | 'pad' | 'none';
  /** Channel order of the concat: [skip, up] (paper, milesial) or [up, skip] (Keras, TF-slim). */
  skipOrder: 'skip-first' | 'up-first';
  /** Divides the bottleneck and decoder widths (milesial bilinear: 2). */
  bottleneckFactor: number;
  /** Middle width of the decoder double conv: its output width, or half of the concat (milesial bilinear). */
  midChannels: 'out' | 'half-in';
  /**
   * Final conv: `classes` is the network's output channels; with depthToSpace r the conv produces
   * classes·r² channels that depth-to-space turns into `classes` at r× the size. The activation is fused
   * into the head conv (before depth-to-space).
   */
  head: { kernel: number; classes: number; activation: HeadActivation; bias: boolean };
  /** Depth-to-space block after the head (TensorFlow channel order); 1 = none. */
  depthToSpace: number;
}

export const HEAD_ACTIVATIONS = ['none', 'sigmoid', 'softmax', 'tanh', 'relu'] as const;
export type HeadActivation = (typeof HEAD_ACTIVATIONS)[number];

/** What callers pass: any subset, nested objects partial too. */
export type UNetOptionsInput = Partial<Omit<UNetOptions, 'inputSize' | 'head'>> & {
  inputSize?: Partial<UNetOptions['inputSize']>;
  head?: Partial<UNetOptions['head']>;
};

const int = (min: number, max: number, def: number, help: string): ParamSpec => ({ type: 'int', min, max, default: def, help });
const choice = (choices: readonly string[], def: string, help: string, when?: ParamSpec['when']): ParamSpec => ({
  type: 'choice',
  choices,
  default: def,
  help,
  ...(when ? { when } : {}),
});
const bool = (def: boolean, help: string, when?: ParamSpec['when']): ParamSpec => ({ type: 'bool', default: def, help, ...(when ? { when } : {}) });
const rate = (help: string): ParamSpec => ({ type: 'float', min: 0, max: 1, exclusiveMax: true, default: 0, help });

const upHasConv = (p: Record<string, unknown>) => p.upMode === 'transposed' || p.upMode === 'nearest-conv';

/**
 * Every numeric / choice option as a param spec keyed by its path ("inputSize.h", "dropout.0"): one table
 * for defaults, validation messages and the "New U-Net…" dialog's fields and help. `when` receives the
 * flattened options.
 */
export const UNET_OPTION_FIELDS: Readonly<Record<string, ParamSpec>> = {
  depth: int(1, 8, 4, 'Number of 2× down steps (the bottleneck sits below them)'),
  base: int(1, 4096, 64, 'Channels of the first level; each level down doubles them'),
  inChannels: int(1, 4096, 1, 'Input channels: 1 grayscale, 3 RGB'),
  'inputSize.h': int(1, 16384, 572, 'Input height in pixels'),
  'inputSize.w': int(1, 16384, 572, 'Input width in pixels'),
  padding: choice(['valid', 'same'], 'valid', 'Padding of the 3×3 convs: valid shrinks by 2 per conv, same keeps the size'),
  bias: bool(true, 'Bias in the 3×3 convs'),
  norm: choice(['none', 'batch'], 'none', 'Normalisation after each 3×3 conv'),
  'dropout.0': rate('Dropout after the first conv of each double conv (0 = none)'),
  'dropout.1': rate('Dropout after the second conv of each double conv (0 = none)'),
  activation: choice(['relu', 'leakyRelu'], 'relu', 'Activation of the convs'),
  alpha: { type: 'float', min: 0, default: 0.01, help: 'Negative slope of leakyRelu', when: (p) => p.activation === 'leakyRelu' },
  down: choice(['maxpool', 'maxpool-same', 'strided-conv'], 'maxpool', 'Down step: 2×2 max-pool (valid or same) or a 3×3 stride-2 conv'),
  upMode: choice(['transposed', 'bilinear', 'nearest', 'nearest-conv'], 'transposed', 'Up step: 2×2 transposed conv, bilinear or nearest ×2, or nearest ×2 + conv'),
  upConvKernel: { type: 'int', min: 1, max: 7, default: 3, help: 'Kernel of the conv after the nearest upsample', when: (p) => p.upMode === 'nearest-conv' },
  upBias: bool(true, 'Bias in the up step conv', upHasConv),
  upConvChannels: choice(['half', 'same'], 'half', 'Width of the up step conv: half its input, or the same', upHasConv),
  upNormAct: bool(false, 'Follow the up conv with the norm and activation', (p) => p.upMode === 'nearest-conv'),
  alignCorners: bool(false, 'align_corners of the bilinear upsample', (p) => p.upMode === 'bilinear'),
  concatMode: choice(['crop', 'pad', 'none'], 'crop', 'Size match before concat: crop the skip, pad the decoder tensor, or none'),
  skipOrder: choice(['skip-first', 'up-first'], 'skip-first', 'Concat channel order: [skip, up] or [up, skip]'),
  bottleneckFactor: int(1, 8, 1, 'Divides the bottleneck and decoder widths (milesial bilinear: 2)'),
  midChannels: choice(['out', 'half-in'], 'out', 'Middle width of the decoder double conv: its output, or half its input'),
  'head.kernel': int(1, 7, 1, 'Kernel of the final conv'),
  'head.classes': int(1, 4096, 2, 'Output channels (classes) of the network'),
  'head.activation': choice(HEAD_ACTIVATIONS, 'none', 'Activation of the final conv'),
  'head.bias': bool(true, 'Bias in the final conv'),
  depthToSpace: int(1, 8, 1, 'Depth-to-space block after the head (1 = none); the head then makes classes·r² channels'),
};

export const DEFAULT_UNET_OPTIONS: Readonly<UNetOptions> = Object.freeze(
  unflatten({ name: 'U-Net', description: '', ...fieldDefaults() }),
);

export interface OptionProblem {
  /** Path of the option, e.g. "inputSize.h". */
  field: string;
  message: string;
}

/** Thrown by buildUNet for options it cannot turn into a graph; `problems` lists every one. */
export class UNetOptionsError extends Error {
  constructor(readonly problems: OptionProblem[]) {
    super(`invalid U-Net options: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'UNetOptionsError';
  }
}

/** Defaults overlaid with `input`, plus every problem found (empty when the options can be built). */
export function checkUNetOptions(input: UNetOptionsInput = {}): { options: UNetOptions; problems: OptionProblem[] } {
  const problems: OptionProblem[] = [];
  const flat = { ...flatten(DEFAULT_UNET_OPTIONS), ...flatten(input as Record<string, unknown>) };
  for (const key of Object.keys(flatten(input as Record<string, unknown>)))
    if (!(key in UNET_OPTION_FIELDS) && key !== 'name' && key !== 'description')
      problems.push({ field: key, message: nestedShape(key) ?? 'unknown option' });
  for (const key of ['name', 'description'])
    if (typeof flat[key] !== 'string') problems.push({ field: key, message: `expected text, got ${JSON.stringify(flat[key])}` });
  if (typeof flat.name === 'string' && flat.name.trim() === '') problems.push({ field: 'name', message: 'expected a non-empty name' });
  for (const [key, spec] of Object.entries(UNET_OPTION_FIELDS)) {
    const problem = checkParam(spec, flat[key]);
    if (problem) problems.push({ field: key, message: problem });
  }
  const options = unflatten(flat);
  if (problems.length === 0) problems.push(...combinationProblems(options));
  return { options, problems };
}

/** Like checkUNetOptions, but throws a UNetOptionsError listing the problems. */
export function resolveUNetOptions(input: UNetOptionsInput = {}): UNetOptions {
  const { options, problems } = checkUNetOptions(input);
  if (problems.length) throw new UNetOptionsError(problems);
  return options;
}

/** Combinations that cannot form a network: channel counts that are not whole, sizes that can never match. */
function combinationProblems(o: UNetOptions): OptionProblem[] {
  const out: OptionProblem[] = [];
  if (o.concatMode === 'none' && o.padding === 'valid')
    out.push({
      field: 'concatMode',
      message: `"none" needs padding "same": unpadded convs leave the decoder tensor smaller than the skip, so use "crop" or "pad"`,
    });
  const deepest = o.base * 2 ** o.depth;
  if (deepest % o.bottleneckFactor !== 0 || (o.depth > 1 && (o.base * 2) % o.bottleneckFactor !== 0))
    out.push({
      field: 'bottleneckFactor',
      message: `${o.bottleneckFactor} does not divide the level widths (base ${o.base}, depth ${o.depth}): use a base that is a multiple of it`,
    });
  else {
    const w = unetWidths(o);
    const halves = upHasConv(o as unknown as Record<string, unknown>) && o.upConvChannels === 'half';
    for (let i = 0; i < o.depth; i++) {
      if (halves && w.upIn[i]! % 2 !== 0) {
        out.push({ field: 'upConvChannels', message: `the up step at level ${i} gets ${w.upIn[i]} channels, which cannot be halved` });
        break;
      }
      if (o.midChannels === 'half-in' && w.concat[i]! % 2 !== 0) {
        out.push({ field: 'midChannels', message: `the concat at level ${i} has ${w.concat[i]} channels, which cannot be halved` });
        break;
      }
    }
  }
  return out;
}

/** Channel widths per level, as described on UNetOptions. Index i is level i. */
export function unetWidths(o: UNetOptions) {
  const enc = Array.from({ length: o.depth + 1 }, (_, i) => o.base * 2 ** i);
  enc[o.depth] = enc[o.depth]! / o.bottleneckFactor;
  const dec = enc.map((w, i) => (i === 0 ? o.base : i === o.depth ? w : (o.base * 2 ** i) / o.bottleneckFactor));
  const upIn = enc.map((_, i) => (i === o.depth ? 0 : i === o.depth - 1 ? enc[o.depth]! : dec[i + 1]!));
  const upConv = upHasConv(o as unknown as Record<string, unknown>);
  const up = upIn.map((c) => (upConv && o.upConvChannels === 'half' ? c / 2 : c));
  const concat = up.map((c, i) => c + enc[i]!);
  const mid = concat.map((c, i) => (o.midChannels === 'half-in' ? c / 2 : dec[i]!));
  return { enc, dec, upIn, up, concat, mid };
}

/** For a nested option given as a plain value ("dropout: 0.3"), what it should have been. */
function nestedShape(key: string): string | undefined {
  const inner = Object.keys(UNET_OPTION_FIELDS)
    .filter((f) => f.startsWith(`${key}.`))
    .map((f) => f.slice(key.length + 1));
  if (inner.length === 0) return undefined;
  return key === 'dropout' ? 'expected [first, second] rates, e.g. [0.3, 0.4]' : `expected an object with ${inner.join(', ')}`;
}

function fieldDefaults(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(UNET_OPTION_FIELDS).map(([k, s]) => [k, s.default]));
}

/** {inputSize: {h: 1}, dropout: [0.3, 0]} → {"inputSize.h": 1, "dropout.0": 0.3, "dropout.1": 0}. */
export function flatten(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined && v !== null && typeof v === 'object')
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out[`${k}.${k2}`] = v2;
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

function unflatten(flat: Record<string, unknown>): UNetOptions {
  const out: Record<string, unknown> = { dropout: [0, 0], inputSize: {}, head: {} };
  for (const [k, v] of Object.entries(flat)) {
    const [outer, inner] = k.split('.') as [string, string | undefined];
    if (inner === undefined) out[outer] = v;
    else if (outer === 'dropout') (out.dropout as unknown[])[Number(inner)] = v;
    else (out[outer] = (out[outer] as Record<string, unknown>) ?? {}), ((out[outer] as Record<string, unknown>)[inner] = v);
  }
  return out as unknown as UNetOptions;
}
