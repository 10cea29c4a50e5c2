import { defineOp, KEEPS_SIZE } from '../op';
import { shape } from './common';

/**
 * y = x·scale + shift, with one scale and shift for every value or one per channel: the input normalisation
 * (x − mean) / std that many networks do inside forward(), and the arithmetic with constants an ONNX or PyTorch
 * graph writes (x * 2, x − 0.5). The values are constants, never trained: per channel they are the node's
 * `scale` and `shift` vectors (a weight file or an import fills them; a new node starts as the identity).
 */
export const scaleShift = defineOp({
  type: 'scaleShift',
  label: 'Scale & shift',
  category: 'norm',
  description:
    'Multiplies by a constant and adds a constant (y = x·scale + shift), one pair for all values or one per channel ' +
    '(input normalisation (x − mean) / std: scale 1/std, shift −mean/std). Constants: training leaves them as they are.',
  params: {
    perChannel: {
      type: 'bool',
      default: false,
      help: 'One scale and shift per channel (the vectors `scale`, `shift` of the weights, not trained) instead of one for all',
    },
    // Per channel, the values live in the weights (shown nowhere as one number): these two apply to all values.
    scale: { type: 'float', default: 1, help: 'The factor every value is multiplied by', when: (p) => !p.perChannel },
    shift: { type: 'float', default: 0, help: 'Added after scaling', when: (p) => !p.perChannel },
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) => (p.perChannel ? 'x·scale[c] + shift[c]' : `x·${p.scale}${p.shift < 0 ? ` − ${-p.shift}` : ` + ${p.shift}`}`),
  infer: (_p, { inputs: [x] }) => ({ shape: shape(x!.c, x!.h, x!.w) }),
  // Per-channel constants are buffers, as PyTorch counts them: outside parameters().
  paramCount: (p, [x]) => ({ trainable: 0, nonTrainable: p.perChannel ? 2 * x!.c : 0 }),
  size: () => KEEPS_SIZE,
  tfjs: (p, { name }) => [
    { key: 'ss', className: 'ScaleShift', config: p.perChannel ? { name, perChannel: true } : { name, scale: p.scale, shift: p.shift, perChannel: false } },
  ],
  weights: (p) =>
    p.perChannel
      ? [
          { layer: 'ss', tfjs: 'scale', torch: 'scale', layout: 'vector' },
          { layer: 'ss', tfjs: 'shift', torch: 'shift', layout: 'vector' },
        ]
      : [],
  examples: [
    { title: 'ImageNet normalisation of an RGB input', params: { perChannel: true }, inputs: [[3, 256, 256]], output: [3, 256, 256], params_count: 0, macs: 0 },
    { title: 'x·2 − 1 on a grey input', params: { scale: 2, shift: -1 }, inputs: [[1, 572, 572]], output: [1, 572, 572], params_count: 0 },
    { title: 'identity by default', inputs: [[8, 5, 7]], output: [8, 5, 7] },
  ],
});
