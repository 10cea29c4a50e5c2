// One problem type (core/problem.ts) across the layers, and a backend failure that is a typed error with its
// attempts rather than a message parsed back with a regex.
import { describe, expect, it } from 'vitest';
import { CompileError, WeightsError, weightsProblem } from '../../src/compile';
import { problemLine, type Problem } from '../../src/core/problem';
import { inferShapes } from '../../src/core/infer';
import type { GraphDoc } from '../../src/core/types';
import { activateFirst, BackendUnavailableError } from '../../src/runtime';
import { hostError } from '../../src/runtime/host/host';
import { describeProblem } from '../../src/ui/run/session';

describe('the backend error', () => {
  it('is a BackendUnavailableError carrying every attempt, and the runtime maps it without parsing text', async () => {
    const failing = activateFirst([
      { name: 'webgpu', prepare: async () => 'no WebGPU adapter' },
      { name: 'webgl', prepare: async () => { throw new Error('context lost; (really)'); } },
    ]);
    const err = await failing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    const attempts = (err as BackendUnavailableError).attempts;
    expect(attempts).toEqual([
      { name: 'webgpu', ok: false, reason: 'no WebGPU adapter' },
      { name: 'webgl', ok: false, reason: 'context lost; (really)' },
    ]);
    // A reason holding "; " used to split into two lines when the message was parsed back.
    const host = hostError(err);
    expect(host.kind).toBe('backend');
    expect(host.problems.map(problemLine)).toEqual(['webgpu: no WebGPU adapter', 'webgl: context lost; (really)']);
    expect(describeProblem(host)).toMatchObject({ title: 'The backend could not start', hint: expect.stringContaining('Auto') });
    // A message that merely reads like one is not mistaken for it.
    expect(hostError(new Error('no tfjs backend could start: fake')).kind).toBe('failed');
  });
});

describe('one problem type', () => {
  it('diagnostics, compile problems, weights and backend problems are all Problems with node, field, severity', () => {
    const doc: Pick<GraphDoc, 'nodes' | 'edges'> = {
      nodes: [
        { id: 'input', op: 'input', params: { channels: 1, height: 8, width: 8 }, position: { x: 0, y: 0 } },
        { id: 'conv', op: 'conv2d', params: { filters: -2 }, position: { x: 0, y: 0 } },
      ],
      edges: [{ id: 'e', source: 'input', target: 'conv', targetPort: 0 }],
    };
    const diagnostic: Problem = inferShapes(doc).diagnostics.find((d) => d.code === 'bad-param')!;
    expect(diagnostic).toMatchObject({ severity: 'error', nodeId: 'conv', field: 'filters' });
    const compile = CompileError.fromDiagnostics([diagnostic]);
    const fromCompile: Problem[] = hostError(compile).problems;
    expect(fromCompile).toEqual([{ severity: 'error', nodeId: 'conv', code: 'bad-param', message: diagnostic.message }]);
    // Weights problems are made by the loader with their node and tensor; the host passes them on as they are.
    const weightsError = new WeightsError([weightsProblem('weight-shape', 'head.bias: expected a vector [2], got [3]', { nodeId: 'head', field: 'bias' })]);
    const weights: Problem[] = hostError(weightsError).problems;
    expect(weights).toEqual([{ severity: 'error', code: 'weight-shape', nodeId: 'head', field: 'bias', message: 'head.bias: expected a vector [2], got [3]' }]);
    expect(weights.map(problemLine)).toEqual(['head.bias: expected a vector [2], got [3]']);
    expect(hostError(weightsError)).toMatchObject({ kind: 'weights', message: 'the weights do not fit the model:\n  - head.bias: expected a vector [2], got [3]' });
  });

  it('problemLine names node and field once', () => {
    expect(problemLine({ nodeId: 'a', field: 'kernel', message: 'expected 3' })).toBe('a.kernel: expected 3');
    expect(problemLine({ nodeId: 'a', message: 'a.kernel: expected 3' })).toBe('a.kernel: expected 3');
    expect(problemLine({ message: 'no output' })).toBe('no output');
    // A field that is a full name of its own (a tfjs weight) is not put under the node a second time.
    expect(problemLine({ nodeId: 'enc0_conv1', field: 'enc0_conv1/kernel', message: 'enc0_conv1/kernel: missing' })).toBe('enc0_conv1/kernel: missing');
    expect(problemLine({ nodeId: 'a', field: 'kernel', message: 'missing' })).toBe('a.kernel: missing');
  });
});
