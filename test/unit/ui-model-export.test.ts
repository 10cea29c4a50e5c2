/**
 * Export from the editor (issue 10): every format carries the same weights — the Run panel's loaded or trained
 * ones where they fit, fresh ones otherwise. The tfjs model folder used to save the compiled model's initial
 * (random) weights whatever the Run tab had; here a known state dict goes in through the Run panel and comes back
 * out of model.json + weights.bin as tfjs itself loads them.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { compileGraph, exportWeights, loadWeights, type StateDict, type TfjsFiles, toTfjsFiles } from '../../src/compile';
import { loadTfjsModel } from '../../src/compile/artifacts';
import { buildUNet } from '../../src/core/builder';
import { useNodeBackend } from '../../src/runtime/node';
import { modelFiles } from '../../src/ui/model/modelExport';

type Current = { label: string; apply: { kind: 'tfjs'; files: TfjsFiles } | { kind: 'dict'; dict: StateDict } } | undefined;
const panel = vi.hoisted(() => ({ current: undefined as unknown }));
vi.mock('../../src/ui/run/session', () => ({ runSession: () => ({ currentWeights: async () => panel.current }) }));
const useWeights = (weights: Current) => (panel.current = weights);

const doc = buildUNet({ name: 'small', depth: 2, base: 4, padding: 'same', inputSize: { h: 32, w: 32 } });

/** Every weight tensor of a model, as plain arrays in the model's order. */
const valuesOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

async function exportedTfjs(): Promise<{ model: tf.LayersModel; fresh: boolean; note?: string; names: string[] }> {
  const { files, fresh, note } = await modelFiles(doc, 'tfjs');
  const modelJson = JSON.parse(files['model.json'] as string) as TfjsFiles['modelJson'];
  const model = await loadTfjsModel({ modelJson, weights: files['weights.bin'] as Uint8Array });
  return { model, fresh, note, names: Object.keys(files) };
}

let known: StateDict;
let expected: number[][];

beforeAll(async () => {
  await useNodeBackend('cpu');
  // Known weights: one compile's random draw, exported as the state dict a loaded .pth or a training gives.
  const source = compileGraph(doc);
  known = await exportWeights(source);
  expected = valuesOf(source.model);
  source.model.dispose();
});

describe('Export › tfjs model folder', () => {
  it('saves the Run panel’s state-dict weights (loaded or trained), not the initial ones', async () => {
    useWeights({ label: 'trained 12 s, val Dice 0.81', apply: { kind: 'dict', dict: known } });
    const { model, fresh, note, names } = await exportedTfjs();
    expect(names).toEqual(['model.json', 'weights.bin', 'graph.json']);
    expect([fresh, note]).toEqual([false, 'trained 12 s, val Dice 0.81']);
    const got = valuesOf(model);
    expect(got).toHaveLength(expected.length);
    // The first conv's kernel, and then every tensor, exactly as given.
    expect(got[0]).toEqual(expected[0]);
    expect(got).toEqual(expected);
    model.dispose();
  });

  it('saves loaded tfjs weights as they are', async () => {
    const compiled = compileGraph(doc);
    loadWeights(compiled, known, { strict: true });
    useWeights({ label: 'model.json', apply: { kind: 'tfjs', files: await toTfjsFiles(compiled.model) } });
    compiled.model.dispose();
    const { model, fresh } = await exportedTfjs();
    expect(fresh).toBe(false);
    expect(valuesOf(model)).toEqual(expected);
    model.dispose();
  });

  it('with no weights in the Run panel, says the weights are fresh (and they differ from the known ones)', async () => {
    useWeights(undefined);
    const { model, fresh } = await exportedTfjs();
    expect(fresh).toBe(true);
    expect(valuesOf(model)[0]).not.toEqual(expected[0]);
    model.dispose();
  });

  it('PyTorch and ONNX exports take the same weights source and say so', async () => {
    useWeights({ label: 'trained 12 s', apply: { kind: 'dict', dict: known } });
    for (const format of ['pytorch', 'onnx'] as const) {
      const out = await modelFiles(doc, format);
      expect([out.fresh, out.note]).toEqual([false, 'trained 12 s']);
    }
  });
});
