import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileGraph, CompileError, exportWeights, loadWeights, type StateDict } from '../compile';
import { loadWeightsFrom, STATE_DICT_FILE, writeModelFolder, writeStateDictFile } from '../compile/node';
import { analyzeGraph } from '../core/analysis';
import type { GraphDoc } from '../core/types';
import {
  checkMemory,
  DEFAULT_TRAIN_OPTIONS,
  inputSpecFromParams,
  labelClassesOf,
  labelledImage,
  limitOn,
  LOSSES,
  type LossName,
  patchGeometry,
  Trainer,
  trainingNeed,
  trainLoop,
  type TrainOptions,
  type TrainProgress,
} from '../runtime';
import { nodeMemoryLimit, useNodeBackend } from '../runtime/node';
import { CliError, EXIT, onePositional, type Io } from './command';
import { parseBackend } from './export-action';
import { loadGraph } from './load';
import { formatDuration, trainingLine } from './train-text';
import { readDataDir, readSamples } from './train-data';
import { trainUsage as usage } from './train';

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`${flag}: expected a positive integer, got "${value}"`);
  return n;
}

function positiveNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag}: expected a positive number, got "${value}"`);
  return n;
}

/** `--weights` to start from, as a state dict (compiled at the graph's own size, read, released). */
async function initialWeights(doc: GraphDoc, source: string): Promise<StateDict> {
  const compiled = compileGraph(doc);
  try {
    await loadWeightsFrom(compiled, source);
    return await exportWeights(compiled);
  } catch (err) {
    throw new CliError(`${source}: ${(err as Error).message}`);
  } finally {
    compiled.model.dispose();
  }
}

/** The trained weights in both formats, with the graph, as `run --weights DIR` and `export` read them. */
async function writeWeights(out: string, doc: GraphDoc, dict: StateDict): Promise<string[]> {
  const compiled = compileGraph(doc);
  try {
    loadWeights(compiled, dict, { strict: true });
    const written = await writeModelFolder(out, compiled, doc);
    const stateDict = path.join(out, STATE_DICT_FILE);
    await writeStateDictFile(stateDict, dict);
    return [...written, stateDict];
  } finally {
    compiled.model.dispose();
  }
}

/**
 * Refuses (exit 1), before any data is read or tensor made, a training step whose estimate (weights, gradients,
 * optimiser state, activations kept for backprop × batch, at the patch size) exceeds the limit.
 */
function refuseOverLimit(file: string, doc: GraphDoc, options: TrainOptions, maxMemory: string | undefined, backend: string) {
  const limit = nodeMemoryLimit(maxMemory);
  if (typeof limit === 'string') throw new CliError(limit);
  let patch;
  try {
    patch = patchGeometry(doc, options.patch).input;
  } catch {
    return; // the trainer says why the graph cannot train
  }
  const analysis = analyzeGraph(doc, { input: patch, solve: false });
  if (analysis.errorCount > 0) return;
  const verdict = checkMemory(doc, analysis, limitOn(backend, limit), trainingNeed(options.batch, options.optimizer));
  if (!verdict.ok) throw new CliError(`${file}: refused: ${verdict.message}`, EXIT.problems);
}

const MISSING_KERNEL = /Kernel '(\w+)' not registered for backend '(\w+)'/;

/** `unet-studio train`: loaded only when the command runs, since it pulls in tfjs. */
export async function runTrain(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      samples: { type: 'string' },
      out: { type: 'string' },
      steps: { type: 'string' },
      batch: { type: 'string' },
      patch: { type: 'string' },
      loss: { type: 'string' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      seed: { type: 'string' },
      weights: { type: 'string' },
      'val-every': { type: 'string' },
      'log-every': { type: 'string' },
      backend: { type: 'string' },
      'max-memory': { type: 'string' },
    },
    allowPositionals: true,
  });
  const file = onePositional(positionals, 'graph file', usage);
  if (!values.out) throw new CliError(`missing --out WEIGHTS_DIR (usage: unet-studio ${usage})`);
  if (!values.data === !values.samples) throw new CliError('give the training data: either --data DIR or --samples membranes|nuclei');
  const loss = (values.loss ?? DEFAULT_TRAIN_OPTIONS.loss) as LossName;
  if (!LOSSES.includes(loss)) throw new CliError(`--loss: expected one of ${LOSSES.join(', ')}, got "${values.loss}"`);
  const optimizer = values.optimizer ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'sgd') throw new CliError(`--optimizer: expected adam or sgd, got "${optimizer}"`);
  const steps = positiveInt(values.steps, '--steps', 500);
  const options: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    loss,
    optimizer,
    lr: positiveNumber(values.lr, '--lr', DEFAULT_TRAIN_OPTIONS.lr),
    batch: positiveInt(values.batch, '--batch', DEFAULT_TRAIN_OPTIONS.batch),
    patch: values.patch === undefined ? undefined : positiveInt(values.patch, '--patch', 0),
    seed: values.seed === undefined ? DEFAULT_TRAIN_OPTIONS.seed : Number.parseInt(values.seed, 10),
  };
  if (!Number.isSafeInteger(options.seed)) throw new CliError(`--seed: expected an integer, got "${values.seed}"`);
  const valEvery = positiveInt(values['val-every'], '--val-every', 50);
  const logEvery = positiveInt(values['log-every'], '--log-every', 10);
  const backend = parseBackend(values.backend);

  const { doc, warnings } = await loadGraph(file);
  for (const w of warnings) io.err(`warning: ${w}`);
  let active: string;
  try {
    active = (await useNodeBackend(backend)).backend;
  } catch (err) {
    throw new CliError(`--backend ${backend}: ${(err as Error).message}`);
  }
  refuseOverLimit(file, doc, options, values['max-memory'], active);
  const raw = values.data ? await readDataDir(values.data, io.err) : readSamples(values.samples!);
  const input = doc.nodes.find((n) => n.op === 'input');
  if (!input) throw new CliError(`${file}: the graph has no input node`, EXIT.problems);
  const spec = inputSpecFromParams(input.params);
  const classes = labelClassesOf(doc);
  let images;
  try {
    images = raw.map((p) => labelledImage(p.name, p.image, p.mask, spec, classes));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const initial = values.weights ? await initialWeights(doc, values.weights) : undefined;
  let trainer: Trainer;
  try {
    trainer = await Trainer.create(doc, images, options, initial);
  } catch (err) {
    if (err instanceof CompileError) throw new CliError(`${file}: ${err.message}`, EXIT.problems);
    throw new CliError(`${file}: ${(err as Error).message}`);
  }
  try {
    const { geometry: g, head } = trainer;
    io.out(`${doc.name || file}: ${trainer.compiled.model.countParams().toLocaleString('en-US')} parameters, ${head.classes === 1 ? 'binary head' : `${head.classes} classes`} (${head.activation === 'none' ? 'logits' : head.activation})`);
    io.out(`patches ${g.input.w}×${g.input.h} → output ${g.output.w}×${g.output.h}, batch ${options.batch}, ${loss}, ${optimizer} lr ${options.lr}, seed ${options.seed}`);
    io.out(`data: ${images.length} image${images.length === 1 ? '' : 's'} (${trainer.split.description})`);
    if (trainer.carried) io.out(`started from ${values.weights}: ${trainer.carried.kept.length} nodes kept, ${trainer.carried.reinitialised.length} re-initialised${trainer.carried.reinitialised.length ? ` (${trainer.carried.reinitialised.join(', ')})` : ''}`);
    const started = performance.now();
    let last: TrainProgress | undefined;
    await trainLoop(trainer, {
      steps,
      validateEvery: valEvery,
      onProgress: (p) => {
        last = p;
        if (p.val || p.step % logEvery === 0) io.out(trainingLine(p));
      },
    });
    const dict = await trainer.weights();
    const written = await writeWeights(values.out, doc, dict);
    const val = last?.val;
    io.out(`trained ${steps} steps in ${formatDuration(performance.now() - started)}${val ? `: val Dice ${val.dice.toFixed(3)}, IoU ${val.iou.toFixed(3)}` : ''}`);
    for (const f of written) io.out(`wrote ${f}`);
  } catch (err) {
    const missing = MISSING_KERNEL.exec((err as Error).message ?? '');
    if (missing)
      throw new CliError(`training on ${missing[2]} needs the gradient kernel ${missing[1]}, which this backend lacks; try --backend cpu (much slower)`, EXIT.internal);
    throw err;
  } finally {
    trainer.dispose();
  }
  return EXIT.ok;
}

