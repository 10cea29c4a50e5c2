import type { Fix } from '../diagnostics';
import { defineOp } from '../op';
import { fitSize, likePorts, shape, splitCenter, targetParams, targetSize } from './common';

export const pad = defineOp({
  type: 'pad',
  label: 'Pad',
  category: 'resize',
  description:
    'Grows its input to H×W around the center, as milesial pads the upsampled tensor to the skip on odd sizes ' +
    '(F.pad): top/left get floor(Δ/2), the extra row/column goes bottom/right.',
  params: {
    ...targetParams('pad'),
    fill: {
      type: 'choice',
      choices: ['zero', 'reflect'],
      default: 'zero',
      help: 'zero: new pixels are 0; reflect: mirror the border (excluding the edge pixel)',
    },
  },
  inputs: likePorts,
  summary: (p) => `pad → ${p.mode === 'like' ? 'like' : `${p.height}×${p.width}`}` + (p.fill === 'reflect' ? ' · reflect' : ''),
  infer: (p, { nodeId, inputs }) => {
    const x = inputs[0]!;
    const t = targetSize(p, inputs);
    if (t.h < x.h || t.w < x.w) {
      const fixes: Fix[] = [];
      if (p.mode === 'size')
        fixes.push({
          label: `Pad to ${Math.max(t.h, x.h)}×${Math.max(t.w, x.w)}`,
          actions: [{ kind: 'setParams', nodeId, params: { height: Math.max(t.h, x.h), width: Math.max(t.w, x.w) } }],
        });
      const shorter = t.h < x.h ? `height ${t.h} < ${x.h}` : '';
      const narrower = t.w < x.w ? `width ${t.w} < ${x.w}` : '';
      return {
        issues: [
          {
            severity: 'error',
            code: 'pad-too-small',
            inputSizeCanFix: true,
            port: p.mode === 'like' ? 1 : 0,
            field: p.mode === 'size' ? (shorter ? 'height' : 'width') : undefined,
            message: `pad: cannot pad ${x.h}×${x.w} to ${t.h}×${t.w}${p.mode === 'like' ? ' (the "like" input)' : ''} — ` +
              `${[shorter, narrower].filter(Boolean).join(' and ')}; a pad only grows (use crop to shrink)`,
            fixes,
          },
        ],
      };
    }
    const [top, bottom] = splitCenter(t.h - x.h);
    const [left, right] = splitCenter(t.w - x.w);
    // Reflection mirrors existing pixels without repeating the edge, so each side needs fewer than H (or W) rows.
    if (p.fill === 'reflect' && (Math.max(top, bottom) >= x.h || Math.max(left, right) >= x.w))
      return {
        issues: [
          {
            severity: 'error',
            code: 'reflect-too-wide',
            inputSizeCanFix: true,
            field: 'fill',
            message: `pad: reflect padding of ${Math.max(top, bottom)}×${Math.max(left, right)} per side needs an input larger than ` +
              `${x.h}×${x.w} (each side must be smaller than the input)`,
            fixes: [{ label: 'Pad with zeros', actions: [{ kind: 'setParams', nodeId, params: { fill: 'zero' } }] }],
          },
        ],
      };
    return { shape: shape(x.c, t.h, t.w) };
  },
  size: (p) => fitSize(p, 'grow', p.fill === 'reflect'),
  tfjs: (p, { name, inputs }) => {
    const x = inputs[0]!;
    const t = targetSize(p, inputs);
    const padding = [splitCenter(t.h - x.h), splitCenter(t.w - x.w)];
    return [{ className: p.fill === 'reflect' ? 'ReflectionPadding2D' : 'ZeroPadding2D', config: { name, padding }, inputs: [0] }];
  },
  examples: [
    { title: 'milesial on a 250 input: 30 → skip 31', inputs: [[512, 30, 30], [512, 31, 31]], output: [512, 31, 31], params_count: 0, macs: 0 },
    { title: 'pad 31→32', params: { mode: 'size', height: 32, width: 32 }, inputs: [[256, 31, 31]], output: [256, 32, 32] },
    { title: 'equal sizes pass through', inputs: [[64, 32, 32], [64, 32, 32]], output: [64, 32, 32] },
    { title: 'reflect to 36×40', params: { mode: 'size', height: 36, width: 40, fill: 'reflect' }, inputs: [[3, 32, 32]], output: [3, 36, 40] },
    { title: 'like input is smaller', inputs: [[8, 32, 32], [8, 30, 30]], output: null, error: 'pad-too-small' },
    { title: 'reflect wider than the input', params: { mode: 'size', height: 10, width: 10, fill: 'reflect' }, inputs: [[3, 2, 2]], output: null, error: 'reflect-too-wide' },
  ],
});
