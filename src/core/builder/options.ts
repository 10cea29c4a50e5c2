import type { Problem } from '../problem';
import { checkParam, type ParamSpec, type ValueOf } from '../params';
import type { Params } from '../types';

/** One builder option: its spec (type, range, default, help, when it applies) and its label in the dialog. */
export interface OptionField<S extends ParamSpec = ParamSpec> {
  label: string;
  spec: S;
}

const field = <const S extends ParamSpec>(label: string, spec: S): OptionField<S> => ({ label, spec });
const int = <const D extends number>(min: number, max: number, def: D, help: string) => ({ type: 'int', min, max, default: def, help }) as const;
const choice = <const C extends string>(choices: readonly C[], def: C, help: string, when?: (p: Params) => boolean) => ({
  type: 'choice' as const,
  choices,
  default: def,
  help,
  ...(when ? { when } : {}),
});
const bool = (def: boolean, help: string, when?: (p: Params) => boolean) => ({ type: 'bool' as const, default: def, help, ...(when ? { when } : {}) });
const rate = (help: string) => ({ type: 'float', min: 0, max: 1, exclusiveMax: true, default: 0, help }) as const;

const upHasConv = (p: { upMode?: unknown }) => p.upMode === 'transposed' || p.upMode === 'nearest-conv';
const doubleConv = (p: { block?: unknown }) => p.block !== 'residual';

export const HEAD_ACTIVATIONS = ['none', 'sigmoid', 'softmax', 'tanh', 'relu'] as const;
export type HeadActivation = (typeof HEAD_ACTIVATIONS)[number];

/**
 * Everything that distinguishes one U-Net from another in the reference designs, as one table: the options'
 * types (UNetOptions), defaults, validation messages, and the "New U-Net…" dialog's fields, labels and help all
 * come from it. Defaults give the paper network (Ronneberger et al. 2015): 1×572×572 in, valid 3×3 convs,
 * max-pool, 2×2 up-convs, crop + concat, 1×1 head to 2 classes. `when` receives the flattened options.
 *
 * Channel bookkeeping (level i = 0..depth, level `depth` is the bottleneck):
 * - encoder width at level i < depth: base·2^i; bottleneck: base·2^depth / bottleneckFactor;
 * - decoder output at level i > 0: base·2^i / bottleneckFactor; at level 0: base;
 * - the up step halves its input ('transposed', 'nearest-conv' with upConvChannels 'half') or keeps it;
 * - the decoder double conv goes concat → mid → out, mid = out, or concat/2 with midChannels 'half-in'.
 */
export const UNET_OPTION_TABLE = {
  depth: field('Depth', int(1, 8, 4, 'Number of 2× down steps (the bottleneck sits below them)')),
  base: field('Base width', int(1, 4096, 64, 'Channels of the first level; each level down doubles them')),
  inChannels: field('Input channels', int(1, 4096, 1, 'Input channels: 1 grayscale, 3 RGB')),
  inputSize: {
    h: field('Input height', int(1, 16384, 572, 'Input height in pixels')),
    w: field('Input width', int(1, 16384, 572, 'Input width in pixels')),
  },
  block: field(
    'Level block',
    choice(['double-conv', 'residual'], 'double-conv', 'Block of each level: a double 3×3 conv, or a ResUNet residual unit (BN and ReLU inside)'),
  ),
  padding: field('Conv padding', choice(['valid', 'same'], 'valid', 'Padding of the 3×3 convs: valid shrinks by 2 per conv, same keeps the size')),
  bias: field('Conv bias', bool(true, 'Bias in the 3×3 convs', doubleConv)),
  norm: field('Normalisation', choice(['none', 'batch'], 'none', 'Normalisation after each 3×3 conv', doubleConv)),
  dropout: [
    field('Dropout 1', rate('Dropout after the first conv of each double conv (0 = none)')),
    field('Dropout 2', rate('Dropout after the second conv of each double conv (0 = none)')),
  ],
  activation: field('Activation', choice(['relu', 'leakyRelu'], 'relu', 'Activation of the convs')),
  alpha: field('Leaky slope', { type: 'float', min: 0, default: 0.01, help: 'Negative slope of leakyRelu', when: (p) => p.activation === 'leakyRelu' }),
  down: field(
    'Down step',
    choice(
      ['maxpool', 'maxpool-same', 'strided-conv', 'strided-block'],
      'maxpool',
      'Down step: 2×2 max-pool (valid or same), a 3×3 stride-2 conv, or the next level’s residual unit striding by 2 (ResUNet)',
    ),
  ),
  upMode: field(
    'Up mode',
    choice(['transposed', 'bilinear', 'nearest', 'nearest-conv'], 'transposed', 'Up step: 2×2 transposed conv, bilinear or nearest ×2, or nearest ×2 + conv'),
  ),
  upConvKernel: field('Up conv kernel', {
    type: 'int',
    min: 1,
    max: 7,
    default: 3,
    help: 'Kernel of the conv after the nearest upsample',
    when: (p) => p.upMode === 'nearest-conv',
  }),
  upBias: field('Up conv bias', bool(true, 'Bias in the up step conv', upHasConv)),
  upConvChannels: field('Up conv width', choice(['half', 'same'], 'half', 'Width of the up step conv: half its input, or the same', upHasConv)),
  upNormAct: field('Up norm + act', bool(false, 'Follow the up conv with the norm and activation', (p) => p.upMode === 'nearest-conv')),
  alignCorners: field('Align corners', bool(false, 'align_corners of the bilinear upsample', (p) => p.upMode === 'bilinear')),
  skipGate: field(
    'Skip gate',
    choice(['none', 'attention'], 'none', 'Gate each skip before the concat: an Attention U-Net gate driven by the up-sampled decoder tensor'),
  ),
  concatMode: field('Concat mode', choice(['crop', 'pad', 'none'], 'crop', 'Size match before concat: crop the skip, pad the decoder tensor, or none')),
  skipOrder: field('Concat order', choice(['skip-first', 'up-first'], 'skip-first', 'Concat channel order: [skip, up] or [up, skip]')),
  bottleneckFactor: field('Bottleneck ÷', int(1, 8, 1, 'Divides the bottleneck and decoder widths (milesial bilinear: 2)')),
  midChannels: field(
    'Decoder mid width',
    choice(['out', 'half-in'], 'out', 'Middle width of the decoder double conv: its output, or half its input', doubleConv),
  ),
  head: {
    kernel: field('Head kernel', int(1, 7, 1, 'Kernel of the final conv')),
    classes: field('Classes', int(1, 4096, 2, 'Output channels (classes) of the network')),
    activation: field('Head activation', choice(HEAD_ACTIVATIONS, 'none', 'Activation of the final conv')),
    bias: field('Head bias', bool(true, 'Bias in the final conv')),
  },
  depthToSpace: field(
    'Depth to space',
    int(1, 8, 1, 'Depth-to-space block after the head (1 = none); the head then makes classes·r² channels'),
  ),
} as const;

/** The options a table describes: each field's value type, nested and listed as the table is. */
type OptionsOf<T> = T extends OptionField<infer S> ? ValueOf<S> : { -readonly [K in keyof T]: OptionsOf<T[K]> };

/** Everything the builder takes; see UNET_OPTION_TABLE for what each option means. */
export type UNetOptions = { name: string; description: string } & OptionsOf<typeof UNET_OPTION_TABLE>;

/** What callers pass: any subset, nested objects partial too. */
export type UNetOptionsInput = Partial<Omit<UNetOptions, 'inputSize' | 'head'>> & {
  inputSize?: Partial<UNetOptions['inputSize']>;
  head?: Partial<UNetOptions['head']>;
};

type Table = OptionField | readonly Table[] | { readonly [key: string]: Table };
const isField = (t: Table): t is OptionField => 'spec' in t && 'label' in t;

/** Every field of the table keyed by its path ("inputSize.h", "dropout.0"), in table order. */
function flatFields(table: Table, prefix = ''): [string, OptionField][] {
  if (isField(table)) return [[prefix, table]];
  return Object.entries(table).flatMap(([k, t]) => flatFields(t as Table, prefix ? `${prefix}.${k}` : k));
}

const FLAT = flatFields(UNET_OPTION_TABLE);

/** Every option as a param spec keyed by its path: defaults, validation messages and the dialog's fields. */
export const UNET_OPTION_FIELDS: Readonly<Record<string, ParamSpec>> = Object.fromEntries(FLAT.map(([k, f]) => [k, f.spec]));

/** The dialog's label of each option path. */
export const UNET_OPTION_LABELS: Readonly<Record<string, string>> = Object.fromEntries(FLAT.map(([k, f]) => [k, f.label]));

export const DEFAULT_UNET_OPTIONS: Readonly<UNetOptions> = Object.freeze(
  unflatten({ name: 'U-Net', description: '', ...fieldDefaults() }),
);

/** A problem with one U-Net option (core/problem.ts's type, narrowed: the field is the option's path, e.g. "inputSize.h"). */
export type OptionProblem = Required<Pick<Problem, 'field'>> & Pick<Problem, 'message'>;

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
  const flat = { ...flatten(DEFAULT_UNET_OPTIONS), ...flatten(input) };
  for (const key of Object.keys(flatten(input)))
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
  if (o.down === 'strided-block' && o.block !== 'residual')
    out.push({ field: 'down', message: '"strided-block" strides the next level\'s residual unit: it needs block "residual"' });
  if (o.block === 'residual') {
    if (o.activation !== 'relu') out.push({ field: 'activation', message: 'residual units use ReLU (as ResUNet): use "relu" with block "residual"' });
    if (o.dropout.some((r) => r > 0)) out.push({ field: 'dropout', message: 'residual units have no dropout: set both rates to 0 with block "residual"' });
  }
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
    const halves = upHasConv(o) && o.upConvChannels === 'half';
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
  const upConv = upHasConv(o);
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
export function flatten(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined && v !== null && typeof v === 'object')
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out[`${k}.${k2}`] = v2;
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** "a.b" keys back into the nested options, shaped as the table is (name and description kept). */
export function unflatten(flat: Record<string, unknown>): UNetOptions {
  const build = (table: Table, path: string): unknown => {
    if (isField(table)) return flat[path];
    if (Array.isArray(table)) return table.map((t: Table, i) => build(t, `${path}.${i}`));
    return Object.fromEntries(Object.entries(table).map(([k, t]) => [k, build(t as Table, path ? `${path}.${k}` : k)]));
  };
  const out = build(UNET_OPTION_TABLE, '') as Record<string, unknown>;
  for (const key of ['name', 'description']) if (key in flat) out[key] = flat[key];
  return out as UNetOptions;
}
