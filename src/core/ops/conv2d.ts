import type { OpIssue } from '../diagnostics';
import { defineOp, type LayerSpec } from '../op';
import { activationIssues, activationLayers, activationParam, alphaParam, convRole, pair, paddingLabel, shape, windowOut, windowSize } from './common';

export const conv2d = defineOp({
  type: 'conv2d',
  label: 'Conv 2D',
  category: 'conv',
  description: '2-D convolution (cross-correlation) with optional bias and fused activation.',
  params: {
    filters: { type: 'int', min: 1, max: 65536, default: 64, help: 'Output channels' },
    kernel: { type: 'int', min: 1, max: 31, default: 3, help: 'Square kernel size' },
    stride: { type: 'int', min: 1, max: 16, default: 1, help: 'Step between windows' },
    padding: { type: 'padding', max: 64, default: 'valid', help: 'valid (no padding), same, or zeros on each side' },
    dilation: { type: 'int', min: 1, max: 16, default: 1, help: 'Spacing between kernel taps' },
    bias: { type: 'bool', default: true, help: 'Add a learned bias per output channel' },
    activation: activationParam,
    alpha: alphaParam,
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) =>
    `${p.kernel}×${p.kernel} conv · ${p.filters} · ${paddingLabel(p.padding)}` +
    (p.stride !== 1 ? ` · s${p.stride}` : '') +
    (p.dilation !== 1 ? ` · d${p.dilation}` : '') +
    (p.activation !== 'none' ? ` · ${p.activation}` : ''),
  infer: (p, { nodeId, inputs: [x] }) => {
    const k = p.kernel;
    const s = p.stride;
    const d = p.dilation;
    const pad = p.padding;
    // tf.conv2d rejects this pair outright ("Either strides or dilations must be 1"), though PyTorch allows it.
    if (s > 1 && d > 1)
      return {
        issues: [
          {
            severity: 'error',
            code: 'stride-with-dilation',
            field: 'dilation',
            message: `conv2d: stride ${s} with dilation ${d} cannot run in TensorFlow.js — one of them must be 1`,
            fixes: [
              { label: 'Set dilation to 1', actions: [{ kind: 'setParams', nodeId, params: { dilation: 1 } }] },
              { label: 'Set stride to 1', actions: [{ kind: 'setParams', nodeId, params: { stride: 1 } }] },
            ],
          },
        ],
      };
    const h = windowOut(x!.h, k, s, pad, d);
    const w = windowOut(x!.w, k, s, pad, d);
    if (h < 1 || w < 1) {
      const span = (k - 1) * d + 1;
      return {
        issues: [
          {
            severity: 'error',
            code: 'non-positive-size',
            inputSizeCanFix: true,
            port: 0,
            message: `conv2d: a ${span}×${span} window with padding ${JSON.stringify(pad)} does not fit the ${x!.h}×${x!.w} input`,
          },
        ],
      };
    }
    const issues: OpIssue[] = activationIssues(p, p.filters, nodeId, 'conv2d');
    if (pad === 'same' && s === 1 && k % 2 === 0)
      issues.push({
        severity: 'warning',
        code: 'asymmetric-same',
        field: 'padding',
        message: `conv2d: "same" padding with an even ${k}×${k} kernel pads bottom/right one more than top/left`,
      });
    return { shape: shape(p.filters, h, w), issues };
  },
  paramCount: (p, [x]) => ({
    trainable: p.filters * x!.c * p.kernel ** 2 + (p.bias ? p.filters : 0),
    nonTrainable: 0,
  }),
  macs: (p, [x], out) => out.c * out.h * out.w * x!.c * p.kernel ** 2,
  geometry: (p) => ({ kernel: p.kernel, stride: p.stride, dilation: p.dilation }),
  size: (p) => windowSize(p.kernel, p.stride, p.padding, p.dilation),
  tfjs: (p, { name }) => {
    const layers: LayerSpec[] = [];
    // PyTorch's explicit padding pads both sides; TF's 'same' may not (it pads bottom/right first).
    if (typeof p.padding === 'number' && p.padding > 0)
      layers.push({ key: 'pad', className: 'ZeroPadding2D', config: { name: `${name}_pad`, padding: [pair(p.padding), pair(p.padding)] } });
    layers.push({
      key: 'conv',
      className: 'Conv2D',
      config: {
        name,
        filters: p.filters,
        kernelSize: pair(p.kernel),
        strides: pair(p.stride),
        padding: p.padding === 'same' ? 'same' : 'valid',
        dilationRate: pair(p.dilation),
        useBias: p.bias,
      },
    });
    return [...layers, ...activationLayers(p, `${name}_act`)];
  },
  weights: (p) => [
    { layer: 'conv', tfjs: 'kernel', torch: 'weight', layout: 'OIHW>HWIO' },
    ...(p.bias ? [{ layer: 'conv', tfjs: 'bias', torch: 'bias', layout: 'vector' } as const] : []),
  ],
  inference: (p) => convRole(p),
  examples: [
    { title: 'paper first conv', params: { filters: 64, padding: 'valid', activation: 'relu' }, inputs: [[1, 572, 572]], output: [64, 570, 570], params_count: 640, macs: 64 * 570 * 570 * 9 },
    { title: 'same keeps size', params: { filters: 64, padding: 'same', bias: false }, inputs: [[3, 256, 256]], output: [64, 256, 256], params_count: 1728 },
    { title: 'explicit pad 1, stride 2 (PyTorch Conv2d(c, c, 3, 2, 1))', params: { filters: 64, padding: 1, stride: 2 }, inputs: [[64, 256, 256]], output: [64, 128, 128], params_count: 36928 },
    { title: 'same, stride 2, odd input rounds up', params: { filters: 8, padding: 'same', stride: 2 }, inputs: [[4, 7, 7]], output: [8, 4, 4] },
    { title: 'dilation 2 widens the window to 5', params: { filters: 8, dilation: 2 }, inputs: [[1, 10, 10]], output: [8, 6, 6] },
    { title: '1×1 head', params: { filters: 2, kernel: 1 }, inputs: [[64, 388, 388]], output: [2, 388, 388], params_count: 130 },
    { title: 'window larger than input', params: { filters: 8 }, inputs: [[1, 2, 2]], output: null, error: 'non-positive-size' },
    { title: 'stride and dilation together (tfjs cannot)', params: { filters: 8, stride: 2, dilation: 2 }, inputs: [[1, 16, 16]], output: null, error: 'stride-with-dilation' },
    { title: 'softmax over one channel', params: { filters: 1, kernel: 1, activation: 'softmax' }, inputs: [[32, 96, 96]], output: [1, 96, 96], warning: 'softmax-one-channel' },
    { title: 'even kernel with same', params: { filters: 8, kernel: 2, padding: 'same' }, inputs: [[1, 8, 8]], output: [8, 8, 8], warning: 'asymmetric-same' },
  ],
});
