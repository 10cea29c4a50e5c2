import type { OpIssue } from '../diagnostics';
import { defineOp, type LayerSpec } from '../op';
import { activationIssues, activationLayers, activationParam, alphaParam, convRole, pair, paddingLabel, shape } from './common';

/** PyTorch ConvTranspose2d length: (n−1)·s − 2p + k + output_padding; "same" is TensorFlow's n·s. */
export function transposedOut(n: number, kernel: number, stride: number, padding: string | number, outputPadding = 0): number {
  if (padding === 'same') return n * stride;
  const p = padding === 'valid' ? 0 : Number(padding);
  return (n - 1) * stride - 2 * p + kernel + outputPadding;
}

/** Why an output_padding cannot be kept with this stride and padding (PyTorch's own rules), or undefined. */
export function outputPaddingProblem(outputPadding: number, stride: number, padding: string | number): string | undefined {
  if (outputPadding === 0) return undefined;
  if (padding === 'same') return `output padding ${outputPadding} needs explicit padding ("same" already gives H·stride)`;
  const p = padding === 'valid' ? 0 : Number(padding);
  if (outputPadding >= stride) return `output padding ${outputPadding} must be smaller than the stride ${stride}`;
  if (outputPadding > p) return `output padding ${outputPadding} exceeds the padding ${p} (it keeps rows the padding would crop)`;
  return undefined;
}

/**
 * tfjs's "valid" Conv2DTranspose yields n·s + max(k−s, 0): when the stride exceeds the kernel it keeps s−k
 * trailing rows PyTorch does not, and explicit padding p is PyTorch cropping p rows from each side.
 */
function trailingExtra(p: { stride: number; kernel: number }): number {
  return Math.max(0, p.stride - p.kernel);
}

export const conv2dTranspose = defineOp({
  type: 'conv2dTranspose',
  label: 'Up-conv (transposed)',
  category: 'conv',
  description:
    'Transposed convolution ("up-conv"): each input pixel stamps a learned k×k patch every `stride` pixels. ' +
    'Output (H−1)·stride − 2·padding + kernel, as PyTorch ConvTranspose2d; "same" gives H·stride.',
  params: {
    filters: { type: 'int', min: 1, max: 65536, default: 64, help: 'Output channels (a U-Net halves them here)' },
    kernel: { type: 'int', min: 1, max: 31, default: 2, help: 'Square kernel size' },
    stride: { type: 'int', min: 1, max: 16, default: 2, help: 'Upsampling factor: step between stamped patches' },
    padding: {
      type: 'padding',
      max: 64,
      default: 'valid',
      help: 'valid (no crop), same (output H·stride), or rows/columns cropped from each side (PyTorch padding)',
    },
    outputPadding: {
      type: 'int',
      min: 0,
      max: 15,
      default: 0,
      help: "Extra rows/columns kept at the bottom/right, as PyTorch's output_padding (must be < stride and ≤ padding)",
    },
    bias: { type: 'bool', default: true, help: 'Add a learned bias per output channel' },
    activation: activationParam,
    alpha: alphaParam,
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) =>
    `${p.kernel}×${p.kernel} up-conv · ${p.filters}` +
    (p.padding !== 'valid' ? ` · ${paddingLabel(p.padding)}` : '') +
    (p.stride !== p.kernel ? ` · s${p.stride}` : '') +
    (p.outputPadding !== 0 ? ` · op${p.outputPadding}` : '') +
    (p.activation !== 'none' ? ` · ${p.activation}` : ''),
  infer: (p, { nodeId, inputs: [x] }) => {
    const k = p.kernel;
    const s = p.stride;
    const pad = p.padding;
    const op = p.outputPadding;
    const opProblem = outputPaddingProblem(op, s, pad);
    if (opProblem !== undefined)
      return {
        issues: [
          {
            severity: 'error',
            code: 'bad-output-padding',
            field: 'outputPadding',
            message: `conv2dTranspose: ${opProblem}`,
            fixes: [{ label: 'Set output padding to 0', actions: [{ kind: 'setParams', nodeId, params: { outputPadding: 0 } }] }],
          },
        ],
      };
    const h = transposedOut(x!.h, k, s, pad, op);
    const w = transposedOut(x!.w, k, s, pad, op);
    if (h < 1 || w < 1) {
      const raw = transposedOut(Math.min(x!.h, x!.w), k, s, 'valid');
      return {
        issues: [
          {
            severity: 'error',
            code: 'non-positive-size',
            inputSizeCanFix: true,
            field: 'padding',
            message: `conv2dTranspose: padding ${pad} crops ${2 * Number(pad)} rows/columns from a ${raw}-pixel-wide result ` +
              `(input ${x!.h}×${x!.w}, ${k}×${k} stride ${s}), leaving nothing`,
            fixes: [{ label: 'Use padding "valid"', actions: [{ kind: 'setParams', nodeId, params: { padding: 'valid' } }] }],
          },
        ],
      };
    }
    const issues: OpIssue[] = activationIssues(p, p.filters, nodeId, 'conv2dTranspose');
    if (s > k)
      issues.push({
        severity: 'warning',
        code: 'stride-exceeds-kernel',
        field: 'kernel',
        message: `conv2dTranspose: stride ${s} > kernel ${k} — ${s - k} of every ${s} output rows and columns receive no input (bias only)`,
        fixes: [{ label: `Set kernel to ${s}`, actions: [{ kind: 'setParams', nodeId, params: { kernel: s } }] }],
      });
    return { shape: shape(p.filters, h, w), issues };
  },
  paramCount: (p, [x]) => ({
    trainable: x!.c * p.filters * p.kernel ** 2 + (p.bias ? p.filters : 0),
    nonTrainable: 0,
  }),
  // Every input pixel meets every weight once: Cin·Hin·Win·Cout·k² (as the reference tables count it).
  macs: (p, [x]) => x!.c * x!.h * x!.w * p.filters * p.kernel ** 2,
  // Measured in input pixels: an output pixel sees ceil(k/s) input pixels per axis (a 2×2/2 up-conv sees one).
  geometry: (p) => ({ kernel: Math.ceil(p.kernel / p.stride), stride: 1, upscale: p.stride }),
  // transposedOut as a size rule: x·s + (k − s − 2p + op), or x·s for "same".
  size: (p) => {
    const s = p.stride;
    const pad = p.padding === 'same' ? undefined : p.padding === 'valid' ? 0 : p.padding;
    return { kind: 'map', scale: s, offset: pad === undefined ? 0 : p.kernel - s - 2 * pad + p.outputPadding, divisor: 1 };
  },
  tfjs: (p, { name }) => {
    const same = p.padding === 'same';
    const layers: LayerSpec[] = [
      {
        key: 'conv',
        className: 'Conv2DTranspose',
        config: {
          name,
          filters: p.filters,
          kernelSize: pair(p.kernel),
          strides: pair(p.stride),
          padding: same ? 'same' : 'valid',
          useBias: p.bias,
        },
      },
    ];
    const crop = typeof p.padding === 'number' ? p.padding : 0;
    const extra = same ? 0 : trailingExtra(p);
    // output_padding keeps that many of the bottom/right rows the padding would crop (infer ensures op ≤ padding).
    const end = crop + extra - (same ? 0 : p.outputPadding);
    if (crop > 0 || end > 0)
      layers.push({ key: 'crop', className: 'Cropping2D', config: { name: `${name}_crop`, cropping: [[crop, end], [crop, end]] } });
    return [...layers, ...activationLayers(p, `${name}_act`)];
  },
  weights: (p) => [
    { layer: 'conv', tfjs: 'kernel', torch: 'weight', layout: 'IOHW>HWOI' },
    ...(p.bias ? [{ layer: 'conv', tfjs: 'bias', torch: 'bias', layout: 'vector' } as const] : []),
  ],
  inference: (p) => convRole(p),
  examples: [
    { title: 'paper 28→56 up-conv', params: { filters: 512 }, inputs: [[1024, 28, 28]], output: [512, 56, 56], params_count: 2097664, macs: 1024 * 28 * 28 * 512 * 4 },
    { title: 'paper 52→104 up-conv', params: { filters: 256 }, inputs: [[512, 52, 52]], output: [256, 104, 104], params_count: 524544 },
    { title: 'slim up-conv without bias', params: { filters: 256, bias: false }, inputs: [[512, 16, 16]], output: [256, 32, 32], params_count: 524288, macs: 512 * 16 * 16 * 256 * 4 },
    { title: 'PyTorch ConvTranspose2d(128, 64, 4, 2, 1)', params: { filters: 64, kernel: 4, padding: 1 }, inputs: [[128, 16, 16]], output: [64, 32, 32], params_count: 131136 },
    { title: 'same: H·stride', params: { filters: 8, kernel: 3, padding: 'same' }, inputs: [[4, 5, 5]], output: [8, 10, 10] },
    { title: 'stride 1 grows by k−1', params: { filters: 8, kernel: 3, stride: 1 }, inputs: [[4, 10, 12]], output: [8, 12, 14] },
    { title: 'stride beyond kernel leaves gaps', params: { filters: 8, kernel: 1 }, inputs: [[4, 8, 8]], output: [8, 15, 15], warning: 'stride-exceeds-kernel' },
    { title: 'PyTorch ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)', params: { filters: 4, kernel: 3, padding: 1, outputPadding: 1 }, inputs: [[8, 16, 16]], output: [4, 32, 32], params_count: 8 * 4 * 9 + 4 },
    { title: 'output padding beyond the padding', params: { filters: 4, kernel: 3, outputPadding: 1 }, inputs: [[8, 16, 16]], output: null, error: 'bad-output-padding' },
    { title: 'padding eats the whole output', params: { filters: 8, padding: 2 }, inputs: [[4, 1, 1]], output: null, error: 'non-positive-size' },
  ],
});
