import type { Fix } from '../diagnostics';
import { defineOp } from '../op';
import { likePorts, shape, splitCenter, targetParams, targetSize } from './common';

export const crop = defineOp({
  type: 'crop',
  label: 'Center crop',
  category: 'resize',
  description:
    'Cuts the center H×W out of its input — the paper U-Net crops each skip to the upsampled size before concat. ' +
    'An odd surplus leaves the extra row/column at the bottom/right (top = floor((H−h)/2)).',
  params: targetParams('crop'),
  inputs: likePorts,
  summary: (p) => `crop → ${p.mode === 'like' ? 'like' : `${p.height}×${p.width}`}`,
  infer: (p, { nodeId, inputs }) => {
    const x = inputs[0]!;
    const t = targetSize(p, inputs);
    if (t.h > x.h || t.w > x.w) {
      const fixes: Fix[] = [];
      if (p.mode === 'size')
        fixes.push({
          label: `Crop to ${Math.min(t.h, x.h)}×${Math.min(t.w, x.w)}`,
          actions: [{ kind: 'setParams', nodeId, params: { height: Math.min(t.h, x.h), width: Math.min(t.w, x.w) } }],
        });
      const taller = t.h > x.h ? `height ${t.h} > ${x.h}` : '';
      const wider = t.w > x.w ? `width ${t.w} > ${x.w}` : '';
      return {
        issues: [
          {
            severity: 'error',
            code: 'crop-too-large',
            port: p.mode === 'like' ? 1 : 0,
            field: p.mode === 'size' ? (taller ? 'height' : 'width') : undefined,
            message: `crop: cannot crop ${x.h}×${x.w} to ${t.h}×${t.w}${p.mode === 'like' ? ' (the "like" input)' : ''} — ` +
              `${[taller, wider].filter(Boolean).join(' and ')}; a crop only shrinks (use pad to grow)`,
            fixes,
          },
        ],
      };
    }
    return { shape: shape(x.c, t.h, t.w) };
  },
  tfjs: (p, { name, inputs }) => {
    const x = inputs[0]!;
    const t = targetSize(p, inputs);
    return [{ className: 'Cropping2D', config: { name, cropping: [splitCenter(x.h - t.h), splitCenter(x.w - t.w)] }, inputs: [0] }];
  },
  examples: [
    { title: 'paper skip 64→56', inputs: [[512, 64, 64], [512, 56, 56]], output: [512, 56, 56], params_count: 0, macs: 0 },
    { title: 'paper skip 568→392', inputs: [[64, 568, 568], [64, 392, 392]], output: [64, 392, 392] },
    { title: 'odd surplus: extra row at the bottom', inputs: [[8, 57, 57], [4, 56, 56]], output: [8, 56, 56] },
    { title: 'fixed size', params: { mode: 'size', height: 100, width: 80 }, inputs: [[8, 136, 136]], output: [8, 100, 80] },
    { title: 'like input is larger', inputs: [[512, 56, 56], [512, 64, 64]], output: null, error: 'crop-too-large' },
    { title: 'size taller than input', params: { mode: 'size', height: 200, width: 10 }, inputs: [[8, 100, 100]], output: null, error: 'crop-too-large' },
  ],
});
