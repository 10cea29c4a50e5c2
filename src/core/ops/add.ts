import type { Fix } from '../diagnostics';
import { defineOp } from '../op';
import { shape } from './common';
import { formatShape } from '../types';

export const add = defineOp({
  type: 'add',
  label: 'Add',
  category: 'merge',
  description: 'Element-wise sum of its inputs (residual / additive skips); every input must have the same C×H×W.',
  params: {},
  inputs: () => ({ variadic: { min: 2, max: 8 } }),
  summary: () => 'add',
  infer: (_p, { nodeId, inputs, sources }) => {
    const first = inputs[0]!;
    const bad = inputs.findIndex((s) => s.c !== first.c || s.h !== first.h || s.w !== first.w);
    if (bad < 0) return { shape: shape(first.c, first.h, first.w) };
    const other = inputs[bad]!;
    const fixes: Fix[] = [];
    if (other.h === first.h && other.w === first.w)
      fixes.push({
        label: `Project input ${bad} to ${first.c} channels with a 1×1 conv`,
        actions: [{ kind: 'insertBefore', nodeId, port: bad, op: 'conv2d', params: { filters: first.c, kernel: 1, padding: 'valid' } }],
      });
    else if (other.c === first.c && other.h >= first.h && other.w >= first.w)
      fixes.push({
        label: `Insert crop(like=${sources[0]}) before port ${bad}`,
        actions: [{ kind: 'insertBefore', nodeId, port: bad, op: 'crop', params: { mode: 'like' }, likeFrom: sources[0] }],
      });
    else if (other.c === first.c && other.h <= first.h && other.w <= first.w)
      fixes.push({
        label: `Insert pad(like=${sources[0]}) before port ${bad}`,
        actions: [{ kind: 'insertBefore', nodeId, port: bad, op: 'pad', params: { mode: 'like' }, likeFrom: sources[0] }],
      });
    const differ = [other.c !== first.c ? 'channels' : '', other.h !== first.h || other.w !== first.w ? 'H×W' : ''].filter(Boolean);
    return {
      issues: [
        {
          severity: 'error',
          code: 'add-mismatch',
          // Channels that differ are the wiring's fault; only a H×W mismatch can be a matter of input size.
          inputSizeCanFix: other.c === first.c,
          port: bad,
          message: `add: input 0 is ${formatShape(first)}, input ${bad} is ${formatShape(other)} — ${differ.join(' and ')} must match exactly`,
          fixes,
        },
      ],
    };
  },
  size: () => ({ kind: 'same' }),
  tfjs: (_p, { name }) => [{ className: 'Add', config: { name } }],
  examples: [
    { title: 'residual join', inputs: [[64, 56, 56], [64, 56, 56]], output: [64, 56, 56], params_count: 0, macs: 0 },
    { title: 'three inputs', inputs: [[8, 16, 16], [8, 16, 16], [8, 16, 16]], output: [8, 16, 16] },
    { title: 'channels differ', inputs: [[64, 56, 56], [128, 56, 56]], output: null, error: 'add-mismatch' },
    { title: 'sizes differ', inputs: [[64, 56, 56], [64, 64, 64]], output: null, error: 'add-mismatch' },
  ],
});
