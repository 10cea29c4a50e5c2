import { defineOp, KEEPS_SIZE } from '../op';
import { ACTIVATIONS, activationIssues, activationLayers, activationParams, alphaParam, shape, type Activation } from './common';

export const activation = defineOp({
  type: 'activation',
  label: 'Activation',
  category: 'activation',
  description: 'An element-wise non-linearity as its own node (after BN or dropout); softmax runs over channels.',
  params: {
    activation: {
      type: 'choice',
      choices: ACTIVATIONS.filter((a): a is Exclude<Activation, 'none'> => a !== 'none'),
      default: 'relu',
      help: 'The function applied to every value',
    },
    alpha: alphaParam,
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) => (p.activation === 'leakyRelu' ? `leakyRelu ${p.alpha}` : String(p.activation)),
  infer: (p, { nodeId, inputs: [x] }) => ({ shape: shape(x!.c, x!.h, x!.w), issues: activationIssues(p, x!.c, nodeId, 'activation') }),
  size: () => KEEPS_SIZE,
  tfjs: (p, { name }) => activationLayers(p, name),
  // A conv that feeds only this node can apply the activation itself.
  inference: (p) => ({ kind: 'activation', activation: activationParams(p) }),
  examples: [
    { title: 'ReLU after BN', inputs: [[64, 256, 256]], output: [64, 256, 256], params_count: 0, macs: 0 },
    { title: 'slim leaky ReLU 0.2', params: { activation: 'leakyRelu', alpha: 0.2 }, inputs: [[32, 256, 256]], output: [32, 256, 256] },
    { title: 'sigmoid head', params: { activation: 'sigmoid' }, inputs: [[1, 96, 96]], output: [1, 96, 96] },
    { title: 'softmax over classes', params: { activation: 'softmax' }, inputs: [[2, 388, 388]], output: [2, 388, 388] },
    { title: 'softmax over one channel', params: { activation: 'softmax' }, inputs: [[1, 96, 96]], output: [1, 96, 96], warning: 'softmax-one-channel' },
  ],
});
