import { defineOp } from '../op';
import { shape } from './common';

export const input = defineOp({
  type: 'input',
  label: 'Input',
  category: 'io',
  description: 'The image batch fed to the network; its size drives every shape downstream.',
  params: {
    channels: { type: 'int', min: 1, max: 4096, default: 1, help: 'Channels: 1 grayscale, 3 RGB' },
    height: { type: 'int', min: 1, max: 16384, default: 572, help: 'Height in pixels' },
    width: { type: 'int', min: 1, max: 16384, default: 572, help: 'Width in pixels' },
    batch: { type: 'int', min: 1, max: 1024, default: 1, help: 'Images per forward pass' },
    normalization: {
      type: 'choice',
      choices: ['zeroOne', 'meanStd'],
      default: 'zeroOne',
      help: 'How pixels become inputs: 0..1, or (0..1 − mean) / std',
    },
    mean: { type: 'float', default: 0.5, help: 'Mean subtracted after scaling to 0..1', when: (p) => p.normalization === 'meanStd' },
    std: { type: 'float', min: 0, exclusiveMin: true, default: 0.5, help: 'Divisor after subtracting the mean', when: (p) => p.normalization === 'meanStd' },
  },
  inputs: () => ({ names: [] }),
  summary: (p) => `${p.channels}×${p.height}×${p.width}${p.batch !== 1 ? ` · batch ${p.batch}` : ''}`,
  infer: (p) => ({ shape: shape(p.channels, p.height, p.width) }),
  // The compiler creates the tf.input itself; nothing to map.
  tfjs: () => [],
  examples: [
    { title: 'paper input', params: { channels: 1, height: 572, width: 572 }, inputs: [], output: [1, 572, 572], params_count: 0 },
    { title: 'RGB', params: { channels: 3, height: 256, width: 320 }, inputs: [], output: [3, 256, 320] },
  ],
});
