import type { Fix } from '../diagnostics';
import { defineOp } from '../op';
import { shape } from './common';

export const concat = defineOp({
  type: 'concat',
  label: 'Concat',
  category: 'merge',
  description: 'Joins inputs along channels in port order (port 0 first); H×W must match.',
  params: {},
  inputs: () => ({ variadic: { min: 2, max: 32 } }),
  summary: () => 'concat',
  infer: (_p, { nodeId, inputs, sources }) => {
    const [first] = inputs;
    const bad = inputs.findIndex((s) => s.h !== first!.h || s.w !== first!.w);
    if (bad >= 0) {
      const big = first!.h * first!.w >= inputs[bad]!.h * inputs[bad]!.w ? 0 : bad;
      const small = big === 0 ? bad : 0;
      const b = inputs[big]!;
      const s = inputs[small]!;
      const fixes: Fix[] = [];
      if (b.h >= s.h && b.w >= s.w) {
        fixes.push({
          label: `Insert crop(like=${sources[small]}) before port ${big}`,
          actions: [{ kind: 'insertBefore', nodeId, port: big, op: 'crop', params: { mode: 'like' }, likeFrom: sources[small] }],
        });
        fixes.push({
          label: `Insert pad(like=${sources[big]}) before port ${small}`,
          actions: [{ kind: 'insertBefore', nodeId, port: small, op: 'pad', params: { mode: 'like' }, likeFrom: sources[big] }],
        });
      }
      return {
        issues: [
          {
            severity: 'error',
            code: 'concat-mismatch',
            inputSizeCanFix: true,
            port: bad,
            message: `concat: input 0 is ${first!.h}×${first!.w}, input ${bad} is ${inputs[bad]!.h}×${inputs[bad]!.w}` +
              (fixes.length ? ` — crop input ${big} to ${s.h}×${s.w}` : ''),
            fixes,
          },
        ],
      };
    }
    return { shape: shape(inputs.reduce((n, s) => n + s.c, 0), first!.h, first!.w) };
  },
  size: () => ({ kind: 'same' }),
  tfjs: (_p, { name }) => [{ className: 'Concatenate', config: { name, axis: -1 } }],
  examples: [
    { title: 'paper decoder join', inputs: [[512, 56, 56], [512, 56, 56]], output: [1024, 56, 56], params_count: 0 },
    { title: 'three inputs', inputs: [[8, 16, 16], [4, 16, 16], [2, 16, 16]], output: [14, 16, 16] },
    { title: 'uncropped skip', inputs: [[512, 64, 64], [512, 56, 56]], output: null, error: 'concat-mismatch' },
  ],
});
