import { definePool } from './pooling';

export const maxPool2d = definePool({
  type: 'maxPool2d',
  label: 'Max pool',
  word: 'max',
  className: 'MaxPooling2D',
  description: 'Keeps the largest value of each window: the U-Net down step (2×2, stride 2 halves H and W).',
  examples: [
    { title: 'paper 568→284', inputs: [[64, 568, 568]], output: [64, 284, 284], params_count: 0, macs: 0 },
    { title: 'paper 64→32 before the bottleneck', inputs: [[512, 64, 64]], output: [512, 32, 32] },
    { title: 'odd size drops a row and a column', inputs: [[64, 283, 283]], output: [64, 141, 141], warning: 'odd-pool' },
    { title: 'odd height only', inputs: [[8, 5, 8]], output: [8, 2, 4], warning: 'odd-pool' },
    { title: 'slim max-pool SAME', params: { padding: 'same' }, inputs: [[32, 256, 256]], output: [32, 128, 128] },
    { title: 'same keeps the odd row', params: { padding: 'same' }, inputs: [[8, 283, 283]], output: [8, 142, 142] },
    { title: 'overlapping 3×3/2', params: { size: 3 }, inputs: [[8, 9, 9]], output: [8, 4, 4] },
    { title: 'window larger than input', inputs: [[8, 1, 1]], output: null, error: 'non-positive-size' },
  ],
});
