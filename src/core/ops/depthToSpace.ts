import { defineOp } from '../op';
import { shape } from './common';

export const depthToSpace = defineOp({
  type: 'depthToSpace',
  label: 'Depth to space',
  category: 'reshape',
  description:
    'Moves channels into r×r pixel blocks: C·r² × H × W → C × H·r × W·r, in TensorFlow order ' +
    'out[c, h·r+i, w·r+j] = in[(i·r+j)·C + c, h, w] (not PyTorch pixel_shuffle order).',
  params: {
    blockSize: { type: 'int', min: 2, max: 16, default: 2, help: 'r: each output block is r×r pixels' },
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) => `depth→space ×${p.blockSize}`,
  infer: (p, { inputs: [x] }) => {
    const r = p.blockSize;
    const r2 = r * r;
    if (x!.c % r2 !== 0) {
      const below = Math.floor(x!.c / r2) * r2;
      const choices = [below, below + r2].filter((n) => n > 0).join(' or ');
      return {
        issues: [
          {
            severity: 'error',
            code: 'indivisible-channels',
            port: 0,
            message: `depthToSpace: ${x!.c} channels do not split into ${r}×${r} blocks — ` +
              `the input needs a multiple of ${r2} channels (${choices})`,
          },
        ],
      };
    }
    return { shape: shape(x!.c / r2, x!.h * r, x!.w * r) };
  },
  geometry: (p) => ({ kernel: 1, stride: 1, upscale: p.blockSize }),
  size: (p) => ({ kind: 'map', scale: p.blockSize, offset: 0, divisor: 1 }),
  tfjs: (p, { name }) => [{ className: 'DepthToSpace', config: { name, blockSize: p.blockSize } }],
  examples: [
    { title: 'slim-3X head: 27×256×256 → 3×768×768', params: { blockSize: 3 }, inputs: [[27, 256, 256]], output: [3, 768, 768], params_count: 0, macs: 0 },
    { title: 'block 2', inputs: [[12, 8, 10]], output: [3, 16, 20] },
    { title: '26 channels for block 3', params: { blockSize: 3 }, inputs: [[26, 16, 16]], output: null, error: 'indivisible-channels' },
    { title: '6 channels for block 2', inputs: [[6, 4, 4]], output: null, error: 'indivisible-channels' },
  ],
});
