import { defineOp, KEEPS_SIZE } from '../op';
import { shape } from './common';

export const batchNorm = defineOp({
  type: 'batchNorm',
  label: 'Batch norm',
  category: 'norm',
  description:
    'Normalizes each channel by its batch statistics, then scales by γ and shifts by β (PyTorch BatchNorm2d). ' +
    'Inference uses the running mean and variance.',
  params: {
    epsilon: { type: 'float', min: 0, exclusiveMin: true, max: 1, default: 1e-5, help: 'Added to the variance before the square root (PyTorch eps)' },
    momentum: {
      type: 'float',
      min: 0,
      max: 1,
      default: 0.1,
      help: 'PyTorch convention: weight of the new batch in the running statistics (tfjs uses 1 − this)',
    },
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) => 'batch norm' + (p.epsilon !== 1e-5 ? ` · ε ${p.epsilon}` : '') + (p.momentum !== 0.1 ? ` · m ${p.momentum}` : ''),
  infer: (_p, { inputs: [x] }) => ({ shape: shape(x!.c, x!.h, x!.w) }),
  // γ and β learn; the running mean and variance are buffers (PyTorch leaves them out of parameters()).
  paramCount: (_p, [x]) => ({ trainable: 2 * x!.c, nonTrainable: 2 * x!.c }),
  size: () => KEEPS_SIZE,
  tfjs: (p, { name }) => [
    {
      key: 'bn',
      className: 'BatchNormalization',
      // Written as 1 − m rounded to 12 digits, so 0.1 gives 0.9 rather than a float artefact.
      config: { name, axis: -1, epsilon: p.epsilon, momentum: Number((1 - p.momentum).toPrecision(12)) },
    },
  ],
  weights: () => [
    { layer: 'bn', tfjs: 'gamma', torch: 'weight', layout: 'vector' },
    { layer: 'bn', tfjs: 'beta', torch: 'bias', layout: 'vector' },
    { layer: 'bn', tfjs: 'moving_mean', torch: 'running_mean', layout: 'vector' },
    { layer: 'bn', tfjs: 'moving_variance', torch: 'running_var', layout: 'vector' },
  ],
  // Eval-mode BatchNorm is a per-channel affine map: it folds into the conv before it.
  inference: (p) => ({
    kind: 'channelAffine',
    epsilon: p.epsilon,
    tensors: { scale: 'weight', shift: 'bias', mean: 'running_mean', variance: 'running_var' },
  }),
  examples: [
    { title: 'milesial BN after the first conv', inputs: [[64, 256, 256]], output: [64, 256, 256], params_count: 128, macs: 0 },
    { title: 'bottleneck BN', inputs: [[1024, 16, 16]], output: [1024, 16, 16], params_count: 2048 },
    { title: 'Keras-style ε and momentum', params: { epsilon: 1e-3, momentum: 0.01 }, inputs: [[8, 5, 7]], output: [8, 5, 7], params_count: 16 },
  ],
});
