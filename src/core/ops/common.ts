import type { LayerSpec } from '../op';
import type { ParamSpec } from '../params';
import type { Params, Shape } from '../types';

export const ACTIVATIONS = ['none', 'relu', 'leakyRelu', 'sigmoid', 'softmax', 'tanh', 'elu', 'gelu'] as const;

export const activationParam: ParamSpec = {
  type: 'choice',
  choices: ACTIVATIONS,
  default: 'none',
  help: 'Activation applied to the output',
};

export const alphaParam: ParamSpec = {
  type: 'float',
  min: 0,
  default: 0.01,
  help: 'Negative slope of leakyRelu (PyTorch default 0.01)',
  when: (p) => p.activation === 'leakyRelu',
};

export const shape = (c: number, h: number, w: number): Shape => ({ c, h, w });

/** tfjs layers for an activation, or none. Softmax runs over channels (the last axis in NHWC). */
export function activationLayers(p: Params, name: string): LayerSpec[] {
  const act = p.activation as string;
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

export const paddingLabel = (padding: string | number): string =>
  typeof padding === 'number' ? `pad ${padding}` : padding;
