import type { Fix } from '../diagnostics';
import { defineOp, type LayerSpec, type WeightSpec } from '../op';
import { formatShape } from '../types';
import { shape } from './common';

/**
 * Attention gate of Attention U-Net (Oktay et al. 2018, "Attention U-Net: Learning Where to Look for the
 * Pancreas"): the skip x is scaled per pixel by α = σ(ψ(relu(W_x·x + W_g·g))), with W_x, W_g and ψ 1×1 convs
 * (each followed by BatchNorm, as in the widely used AttU_Net of LeeJunHyun/Image_Segmentation).
 *
 * The gating signal g comes from the coarser level. The paper's own code resamples inside the gate (W_x strided
 * to g's grid, α upsampled back bilinearly); AttU_Net instead takes g after the decoder's up step, already on
 * x's grid, and so does this op: g must have x's H×W, and a g still at half size gets a fix that inserts the
 * ×2 upsample before port g. That keeps the gate a graph of stock tfjs layers that plain tfjs loads.
 */
export const attentionGate = defineOp({
  type: 'attentionGate',
  label: 'Attention gate',
  category: 'merge',
  description:
    'Attention U-Net gate: scales the skip x (port 0) per pixel by σ(ψ(relu(W_x·x + W_g·g))), with g (port 1) the ' +
    "decoder tensor from the coarser level after its up step (x's H×W). Output: x's shape.",
  params: {
    filters: { type: 'int', min: 1, max: 65536, default: 32, help: 'F_int: channels of the inner 1×1 convs (Attention U-Net: half the skip’s)' },
    norm: { type: 'bool', default: true, help: 'BatchNorm after each 1×1 conv (AttU_Net); off: plain convs' },
  },
  inputs: () => ({ names: ['x', 'g'] }),
  summary: (p) => `attention gate · ${p.filters}` + (p.norm ? '' : ' · no BN'),
  infer: (_p, { nodeId, inputs: [x, g] }) => {
    if (x!.h === g!.h && x!.w === g!.w) return { shape: shape(x!.c, x!.h, x!.w) };
    const fixes: Fix[] = [];
    if (g!.h * 2 === x!.h && g!.w * 2 === x!.w)
      fixes.push({
        label: 'Upsample g ×2 (nearest) before the gate',
        actions: [{ kind: 'insertBefore', nodeId, port: 1, op: 'upsample', params: { factor: 2, mode: 'nearest' } }],
      });
    return {
      issues: [
        {
          severity: 'error',
          code: 'gate-grid-mismatch',
          inputSizeCanFix: true,
          port: 1,
          message: `attentionGate: the gating signal g is ${formatShape(g)}, the skip x is ${formatShape(x)} — g must be on x's ` +
            `${x!.h}×${x!.w} grid (take it after the decoder's up step)`,
          fixes,
        },
      ],
    };
  },
  paramCount: (p, [x, g]) => {
    const f = p.filters;
    const convs = (x!.c + 1) * f + (g!.c + 1) * f + (f + 1);
    const norms = p.norm ? 2 * (f + f + 1) : 0;
    return { trainable: convs + norms, nonTrainable: norms };
  },
  // x and g share one grid, which the output keeps.
  size: () => ({ kind: 'same' }),
  macs: (p, [x, g], out) => out.h * out.w * p.filters * (x!.c + g!.c + 1),
  tfjs: (p, { name }) => {
    const conv = (key: string, filters: number, inputs: (number | string)[]): LayerSpec[] => [
      { key, className: 'Conv2D', config: { name: `${name}_${key}`, filters, kernelSize: [1, 1], padding: 'valid', useBias: true }, inputs },
      ...(p.norm ? [{ key: `${key}_bn`, className: 'BatchNormalization', config: { name: `${name}_${key}_bn`, axis: -1, epsilon: 1e-5, momentum: 0.9 } }] : []),
    ];
    const out = (key: string) => (p.norm ? `${key}_bn` : key);
    return [
      ...conv('wg', p.filters, [1]),
      ...conv('wx', p.filters, [0]),
      { key: 'sum', className: 'Add', config: { name: `${name}_sum` }, inputs: [out('wg'), out('wx')] },
      { key: 'relu', className: 'Activation', config: { name: `${name}_relu`, activation: 'relu' } },
      ...conv('psi', 1, ['relu']),
      { key: 'alpha', className: 'Activation', config: { name: `${name}_alpha`, activation: 'sigmoid' } },
      // α has one channel; Multiply broadcasts it over x's channels.
      { key: 'gate', className: 'Multiply', config: { name }, inputs: [0, 'alpha'] },
    ];
  },
  // PyTorch names as in AttU_Net's Attention_block: W_g / W_x / psi, each Sequential(conv, BN).
  weights: (p) => {
    const module = (key: string, torch: string): WeightSpec[] => [
      { layer: key, tfjs: 'kernel', torch: `${torch}.0.weight`, layout: 'OIHW>HWIO' },
      { layer: key, tfjs: 'bias', torch: `${torch}.0.bias`, layout: 'vector' },
      ...(p.norm
        ? ([
            ['gamma', 'weight'],
            ['beta', 'bias'],
            ['moving_mean', 'running_mean'],
            ['moving_variance', 'running_var'],
          ] as const).map(([tfjs, t]): WeightSpec => ({ layer: `${key}_bn`, tfjs, torch: `${torch}.1.${t}`, layout: 'vector' }))
        : []),
    ];
    return [...module('wg', 'W_g'), ...module('wx', 'W_x'), ...module('psi', 'psi')];
  },
  examples: [
    {
      title: 'Attention U-Net, level 0 (F_int 32)',
      params: { filters: 32 },
      inputs: [[64, 256, 256], [64, 256, 256]],
      output: [64, 256, 256],
      params_count: 2 * (65 * 32) + 33 + 2 * (32 + 32 + 1),
      macs: 256 * 256 * 32 * 129,
    },
    { title: 'gating with more channels than the skip', params: { filters: 256 }, inputs: [[512, 32, 32], [1024, 32, 32]], output: [512, 32, 32] },
    { title: 'without BatchNorm', params: { filters: 4, norm: false }, inputs: [[8, 10, 12], [6, 10, 12]], output: [8, 10, 12], params_count: 9 * 4 + 7 * 4 + 5 },
    { title: 'g still at the coarser grid', params: { filters: 8 }, inputs: [[16, 32, 32], [32, 16, 16]], output: null, error: 'gate-grid-mismatch' },
    { title: 'g on an unrelated grid', params: { filters: 8 }, inputs: [[16, 32, 32], [16, 30, 30]], output: null, error: 'gate-grid-mismatch' },
  ],
});
