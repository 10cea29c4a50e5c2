import { definePool } from './pooling';

export const avgPool2d = definePool({
  type: 'avgPool2d',
  label: 'Average pool',
  word: 'avg',
  className: 'AveragePooling2D',
  description: 'Averages each window; with "same" the border windows average only the real pixels (TensorFlow).',
  examples: [
    { title: 'halve 256→128', inputs: [[64, 256, 256]], output: [64, 128, 128], params_count: 0, macs: 0 },
    { title: '4×4/4 pool', params: { size: 4, stride: 4 }, inputs: [[8, 64, 64]], output: [8, 16, 16] },
    { title: 'odd size drops a row and a column', inputs: [[8, 7, 7]], output: [8, 3, 3], warning: 'odd-pool' },
    { title: '3×3/3 on 10 drops one', params: { size: 3, stride: 3 }, inputs: [[8, 10, 9]], output: [8, 3, 3], warning: 'odd-pool' },
    { title: 'same rounds up', params: { padding: 'same' }, inputs: [[8, 7, 7]], output: [8, 4, 4] },
    { title: 'window larger than input', params: { size: 4, stride: 4 }, inputs: [[8, 3, 8]], output: null, error: 'non-positive-size' },
  ],
});
