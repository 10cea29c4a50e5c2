import type { OpIssue } from '../diagnostics';
import type { ActivationParams, InferenceRole, LayerSpec, SizeRule } from '../op';
import type { ChoiceSpec, ParamSpec } from '../params';
import type { Params, Shape } from '../types';

export const ACTIVATIONS = ['none', 'relu', 'leakyRelu', 'sigmoid', 'softmax', 'tanh', 'elu', 'gelu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const activationParam = {
  type: 'choice',
  choices: ACTIVATIONS,
  default: 'none',
  help: 'Activation applied to the output',
} as const satisfies ChoiceSpec<Activation>;

export const alphaParam = {
  type: 'float',
  min: 0,
  default: 0.01,
  help: 'Negative slope of leakyRelu (PyTorch default 0.01)',
  when: (p: Params) => p.activation === 'leakyRelu',
} as const satisfies ParamSpec;

/** The params of an op that applies an activation (its own choice list may leave 'none' out). */
export interface ActivationOf {
  activation: Activation;
  alpha: number;
}

/** The activation as a conv carries it: alpha only for leakyRelu. */
export const activationParams = (p: ActivationOf): ActivationParams =>
  p.activation === 'leakyRelu' ? { activation: p.activation, alpha: p.alpha } : { activation: p.activation };

export const shape = (c: number, h: number, w: number): Shape => ({ c, h, w });

/**
 * A conv's inference role: it absorbs a folded BatchNorm (gaining a bias) and a following activation when it
 * applies none itself. Its tensors are PyTorch's `weight` and `bias`.
 */
export const convRole = (p: ActivationOf & { bias: boolean }): InferenceRole => ({
  kind: 'conv',
  linear: p.activation === 'none',
  hasBias: p.bias,
  weight: 'weight',
  bias: 'bias',
  withBias: { bias: true },
  withActivation: (a) => ({ ...a }),
});

/** tfjs layers for an activation, or none. Softmax runs over channels (the last axis in NHWC). */
export function activationLayers(p: Params, name: string): LayerSpec[] {
  const act = p.activation;
  if (act === 'none') return [];
  if (act === 'leakyRelu') return [{ className: 'LeakyReLU', config: { name, alpha: p.alpha } }];
  if (act === 'elu') return [{ className: 'ELU', config: { name, alpha: 1 } }];
  return [{ className: 'Activation', config: { name, activation: act } }];
}

export const pair = (n: number): [number, number] => [n, n];

/** Output length of a sliding window: TF 'same' = ceil(n/s); explicit p pads both sides. */
export function windowOut(n: number, kernel: number, stride: number, padding: string | number, dilation = 1): number {
  const k = (kernel - 1) * dilation + 1;
  if (padding === 'same') return Math.ceil(n / stride);
  const p = padding === 'valid' ? 0 : Number(padding);
  return Math.floor((n + 2 * p - k) / stride) + 1;
}

/** `windowOut` as a size rule: floor((n + 2p − k)/s) + 1 = floor((n + 2p − k + s)/s); 'same' = floor((n + s − 1)/s). */
export function windowSize(kernel: number, stride: number, padding: string | number, dilation = 1, exact = false): SizeRule {
  if (padding === 'same') return { kind: 'map', scale: 1, offset: stride - 1, divisor: stride };
  const p = padding === 'valid' ? 0 : Number(padding);
  return { kind: 'map', scale: 1, offset: 2 * p - ((kernel - 1) * dilation + 1) + stride, divisor: stride, exact };
}

export const paddingLabel = (padding: string | number): string =>
  typeof padding === 'number' ? `pad ${padding}` : padding;

/** Splits `total` rows between the two sides the way center crop and milesial's F.pad do: the extra one goes last. */
export const splitCenter = (total: number): [number, number] => {
  const first = Math.floor(total / 2);
  return [first, total - first];
};

interface TargetOf {
  mode: 'like' | 'size';
  height: number;
  width: number;
}

/** The H×W a crop/pad aims for: its `like` input's (port 1) or its own height/width params. */
export const targetSize = (p: TargetOf, inputs: Shape[]): { h: number; w: number } =>
  p.mode === 'like' ? { h: inputs[1]!.h, w: inputs[1]!.w } : { h: p.height, w: p.width };

/** Crop and pad as a size rule: to the `like` input or to height×width. */
export const fitSize = (p: TargetOf, direction: 'shrink' | 'grow', reflect = false): SizeRule => ({
  kind: 'fit',
  to: p.mode === 'like' ? 'like' : { h: p.height, w: p.width },
  direction,
  reflect,
});

/** Crop/pad take a reference tensor on port `like` only in 'like' mode. */
export const likePorts = (p: TargetOf) => ({ names: p.mode === 'like' ? ['x', 'like'] : ['x'] });

/** The param trio shared by crop and pad. */
export const targetParams = (verb: string) => ({
  mode: {
    type: 'choice',
    choices: ['like', 'size'] as const,
    default: 'like',
    help: `like: ${verb} to the H×W of the tensor on port "like"; size: ${verb} to height×width`,
  },
  height: { type: 'int', min: 1, max: 16384, default: 64, help: 'Target height (mode size)', when: (p) => p.mode === 'size' },
  width: { type: 'int', min: 1, max: 16384, default: 64, help: 'Target width (mode size)', when: (p) => p.mode === 'size' },
}) satisfies Record<'mode' | 'height' | 'width', ParamSpec>;

/** Softmax runs over channels; over a single channel it is the constant 1, a classic two-class/one-class mix-up. */
export function activationIssues(p: { activation: string }, channels: number, nodeId: string, op: string): OpIssue[] {
  if (p.activation !== 'softmax' || channels !== 1) return [];
  return [
    {
      severity: 'warning',
      code: 'softmax-one-channel',
      field: 'activation',
      message: `${op}: softmax over 1 channel always outputs 1 — use sigmoid for a one-channel probability`,
      fixes: [{ label: 'Use sigmoid', actions: [{ kind: 'setParams', nodeId, params: { activation: 'sigmoid' } }] }],
    },
  ];
}
