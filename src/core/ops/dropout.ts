import { defineOp, KEEPS_SIZE } from '../op';
import { shape } from './common';

export const dropout = defineOp({
  type: 'dropout',
  label: 'Dropout',
  category: 'regularize',
  description: 'While training, zeroes each value with probability `rate` and scales the rest by 1/(1 − rate); a no-op at inference.',
  params: {
    rate: { type: 'float', min: 0, max: 1, exclusiveMax: true, default: 0.5, help: 'Fraction of values dropped while training' },
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) => `dropout ${p.rate}`,
  infer: (_p, { inputs: [x] }) => ({ shape: shape(x!.c, x!.h, x!.w) }),
  size: () => KEEPS_SIZE,
  tfjs: (p, { name }) => [{ className: 'Dropout', config: { name, rate: p.rate } }],
  // Identity at inference: removed, its consumers read its input.
  inference: () => ({ kind: 'identity' }),
  examples: [
    { title: 'strided-nearest first conv dropout', params: { rate: 0.3 }, inputs: [[64, 256, 256]], output: [64, 256, 256], params_count: 0, macs: 0 },
    { title: 'strided-nearest second conv dropout', params: { rate: 0.4 }, inputs: [[1024, 16, 16]], output: [1024, 16, 16] },
    { title: 'default rate', inputs: [[8, 3, 5]], output: [8, 3, 5] },
  ],
});
