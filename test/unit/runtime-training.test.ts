/**
 * Training inside the runtime host, in-process (the worker runs the same class): events, Pause / Stop between
 * steps, checkpoints (latest and best), restoring them, running and exporting the trained weights, and the
 * run notes when the graph changed after training. Tiny nets on wasm; learning itself is train-learning's.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph, loadTfjsWeights, stateDictFromJson } from '../../src/compile';
import { buildUNet } from '../../src/core/builder';
import { DEFAULT_TRAIN_OPTIONS, EditorRuntime, inputSpecFromParams, memoryCheckpoints, type RunJob, type TrainEvent, type TrainRequest } from '../../src/runtime';
import { useNodeBackend } from '../../src/runtime/node';
import { membranes } from '../../src/runtime/synthetic';

const doc = buildUNet({ name: 'tiny', depth: 1, base: 4, padding: 'same', inputSize: { h: 32, w: 32 } });
const request = (steps: number, patch: Partial<TrainRequest> = {}): TrainRequest => ({
  doc,
  data: { kind: 'samples', set: 'membranes', count: 3 },
  options: { ...DEFAULT_TRAIN_OPTIONS, batch: 2, patch: 32 },
  steps,
  validateEvery: 3,
  continueTraining: true,
  checkpointEveryMs: 0,
  ...patch,
});
const store = memoryCheckpoints();
const host = new EditorRuntime({ backends: { start: useNodeBackend }, checkpoints: store });

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('training in the runtime host', () => {
  it('streams start, progress and checkpoints, then frees its tensors and keeps the weights', async () => {
    const before = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const outcome = await host.startTraining(request(6), 'wasm', (e) => events.push(e));
    expect(outcome).toMatchObject({ ok: true, value: { state: 'done', steps: 6 } });
    const started = events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ info: { geometry: { input: { h: 32, w: 32 } }, classes: 2, images: 3, priorSteps: 0 } });
    const steps = events.flatMap((e) => (e.type === 'progress' ? [e.progress.step] : []));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.some((e) => e.type === 'checkpoint' && e.info.slot === 'best')).toBe(true);
    expect((await store.info('latest'))).toMatchObject({ steps: 6, graphName: 'tiny' });
    expect(tf.memory().numTensors).toBe(before);
    expect(host.trainingState()).toBe('idle');
  });

  it('goes on training when a checkpoint cannot be saved, and says so', async () => {
    const full = { ...memoryCheckpoints(), save: async () => Promise.reject(new Error('QuotaExceededError')) };
    const host2 = new EditorRuntime({ backends: { start: useNodeBackend }, checkpoints: full });
    const events: TrainEvent[] = [];
    const outcome = await host2.startTraining(request(3, { continueTraining: false }), 'wasm', (e) => events.push(e));
    expect(outcome).toMatchObject({ ok: true, value: { state: 'done', steps: 3 } });
    expect(events.filter((e) => e.type === 'checkpoint')).toEqual([]);
    expect(events.find((e) => e.type === 'checkpoint-failed')).toMatchObject({ message: expect.stringContaining('QuotaExceededError') });
  });

  it('pauses between steps and stops after the step in flight', async () => {
    let paused = false;
    let stepsAtPause = 0;
    const seen: number[] = [];
    const done = host.startTraining(request(1000, { continueTraining: false }), 'wasm', (e) => {
      if (e.type !== 'progress') return;
      seen.push(e.progress.step);
      if (e.progress.step === 2 && !paused) {
        paused = true;
        host.pauseTraining();
        stepsAtPause = e.progress.step;
      }
    });
    while (!paused) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 400));
    expect(host.trainingState()).toBe('paused');
    expect(seen[seen.length - 1]).toBe(stepsAtPause);
    host.resumeTraining();
    while (seen.length < 4) await new Promise((r) => setTimeout(r, 20));
    host.stopTraining();
    const outcome = await done;
    expect(outcome).toMatchObject({ ok: true, value: { state: 'stopped' } });
    if (outcome.ok) expect(outcome.value.steps).toBeLessThan(10);
  });

  it('restores the latest checkpoint, runs it, notes nodes changed since, and exports it', async () => {
    const fresh = new EditorRuntime({ backends: { start: useNodeBackend }, checkpoints: store });
    const restored = await fresh.restoreCheckpoint();
    expect(restored).toMatchObject({ ok: true, value: { info: { graphName: 'tiny' } } });
    const registered = await fresh.useTrainedWeights(7);
    expect(registered).toMatchObject({ ok: true, value: { label: expect.stringMatching(/^trained \d+ s(, val Dice 0\.\d\d)?$/) } });

    const changed = structuredClone(doc);
    for (const n of changed.nodes) if (n.id === 'head') n.params = { ...n.params, kernel: 3 };
    const spec = { ...inputSpecFromParams(doc.nodes[0]!.params), height: 32, width: 32 };
    const job: RunJob = { runInput: { c: 1, h: 32, w: 32 }, overridden: false, spec, outputs: [{ id: 'output', shape: { c: 2, h: 32, w: 32 } }] };
    const run = await fresh.run({ doc: changed, plan: job, image: membranes(32, 1).image, backend: 'wasm', weightsId: 7 }, () => {});
    if (!run.ok) throw new Error(run.error.message);
    expect(run.value.weights).toEqual({ kind: 'trained', label: registered.ok ? registered.value!.label : '' });
    expect(run.value.notes).toEqual([expect.stringContaining('The graph changed since training: head has fresh random weights')]);

    const tfjs = await fresh.exportTrained(doc, 'tfjs');
    if (!tfjs.ok || tfjs.value.format !== 'tfjs') throw new Error('no tfjs export');
    expect(tfjs.value.files.modelJson.userDefinedMetadata).toMatchObject({ unetStudio: { trained: { steps: expect.any(Number) } } });
    const compiled = compileGraph(doc);
    loadTfjsWeights(compiled, tfjs.value.files);
    compiled.model.dispose();
    const dict = await fresh.exportTrained(doc, 'state-dict');
    if (!dict.ok || dict.value.format !== 'state-dict') throw new Error('no state-dict export');
    expect(Object.keys(stateDictFromJson(JSON.parse(dict.value.json)))).toContain('enc0_conv1');
    expect(await fresh.exportTrained(changed, 'tfjs')).toMatchObject({ ok: false, error: { message: expect.stringContaining('the graph changed since training') } });
  });
});
