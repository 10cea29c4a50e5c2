import type { Fix } from '../diagnostics';
import { defineOp } from '../op';
import type { Params } from '../types';
import { fitSize, likePorts, shape, splitCenter, targetParams, targetSize } from './common';

/** Rows cut from the top and bottom for a surplus of `total` rows, with the op's rounding of the odd half row. */
export function cropSplit(total: number, rounding: Params[string] | undefined): [number, number] {
  if (rounding !== 'half-even') return splitCenter(total);
  // Python's round(): an exact .5 goes to the even neighbour (torchvision CenterCrop's int(round((H − h) / 2))).
  const half = total / 2;
  const floor = Math.floor(half);
  const top = half - floor === 0.5 && floor % 2 === 1 ? floor + 1 : floor;
  return [top, total - top];
}

export const crop = defineOp({
  type: 'crop',
  label: 'Center crop',
  category: 'resize',
  description:
    'Cuts the center H×W out of its input — the paper U-Net crops each skip to the upsampled size before concat. ' +
    'An odd surplus leaves the extra row/column at the bottom/right (top = floor((H−h)/2), as the paper code and ' +
    'milesial); torchvision\'s CenterCrop rounds (H−h)/2 half to even instead, which puts it at the top when H−h ≡ 3 mod 4.',
  params: {
    ...targetParams('crop'),
    rounding: {
      type: 'choice',
      choices: ['floor', 'half-even'],
      default: 'floor',
      help: 'Top/left offset of an odd surplus: floor((H−h)/2) (default), or half-even as torchvision CenterCrop (differs when H−h ≡ 3 mod 4)',
    },
  },
  inputs: likePorts,
  summary: (p) => `crop → ${p.mode === 'like' ? 'like' : `${p.height}×${p.width}`}` + (p.rounding === 'half-even' ? ' · half-even' : ''),
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
            inputSizeCanFix: true,
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
  size: (p) => fitSize(p, 'shrink'),
  tfjs: (p, { name, inputs }) => {
    const x = inputs[0]!;
    const t = targetSize(p, inputs);
    return [{ className: 'Cropping2D', config: { name, cropping: [cropSplit(x.h - t.h, p.rounding), cropSplit(x.w - t.w, p.rounding)] }, inputs: [0] }];
  },
  examples: [
    { title: 'paper skip 64→56', inputs: [[512, 64, 64], [512, 56, 56]], output: [512, 56, 56], params_count: 0, macs: 0 },
    { title: 'paper skip 568→392', inputs: [[64, 568, 568], [64, 392, 392]], output: [64, 392, 392] },
    { title: 'odd surplus: extra row at the bottom', inputs: [[8, 57, 57], [4, 56, 56]], output: [8, 56, 56] },
    { title: 'torchvision CenterCrop rounding: 59→56 cuts 2 rows at the top', params: { rounding: 'half-even' }, inputs: [[8, 59, 59], [4, 56, 56]], output: [8, 56, 56] },
    { title: 'fixed size', params: { mode: 'size', height: 100, width: 80 }, inputs: [[8, 136, 136]], output: [8, 100, 80] },
    { title: 'like input is larger', inputs: [[512, 56, 56], [512, 64, 64]], output: null, error: 'crop-too-large' },
    { title: 'size taller than input', params: { mode: 'size', height: 200, width: 10 }, inputs: [[8, 100, 100]], output: null, error: 'crop-too-large' },
  ],
});
