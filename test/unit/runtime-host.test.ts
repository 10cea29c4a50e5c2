/**
 * The runtime host in-process (as Node uses it; the browser runs the same class in its worker): a run gives
 * exactly what a plain forward pass gives, cancelling answers "cancelled" and frees every tensor, and
 * failures come back as data.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileForInference, compileGraph, exportWeights } from '../../src/compile';
import { buildUNet } from '../../src/core/builder';
import { imageToInput, inputSpecFromParams, predict, RuntimeHost, type RunJob } from '../../src/runtime';
import { useNodeBackend } from '../../src/runtime/node';
import { membranes } from '../../src/runtime/synthetic';

const host = new RuntimeHost({ backends: { start: useNodeBackend } });
const doc = buildUNet({ depth: 2, base: 4, padding: 'same', inputSize: { h: 64, w: 64 } });
const spec = { ...inputSpecFromParams(doc.nodes.find((n) => n.op === 'input')!.params), height: 64, width: 64 };
const job: RunJob = { runInput: { c: 1, h: 64, w: 64 }, overridden: false, spec, outputs: [{ id: 'output', shape: { c: 2, h: 64, w: 64 } }] };
const image = membranes(64, 3).image;

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('RuntimeHost', () => {
  it('runs bit-identically to a plain forward pass of the same weights', async () => {
    const compiled = compileGraph(doc);
    const dict = await exportWeights(compiled);
    host.setWeights({ kind: 'state-dict', id: 1, label: 'w', dict });
    const outcome = await host.run({ doc, plan: job, image, backend: 'wasm', weightsId: 1 }, () => {});
    if (!outcome.ok) throw new Error(outcome.error.message);
    const fast = await compileForInference(compiled);
    const [expected] = await predict(fast.model, imageToInput(image, spec));
    expect(outcome.value.outputs[0]!.data).toEqual(expected!.data);
    expect(outcome.value.weights).toEqual({ kind: 'state-dict', label: 'w' });
    compiled.model.dispose();
    fast.model.dispose();
    const memory = host.memory();
    expect(memory.numTensors).toBe(memory.modelTensors);
  });

  it('cancels between layers and leaves only the cached models', async () => {
    host.setWeights({ kind: 'random', id: 2 });
    let cancelled = false;
    const outcome = await host.run({ doc, plan: job, image, backend: 'wasm', weightsId: 2 }, (p) => {
      if (p.phase === 'run' && !cancelled) {
        cancelled = true;
        host.cancelRun();
      }
    });
    expect(outcome).toEqual({ ok: false, error: { kind: 'cancelled', message: 'The run was cancelled.', problems: [] } });
    const memory = host.memory();
    expect(memory.numTensors).toBe(memory.modelTensors);
  });

  it('reports compile and weights problems as data', async () => {
    const broken = structuredClone(doc);
    broken.edges = broken.edges.filter((e) => e.target !== 'cat0');
    const compile = await host.run({ doc: broken, plan: job, image, backend: 'wasm', weightsId: 2 }, () => {});
    expect(compile.ok).toBe(false);
    if (!compile.ok) expect(compile.error.kind).toBe('compile');
    host.setWeights({ kind: 'state-dict', id: 3, label: 'empty', dict: {} });
    const weights = await host.checkWeights(doc, undefined, 'wasm', 3);
    expect(weights.ok).toBe(false);
    if (!weights.ok) expect(weights.error).toMatchObject({ kind: 'weights', problems: expect.arrayContaining([expect.objectContaining({ severity: 'error', message: 'enc0_conv1.weight: missing (expected OIHW [4, 1, 3, 3])' })]) });
    expect(tf.memory().numTensors).toBe(host.memory().modelTensors);
  });
});
