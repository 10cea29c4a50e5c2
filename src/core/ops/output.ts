import { defineOp, KEEPS_SIZE } from '../op';

export const output = defineOp({
  type: 'output',
  label: 'Output',
  category: 'io',
  description: 'Marks a network output; `view` tells the run panel how to show it.',
  params: {
    view: {
      type: 'choice',
      choices: ['auto', 'classes', 'probability', 'image'],
      default: 'auto',
      help: 'auto: argmax mask for several channels, heatmap for one, image for 3 in [0, 1]',
    },
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) => (p.view === 'auto' ? 'output' : `output · ${p.view}`),
  infer: (_p, { inputs: [x] }) => ({ shape: { ...x! } }),
  size: () => KEEPS_SIZE,
  tfjs: () => [],
  examples: [{ inputs: [[2, 388, 388]], output: [2, 388, 388], params_count: 0 }],
});
