import { defineOp, type LayerSpec, type WeightSpec } from '../op';
import { pair, shape } from './common';

const BN_TENSORS = [
  ['gamma', 'weight'],
  ['beta', 'bias'],
  ['moving_mean', 'running_mean'],
  ['moving_variance', 'running_var'],
] as const;

/**
 * The residual unit of ResUNet (Zhang, Liu & Wang 2018, "Road Extraction by Deep Residual U-Net"), pre-activated
 * as in He et al. 2016: BN → ReLU → conv k×k (stride) → BN → ReLU → conv k×k, plus a shortcut, summed. The
 * shortcut is a k×k conv (stride) + BN as in the ResUNet reference, or the identity when shape allows.
 * With `preActivation` off it is ResUNet's input unit: conv → BN → ReLU → conv, plus a plain conv shortcut.
 * Convs pad (k−1)/2 on every side, as PyTorch's Conv2d(padding=k//2): H → ⌈H/stride⌉.
 */
export const residualBlock = defineOp({
  type: 'residualBlock',
  label: 'Residual block',
  category: 'conv',
  description:
    'ResUNet residual unit: BN → ReLU → conv (stride) → BN → ReLU → conv, plus a conv + BN (or identity) shortcut, ' +
    'summed. Without pre-activation: the input unit conv → BN → ReLU → conv plus a conv shortcut.',
  params: {
    filters: { type: 'int', min: 1, max: 65536, default: 64, help: 'Output channels' },
    kernel: { type: 'int', min: 1, max: 7, default: 3, help: 'Square kernel of the convs (odd: padded by (k−1)/2 on each side)' },
    stride: { type: 'int', min: 1, max: 4, default: 1, help: 'Stride of the first conv and the shortcut (2 halves H and W: the ResUNet down step)' },
    preActivation: {
      type: 'bool',
      default: true,
      help: 'BN → ReLU before the first conv and BN on the shortcut (residual unit); off: the ResUNet input unit',
    },
    shortcut: {
      type: 'choice',
      choices: ['conv', 'identity'],
      default: 'conv',
      help: 'conv: a k×k conv (stride) on the input, as ResUNet; identity: the input itself (same channels, stride 1)',
    },
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) =>
    `res ${p.kernel}×${p.kernel} · ${p.filters}` +
    (p.stride !== 1 ? ` · s${p.stride}` : '') +
    (p.preActivation ? '' : ' · input unit') +
    (p.shortcut === 'identity' ? ' · identity' : ''),
  infer: (p, { nodeId, inputs: [x] }) => {
    if (p.kernel % 2 === 0)
      return {
        issues: [
          {
            severity: 'error',
            code: 'even-kernel',
            field: 'kernel',
            message: `residualBlock: a ${p.kernel}×${p.kernel} kernel cannot be padded equally on both sides — use an odd kernel`,
            fixes: [{ label: `Set kernel to ${p.kernel + 1}`, actions: [{ kind: 'setParams', nodeId, params: { kernel: p.kernel + 1 } }] }],
          },
        ],
      };
    if (p.shortcut === 'identity' && (x!.c !== p.filters || p.stride !== 1))
      return {
        issues: [
          {
            severity: 'error',
            code: 'identity-shortcut-shape',
            field: 'shortcut',
            message:
              `residualBlock: an identity shortcut needs the output shape of the input — ${x!.c} → ${p.filters} channels` +
              (p.stride !== 1 ? ` at stride ${p.stride}` : '') +
              '; use a conv shortcut',
            fixes: [{ label: 'Use a conv shortcut', actions: [{ kind: 'setParams', nodeId, params: { shortcut: 'conv' } }] }],
          },
        ],
      };
    const out = (n: number) => Math.floor((n - 1) / p.stride) + 1;
    return { shape: shape(p.filters, out(x!.h), out(x!.w)) };
  },
  paramCount: (p, [x]) => {
    const f = p.filters;
    const k2 = p.kernel ** 2;
    const convs = (x!.c * k2 + 1) * f + (f * k2 + 1) * f + (p.shortcut === 'conv' ? (x!.c * k2 + 1) * f : 0);
    // Pre-activated: BN on the input, between the convs and on a conv shortcut; the input unit: between only.
    const bnChannels = p.preActivation ? x!.c + f + (p.shortcut === 'conv' ? f : 0) : f;
    return { trainable: convs + 2 * bnChannels, nonTrainable: 2 * bnChannels };
  },
  // Padded k//2 convs: H → ⌊(H − 1)/stride⌋ + 1 = ⌊(H + stride − 1)/stride⌋.
  size: (p) => ({ kind: 'map', scale: 1, offset: p.stride - 1, divisor: p.stride }),
  macs: (p, [x], out) => out.h * out.w * p.filters * p.kernel ** 2 * (x!.c + p.filters + (p.shortcut === 'conv' ? x!.c : 0)),
  // Two k×k convs, the second on the strided grid: the field grows by (k−1)·(1 + stride) input steps.
  geometry: (p) => ({ kernel: (p.kernel - 1) * (1 + p.stride) + 1, stride: p.stride }),
  tfjs: (p, { name }) => {
    const pad = (p.kernel - 1) / 2;
    const bn = (key: string, inputs?: (number | string)[]): LayerSpec => ({
      key,
      className: 'BatchNormalization',
      config: { name: `${name}_${key}`, axis: -1, epsilon: 1e-5, momentum: 0.9 },
      ...(inputs ? { inputs } : {}),
    });
    const relu = (key: string): LayerSpec => ({ key, className: 'Activation', config: { name: `${name}_${key}`, activation: 'relu' } });
    // Stride 1: TF "same" pads (k−1)/2 on each side like PyTorch. Strided, TF pads bottom/right first, so pad first.
    const conv = (key: string, stride: number, inputs?: (number | string)[]): LayerSpec[] => {
      const explicit = stride > 1 && pad > 0;
      const config = { filters: p.filters, kernelSize: pair(p.kernel), strides: pair(stride), useBias: true };
      if (!explicit) return [{ key, className: 'Conv2D', config: { name: `${name}_${key}`, ...config, padding: 'same' }, ...(inputs ? { inputs } : {}) }];
      return [
        { key: `${key}_pad`, className: 'ZeroPadding2D', config: { name: `${name}_${key}_pad`, padding: [pair(pad), pair(pad)] }, ...(inputs ? { inputs } : {}) },
        { key, className: 'Conv2D', config: { name: `${name}_${key}`, ...config, padding: 'valid' } },
      ];
    };
    const body: LayerSpec[] = p.preActivation
      ? [bn('bn1', [0]), relu('relu1'), ...conv('conv1', p.stride), bn('bn2'), relu('relu2'), ...conv('conv2', 1)]
      : [...conv('conv1', p.stride, [0]), bn('bn1'), relu('relu1'), ...conv('conv2', 1)];
    const shortcut: LayerSpec[] =
      p.shortcut === 'identity' ? [] : [...conv('skip', p.stride, [0]), ...(p.preActivation ? [bn('skip_bn')] : [])];
    const skipOut = p.shortcut === 'identity' ? 0 : p.preActivation ? 'skip_bn' : 'skip';
    return [...body, ...shortcut, { key: 'sum', className: 'Add', config: { name }, inputs: ['conv2', skipOut] }];
  },
  // PyTorch names as in the ResUNet reference: block = Sequential(BN, ReLU, conv, BN, ReLU, conv), skip =
  // Sequential(conv, BN); the input unit: block = Sequential(conv, BN, ReLU, conv), skip = Sequential(conv).
  weights: (p) => {
    const conv = (key: string, torch: string): WeightSpec[] => [
      { layer: key, tfjs: 'kernel', torch: `${torch}.weight`, layout: 'OIHW>HWIO' },
      { layer: key, tfjs: 'bias', torch: `${torch}.bias`, layout: 'vector' },
    ];
    const bn = (key: string, torch: string): WeightSpec[] =>
      BN_TENSORS.map(([tfjs, t]) => ({ layer: key, tfjs, torch: `${torch}.${t}`, layout: 'vector' }));
    const body = p.preActivation
      ? [...bn('bn1', 'block.0'), ...conv('conv1', 'block.2'), ...bn('bn2', 'block.3'), ...conv('conv2', 'block.5')]
      : [...conv('conv1', 'block.0'), ...bn('bn1', 'block.1'), ...conv('conv2', 'block.3')];
    const shortcut = p.shortcut === 'identity' ? [] : [...conv('skip', 'skip.0'), ...(p.preActivation ? bn('skip_bn', 'skip.1') : [])];
    return [...body, ...shortcut];
  },
  examples: [
    {
      title: 'ResUNet down unit 64 → 128, stride 2',
      params: { filters: 128, stride: 2 },
      inputs: [[64, 256, 256]],
      output: [128, 128, 128],
      params_count: (64 * 9 + 1) * 128 + (128 * 9 + 1) * 128 + (64 * 9 + 1) * 128 + 2 * (64 + 128 + 128),
      macs: 128 * 128 * 128 * 9 * (64 + 128 + 64),
    },
    {
      title: 'ResUNet input unit 3 → 64',
      params: { filters: 64, preActivation: false },
      inputs: [[3, 256, 256]],
      output: [64, 256, 256],
      params_count: (3 * 9 + 1) * 64 + (64 * 9 + 1) * 64 + (3 * 9 + 1) * 64 + 2 * 64,
    },
    { title: 'decoder unit after concat 384 → 128', params: { filters: 128 }, inputs: [[384, 64, 64]], output: [128, 64, 64] },
    { title: 'stride 2 on an odd size rounds up', params: { filters: 8, stride: 2 }, inputs: [[4, 7, 9]], output: [8, 4, 5] },
    { title: 'identity shortcut', params: { filters: 16, shortcut: 'identity' }, inputs: [[16, 20, 20]], output: [16, 20, 20], params_count: 2 * (16 * 9 + 1) * 16 + 2 * 32 },
    { title: '1×1 unit', params: { filters: 8, kernel: 1 }, inputs: [[4, 6, 6]], output: [8, 6, 6] },
    { title: 'identity shortcut across a width change', params: { filters: 32, shortcut: 'identity' }, inputs: [[16, 20, 20]], output: null, error: 'identity-shortcut-shape' },
    { title: 'even kernel', params: { filters: 8, kernel: 2 }, inputs: [[4, 8, 8]], output: null, error: 'even-kernel' },
  ],
});
