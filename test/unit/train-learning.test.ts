/**
 * The networks learn (seeded, a property of learning, not of speed): on the synthetic membranes, with the
 * same training code the worker runs, on the wasm backend with its gradient kernels.
 * - a base-16 same-padding U-Net reaches validation Dice ≥ 0.85;
 * - a reduced-width valid-conv paper-style net (crop + concat, output-sized label crops) reaches ≥ 0.80, and its
 *   trained weights segment a whole held-out image overlap-tiled through the runtime host with Dice ≥ 0.80.
 * The membrane class (the minority; predicting "all cell" scores Dice 0.78 on cells) must be learnt too.
 * Run in Node rather than in the browser to fit `npm test`'s budget; test/e2e/train.test.ts proves the worker
 * path trains.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildUNet } from '../../src/core/builder';
import {
  dice,
  DEFAULT_TRAIN_OPTIONS,
  foregroundMask,
  inputSpecFromParams,
  labelledImage,
  planTiles,
  RuntimeHost,
  sampleSet,
  Trainer,
  trainLoop,
  type Evaluation,
} from '../../src/runtime';
import { useNodeBackend } from '../../src/runtime/node';
import { maskFromRgba } from '../../src/runtime/metrics';
import { membranes } from '../../src/runtime/synthetic';
import type { GraphDoc } from '../../src/core/types';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

async function train(doc: GraphDoc, steps: number, patch: number): Promise<{ trainer: Trainer; val: Evaluation }> {
  const spec = inputSpecFromParams(doc.nodes.find((n) => n.op === 'input')!.params);
  const images = sampleSet('membranes', 10).map((s) => labelledImage(s.name, s.image, s.mask, spec, 2));
  const trainer = await Trainer.create(doc, images, { ...DEFAULT_TRAIN_OPTIONS, patch, batch: 4, seed: 1 });
  const val = await trainLoop(trainer, { steps, validateEvery: steps });
  return { trainer, val: val! };
}

describe('learning on synthetic membranes (wasm)', () => {
  it('a base-16 same-padding U-Net reaches validation Dice ≥ 0.85', async () => {
    const before = tf.memory().numTensors;
    const doc = buildUNet({ depth: 3, base: 16, padding: 'same', inputSize: { h: 64, w: 64 } });
    const { trainer, val } = await train(doc, 50, 64);
    console.log(`same-padding base 16: val Dice ${val.dice.toFixed(3)}, IoU ${val.iou.toFixed(3)}, membrane Dice ${val.classDice[0]!.toFixed(3)}`);
    expect(val.dice).toBeGreaterThanOrEqual(0.85);
    expect(val.classDice[0]).toBeGreaterThanOrEqual(0.6);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);

  it('a reduced-width valid-conv paper-style net reaches ≥ 0.80, also overlap-tiled over a whole new image', async () => {
    const doc = buildUNet({ depth: 2, base: 8, padding: 'valid', inputSize: { h: 92, w: 92 } });
    const { trainer, val } = await train(doc, 60, 92);
    expect(trainer.geometry).toMatchObject({ input: { h: 92, w: 92 }, output: { h: 52, w: 52 } });
    console.log(`valid-conv base 8: val Dice ${val.dice.toFixed(3)}, IoU ${val.iou.toFixed(3)}, membrane Dice ${val.classDice[0]!.toFixed(3)}`);
    expect(val.dice).toBeGreaterThanOrEqual(0.8);
    expect(val.classDice[0]).toBeGreaterThanOrEqual(0.6);

    // The trained weights through the runtime host: a 200×200 image it never saw, overlap-tiled with mirroring.
    const host = new RuntimeHost({ backends: { start: useNodeBackend } });
    host.setWeights({ kind: 'trained', id: 1, label: 'trained', dict: await trainer.weights() });
    trainer.dispose();
    const { image, mask } = membranes(200, 4242);
    const tiles = planTiles({ h: 200, w: 200 }, { input: { h: 92, w: 92 }, output: { h: 52, w: 52 }, scale: 1 }, { align: 4 });
    const spec = { ...inputSpecFromParams(doc.nodes[0]!.params), height: 200, width: 200 };
    const outcome = await host.run(
      { doc, image, backend: 'wasm', weightsId: 1, plan: { runInput: { c: 1, h: 92, w: 92 }, overridden: false, spec, tiles, outputs: [{ id: 'output', shape: { c: 2, h: 52, w: 52 } }] } },
      () => {},
    );
    if (!outcome.ok) throw new Error(outcome.error.message);
    const out = outcome.value.outputs[0]!;
    expect([out.h, out.w]).toEqual([200, 200]);
    const whole = dice(foregroundMask(out.data, 2), maskFromRgba(mask.data));
    console.log(`valid-conv base 8, overlap-tiled 200×200 (${tiles.tiles.length} tiles): Dice ${whole.toFixed(3)}`);
    expect(whole).toBeGreaterThanOrEqual(0.8);
  }, 600_000);
});
