import { expect, it } from 'vitest';
import { defineOp } from '../../src/core/op';

/**
 * Compile-time checks (tsc runs over test/): an op's callbacks get params typed from its specs. A
 * `@ts-expect-error` that no longer finds an error fails the type check.
 */
const probe = defineOp({
  type: 'probe',
  label: 'Probe',
  category: 'conv',
  description: 'type probe',
  params: {
    kernel: { type: 'int', min: 1, default: 3, help: 'k' },
    mode: { type: 'choice', choices: ['like', 'size'], default: 'like', help: 'm' },
    padding: { type: 'padding', default: 'valid', help: 'p' },
    bias: { type: 'bool', default: true, help: 'b' },
  },
  inputs: () => ({ names: ['x'] }),
  summary: (p) => {
    const kernel: number = p.kernel;
    const mode: 'like' | 'size' = p.mode;
    const padding: 'valid' | 'same' | number = p.padding;
    const bias: boolean = p.bias;
    // @ts-expect-error a misspelt param does not exist
    void p.kernal;
    // @ts-expect-error a choice is one of its choices, not any string
    const wrong: 'like' = p.mode;
    return `${kernel} ${mode} ${padding} ${bias} ${wrong}`;
  },
  infer: (p, { inputs: [x] }) => ({ shape: { c: p.kernel, h: x!.h, w: x!.w } }),
  tfjs: () => [],
  // @ts-expect-error examples are checked against the specs too
  examples: [{ params: { kernal: 3 }, inputs: [[1, 4, 4]], output: [3, 4, 4] }],
});

it('an op defined with typed params is a plain registry entry at run time', () => {
  expect(probe.summary({ kernel: 5, mode: 'size', padding: 1, bias: false })).toBe('5 size 1 false size');
});
