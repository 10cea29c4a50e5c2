import type { OpIssue } from '../diagnostics';
import { defineOp, type OpDef, type OpExample } from '../op';
import type { ParamSpecs, ParamsOf } from '../params';
import { pair, shape, windowOut, windowSize } from './common';

export interface PoolKind {
  type: 'maxPool2d' | 'avgPool2d';
  label: string;
  /** Word used in the summary: "max pool 2×2". */
  word: string;
  className: 'MaxPooling2D' | 'AveragePooling2D';
  description: string;
  examples: OpExample<ParamsOf<typeof POOL_PARAMS>>[];
}

const POOL_PARAMS = {
  size: { type: 'int', min: 1, max: 16, default: 2, help: 'Square window size' },
  stride: { type: 'int', min: 1, max: 16, default: 2, help: 'Step between windows (the downsampling factor)' },
  padding: {
    type: 'choice',
    choices: ['valid', 'same'],
    default: 'valid',
    help: 'valid: drop rows that do not fill a window (PyTorch); same: pad so the output is ceil(H/stride)',
  },
} as const satisfies ParamSpecs;

const plural = (n: number, one: string) => (n === 1 ? `the last ${one}` : `the last ${n} ${one}s`);

/** Max and average pooling share everything but the reduction, so one factory builds both op files. */
export function definePool(kind: PoolKind): OpDef {
  return defineOp({
    type: kind.type,
    label: kind.label,
    category: 'pool',
    description: kind.description,
    params: POOL_PARAMS,
    inputs: () => ({ names: ['x'] }),
    summary: (p) =>
      `${kind.word} pool ${p.size}×${p.size}` + (p.stride !== p.size ? ` · s${p.stride}` : '') + (p.padding === 'same' ? ' · same' : ''),
    infer: (p, { nodeId, inputs: [x] }) => {
      const k = p.size;
      const s = p.stride;
      const pad = p.padding;
      const h = windowOut(x!.h, k, s, pad);
      const w = windowOut(x!.w, k, s, pad);
      const window = `${k}×${k}/${s}`;
      if (h < 1 || w < 1)
        return {
          issues: [
            {
              severity: 'error',
              code: 'non-positive-size',
              inputSizeCanFix: true,
              port: 0,
              message: `${kind.type}: a ${k}×${k} window does not fit the ${x!.h}×${x!.w} input`,
              fixes: [{ label: 'Use "same" padding', actions: [{ kind: 'setParams', nodeId, params: { padding: 'same' } }] }],
            },
          ],
        };
      const issues: OpIssue[] = [];
      const dropH = pad === 'valid' ? (x!.h - k) % s : 0;
      const dropW = pad === 'valid' ? (x!.w - k) % s : 0;
      if (dropH > 0 || dropW > 0) {
        const lost = [dropH > 0 ? plural(dropH, 'row') : '', dropW > 0 ? plural(dropW, 'column') : ''].filter(Boolean).join(' and ');
        const odd = k === 2 && s === 2;
        const what =
          dropH > 0 && dropW > 0 ? `${x!.h}×${x!.w}` : dropH > 0 ? `height ${x!.h} (of ${x!.h}×${x!.w})` : `width ${x!.w} (of ${x!.h}×${x!.w})`;
        issues.push({
          severity: 'warning',
          code: 'odd-pool',
          inputSizeCanFix: true,
          port: 0,
          message: `${kind.type}: ${what} ${odd ? 'is odd' : `does not tile into ${window} windows`} — a ${window} pool drops ${lost}`,
          fixes: [
            {
              label: `Use "same" padding (output ${Math.ceil(x!.h / s)}×${Math.ceil(x!.w / s)})`,
              actions: [{ kind: 'setParams', nodeId, params: { padding: 'same' } }],
            },
          ],
        });
      }
      return { shape: shape(x!.c, h, w), issues };
    },
    geometry: (p) => ({ kernel: p.size, stride: p.stride }),
    // Valid pooling must not drop a row: the solver counts the odd-pool warning as a problem.
    size: (p) => windowSize(p.size, p.stride, p.padding, 1, p.padding === 'valid'),
    tfjs: (p, { name }) => [
      {
        className: kind.className,
        config: { name, poolSize: pair(p.size), strides: pair(p.stride), padding: p.padding },
      },
    ],
    examples: kind.examples,
  });
}
