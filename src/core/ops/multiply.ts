import type { Fix } from '../diagnostics';
import { defineOp } from '../op';
import { shape } from './common';
import { formatShape } from '../types';

/**
 * Element-wise product (gates: x·σ(conv(x)), an attention gate's x·α, Swish-style x·σ(x)). Inputs share one H×W;
 * channels either match or an input has 1 channel, broadcast over the others' — the broadcast PyTorch/ONNX apply
 * to [N,1,H,W]·[N,C,H,W] and tfjs's Multiply layer applies channels-last.
 */
export const multiply = defineOp({
  type: 'multiply',
  label: 'Multiply',
  category: 'merge',
  description:
    'Element-wise product of its inputs (gates such as x·σ(conv(x))). Every input must have the same H×W; channels ' +
    'must match, or an input may have 1 channel, which is broadcast over the others’ channels.',
  params: {},
  inputs: () => ({ variadic: { min: 2, max: 8 } }),
  summary: () => 'multiply',
  infer: (_p, { nodeId, inputs, sources }) => {
    const first = inputs[0]!;
    const channels = Math.max(...inputs.map((s) => s.c));
    const fits = (s: (typeof inputs)[number]) => s.h === first.h && s.w === first.w && (s.c === channels || s.c === 1);
    const bad = inputs.findIndex((s) => !fits(s));
    if (bad < 0) return { shape: shape(channels, first.h, first.w) };
    const other = inputs[bad]!;
    const sameGrid = other.h === first.h && other.w === first.w;
    const channelsOk = other.c === channels || other.c === 1;
    const fixes: Fix[] = [];
    if (!channelsOk && sameGrid)
      fixes.push({
        label: `Project input ${bad} to ${channels} channels with a 1×1 conv`,
        actions: [{ kind: 'insertBefore', nodeId, port: bad, op: 'conv2d', params: { filters: channels, kernel: 1, padding: 'valid' } }],
      });
    else if (channelsOk && other.h >= first.h && other.w >= first.w)
      fixes.push({
        label: `Insert crop(like=${sources[0]}) before port ${bad}`,
        actions: [{ kind: 'insertBefore', nodeId, port: bad, op: 'crop', params: { mode: 'like' }, likeFrom: sources[0] }],
      });
    else if (channelsOk && other.h <= first.h && other.w <= first.w)
      fixes.push({
        label: `Insert pad(like=${sources[0]}) before port ${bad}`,
        actions: [{ kind: 'insertBefore', nodeId, port: bad, op: 'pad', params: { mode: 'like' }, likeFrom: sources[0] }],
      });
    const differ = [channelsOk ? '' : `channels (${channels} or 1)`, sameGrid ? '' : 'H×W'].filter(Boolean);
    return {
      issues: [
        {
          severity: 'error',
          code: 'multiply-mismatch',
          // Channels that do not broadcast are the wiring's fault; only a H×W mismatch can be a matter of input size.
          inputSizeCanFix: channelsOk,
          port: bad,
          message: `multiply: input 0 is ${formatShape(first)}, input ${bad} is ${formatShape(other)} — ${differ.join(' and ')} must match`,
          fixes,
        },
      ],
    };
  },
  size: () => ({ kind: 'same' }),
  // tfjs's Multiply merge layer broadcasts a 1-channel input over the channel axis.
  tfjs: (_p, { name }) => [{ className: 'Multiply', config: { name } }],
  examples: [
    { title: 'gate x·σ(conv(x)), one channel broadcast', inputs: [[64, 56, 56], [1, 56, 56]], output: [64, 56, 56], params_count: 0 },
    { title: 'one channel first', inputs: [[1, 16, 16], [8, 16, 16]], output: [8, 16, 16] },
    { title: 'same shapes', inputs: [[8, 16, 16], [8, 16, 16], [8, 16, 16]], output: [8, 16, 16] },
    { title: 'channels do not broadcast', inputs: [[64, 56, 56], [32, 56, 56]], output: null, error: 'multiply-mismatch' },
    { title: 'sizes differ', inputs: [[64, 56, 56], [1, 64, 64]], output: null, error: 'multiply-mismatch' },
  ],
});
