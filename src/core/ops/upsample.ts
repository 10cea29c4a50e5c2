import { defineOp } from '../op';
import { pair, shape } from './common';

export const upsample = defineOp({
  type: 'upsample',
  label: 'Upsample',
  category: 'resize',
  description:
    'Enlarges H and W by an integer factor without weights: nearest repeats pixels, bilinear interpolates ' +
    '(as PyTorch nn.Upsample, with or without align_corners).',
  params: {
    factor: { type: 'int', min: 1, max: 16, default: 2, help: 'Scale factor for H and W' },
    mode: { type: 'choice', choices: ['nearest', 'bilinear'], default: 'nearest', help: 'nearest: repeat pixels; bilinear: interpolate' },
    alignCorners: {
      type: 'bool',
      default: false,
      help: 'Bilinear: map corner pixels onto corner pixels (PyTorch align_corners=True, as milesial uses)',
      when: (p) => p.mode === 'bilinear',
    },
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) => `${p.mode} ×${p.factor}` + (p.mode === 'bilinear' && p.alignCorners ? ' · align' : ''),
  infer: (p, { inputs: [x] }) => {
    const f = p.factor;
    return { shape: shape(x!.c, x!.h * f, x!.w * f) };
  },
  // In input pixels: nearest reads one source pixel, bilinear blends two neighbours per axis.
  geometry: (p) => ({ kernel: p.mode === 'bilinear' ? 2 : 1, stride: 1, upscale: p.factor }),
  size: (p) => ({ kind: 'map', scale: p.factor, offset: 0, divisor: 1 }),
  tfjs: (p, { name }) => {
    const size = pair(p.factor);
    if (p.mode === 'nearest') return [{ className: 'UpSampling2D', config: { name, size, interpolation: 'nearest' } }];
    // tfjs UpSampling2D's bilinear samples differently from PyTorch (no half-pixel centres), so a custom layer
    // does both conventions: align_corners=False is exactly half-pixel centres.
    const alignCorners = p.alignCorners === true;
    return [{ className: 'UpsampleBilinear', config: { name, size, alignCorners, halfPixelCenters: !alignCorners } }];
  },
  examples: [
    { title: 'milesial bilinear ×2, align_corners', params: { mode: 'bilinear', alignCorners: true }, inputs: [[512, 16, 16]], output: [512, 32, 32], params_count: 0, macs: 0 },
    { title: 'strided-nearest decoder ×2', inputs: [[1024, 16, 16]], output: [1024, 32, 32] },
    { title: 'bilinear ×2 (half-pixel centres)', params: { mode: 'bilinear' }, inputs: [[64, 15, 20]], output: [64, 30, 40] },
    { title: 'nearest ×3, non-square', params: { factor: 3 }, inputs: [[4, 10, 12]], output: [4, 30, 36] },
  ],
});
