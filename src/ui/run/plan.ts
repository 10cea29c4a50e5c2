/**
 * What a run will do, decided before anything runs: how the image becomes the network's input (channels,
 * size, normalisation), whether it is resized or overlap-tiled, which part of the image the output covers,
 * and whether the estimated memory fits the budget. Pure: core analysis in, plain data out.
 */
import { analyzeGraph, type Analysis } from '../../core/analysis';
import { nearestValid } from '../../core/solver';
import type { GraphDoc, Shape } from '../../core/types';
import { describePlan, memoryNeed, type NeedOptions, runNeed, smallerInputThatFits, type InputSpec, inputSpecFromParams, planTiles, type Region, type Size, type TileGeometry, type TilePlan, TilingError } from '../../runtime';
import { formatBytes } from '../model/format';

export type SizeMode = 'auto' | 'tile' | 'resize';

export interface RunSettings {
  mode: SizeMode;
  budgetBytes: number;
  /** Run the network at this input size instead of the input node's (the memory guard offers one). */
  runSize?: Size;
}

export interface ImageFacts {
  width: number;
  height: number;
  /** Every pixel has R = G = B. */
  grayscale: boolean;
}

export interface MemoryEstimate {
  /** Weights of the two models kept per compile (as drawn, for feature maps; and inference-optimised). */
  weightsBytes: number;
  /** Peak activations of one forward pass at batch 1 (the core's estimate; the input counts). */
  activationBytes: number;
  /** Whole-image buffers a tiled run holds besides the network: the normalised image and the stitched outputs. */
  imageBytes: number;
  totalBytes: number;
  budgetBytes: number;
  over: boolean;
}

export interface PlanStep {
  title: string;
  detail: string;
}

export interface RunPlan {
  inputId: string;
  /** C×H×W the network runs at (one tile, or the resized image). */
  runInput: Shape;
  /** Whether that differs from the input node's own size. */
  overridden: boolean;
  spec: InputSpec;
  sizeMode: 'direct' | 'tile' | 'resize';
  tiles?: TilePlan;
  /** Why overlap-tiling is not offered, when it is not. */
  tilingUnavailable?: string;
  /** Output nodes and their per-pass shapes, in model output order (document order). */
  outputs: { id: string; shape: Shape }[];
  /** Size of the first output as the run delivers it (stitched for tiles). */
  resultSize: Size;
  /** The part of the image (image pixels) that the result covers. */
  coverage: Region;
  steps: PlanStep[];
  memory: MemoryEstimate;
  /** A smaller input that fits the budget, when the estimate is over it. */
  smallerInput?: Size;
  /**
   * A much smaller valid input that still takes the whole image in one tile (with the border), when the input
   * node's size is far larger than the image needs.
   */
  fittedInput?: Size;
}

export type PlanOutcome = { ok: true; plan: RunPlan } | { ok: false; reason: string };

export const DEFAULT_BUDGET_BYTES = 1.5e9;
const px = (s: Size) => `${s.w}×${s.h}`;

function outputNodes(analysis: Analysis): { id: string; shape?: Shape; jump?: number }[] {
  const { nodes, index } = analysis.shapes;
  const rows = analysis.rows.filter((r) => r.op === 'output');
  const chosen = rows.length ? rows : analysis.rows.filter((r) => (index.outgoing.get(r.id)?.length ?? 0) === 0 && r.op !== 'input');
  return chosen.map((r) => ({ id: r.id, shape: r.output, jump: nodes.get(r.id)?.jump }));
}

/** Tiling geometry from the core's shapes: input size, output size, and scale = 1 / the output's stride. */
function geometryOf(input: Shape, outputs: { shape?: Shape; jump?: number }[]): TileGeometry | string {
  const [first] = outputs;
  if (!first?.shape || !first.jump) return 'the output size is unknown';
  const scale = 1 / first.jump;
  if (outputs.some((o) => o.shape?.h !== first.shape!.h || o.shape?.w !== first.shape!.w || o.jump !== first.jump))
    return 'the outputs have different sizes';
  return { input: { h: input.h, w: input.w }, output: { h: first.shape.h, w: first.shape.w }, scale };
}

/** The network's largest cumulative stride (e.g. 16 after four 2×2 pools): tiles starting on it are seamless. */
function poolingGrid(analysis: Analysis): number {
  let grid = 1;
  for (const info of analysis.shapes.nodes.values()) if (info.jump && Number.isInteger(info.jump) && info.jump > grid) grid = info.jump;
  return grid;
}

function channelStep(spec: InputSpec, image: ImageFacts): PlanStep {
  const kind = image.grayscale ? 'grayscale' : 'RGB';
  const size = `${image.width}×${image.height} ${kind}`;
  if (spec.channels === 1)
    return { title: 'Channels', detail: image.grayscale ? `${size}, 1 channel as it is` : `${size} → grayscale (BT.601 luma)` };
  if (spec.channels === 3) return { title: 'Channels', detail: image.grayscale ? `${size} → 3 channels (gray in R, G and B)` : `${size}, RGB as it is` };
  return { title: 'Channels', detail: `${size} → RGBA (alpha as the 4th channel)` };
}

function normalisationStep(spec: InputSpec): PlanStep {
  return spec.normalization === 'meanStd'
    ? { title: 'Normalise', detail: `(pixel ÷ 255 − ${spec.mean}) ÷ ${spec.std}` }
    : { title: 'Normalise', detail: 'pixel ÷ 255 → 0..1' };
}

/** What the worker's guard will estimate for this run (runtime/memoryGuard.ts: one rule for CLI, worker and panel). */
function memoryOf(analysis: Analysis, budgetBytes: number, need: NeedOptions): MemoryEstimate {
  const { weightsBytes, activationBytes, imageBytes, totalBytes } = memoryNeed(analysis, need);
  return { weightsBytes, activationBytes: Math.round(activationBytes), imageBytes, totalBytes, budgetBytes, over: totalBytes > budgetBytes };
}

/** The smallest valid input that covers a one-tile image with its border, when it is under 60 % of the area. */
function fittedInputFor(doc: GraphDoc, tiles: TilePlan, runInput: Shape): Size | undefined {
  const { rows, cols, geometry } = tiles;
  if (tiles.tiles.length !== 1 || geometry.scale !== 1) return undefined;
  const need = { h: rows.length + rows.borderBefore + rows.borderAfter + 2 * tiles.margin, w: cols.length + cols.borderBefore + cols.borderAfter + 2 * tiles.margin };
  if (need.h * need.w >= 0.6 * runInput.h * runInput.w) return undefined;
  const near = nearestValid(doc, need, { maxDistance: 256 });
  const fit = { h: near.h.above, w: near.w.above };
  if (fit.h === undefined || fit.w === undefined || fit.h * fit.w >= 0.6 * runInput.h * runInput.w) return undefined;
  return analyzeGraph(doc, { input: fit as Size, solve: false }).errorCount === 0 ? (fit as Size) : undefined;
}

/** Plans a run of `doc` (analysed as `analysis`, at the input node's size) on an image. */
export function planRun(doc: GraphDoc, analysis: Analysis, image: ImageFacts, settings: RunSettings): PlanOutcome {
  if (!analysis.input) return { ok: false, reason: 'The graph has no input node.' };
  if (analysis.errorCount > 0)
    return { ok: false, reason: `The graph has ${analysis.errorCount} error${analysis.errorCount === 1 ? '' : 's'}: fix ${analysis.errorCount === 1 ? 'it' : 'them'} in the editor first.` };
  const inputNode = doc.nodes.find((n) => n.id === analysis.input!.id)!;
  const nodeShape = analysis.input.shape;
  const runSize = settings.runSize;
  const overridden = !!runSize && (runSize.h !== nodeShape.h || runSize.w !== nodeShape.w);
  const effective = overridden ? analyzeGraph(doc, { input: runSize, solve: false }) : analysis;
  if (overridden && effective.errorCount > 0) return { ok: false, reason: `The graph does not accept a ${px(runSize!)} input.` };
  const runInput = effective.input!.shape;
  const spec = { ...inputSpecFromParams(inputNode.params), channels: runInput.c, height: runInput.h, width: runInput.w };
  if (![1, 3, 4].includes(spec.channels))
    return { ok: false, reason: `The input node takes ${spec.channels} channels; an image gives 1 (grayscale), 3 (RGB) or 4 (RGBA). Set its channels to 1 or 3 to run an image.` };

  const outputs = outputNodes(effective);
  if (outputs.length === 0 || outputs.some((o) => !o.shape)) return { ok: false, reason: 'The graph has no output with a known shape.' };
  const geometry = geometryOf(runInput, outputs);
  const imageSize = { h: image.height, w: image.width };
  let tiles: TilePlan | undefined;
  let tilingUnavailable: string | undefined;
  if (typeof geometry === 'string') tilingUnavailable = geometry;
  else {
    try {
      const noBorder = geometry.input.h === geometry.output.h / geometry.scale && geometry.input.w === geometry.output.w / geometry.scale;
      const needsSeveral = image.height > geometry.input.h || image.width > geometry.input.w;
      // A network without a border still sees a tile's edge as the image edge; a context margin hides the seams.
      const margin = noBorder && needsSeveral && Number.isInteger(geometry.scale) ? Math.min(32, Math.floor(Math.min(runInput.h, runInput.w) / 8)) : 0;
      tiles = planTiles(imageSize, geometry, { margin, align: poolingGrid(effective) });
    } catch (err) {
      tilingUnavailable = err instanceof TilingError ? err.message : String(err);
    }
  }

  const sameSize = image.height === runInput.h && image.width === runInput.w;
  const hasBorder = !!tiles && (tiles.rows.borderBefore + tiles.rows.borderAfter + tiles.cols.borderBefore + tiles.cols.borderAfter > 0);
  let sizeMode: RunPlan['sizeMode'];
  if (settings.mode === 'resize' || !tiles) sizeMode = sameSize ? 'direct' : 'resize';
  else if (settings.mode === 'tile') sizeMode = 'tile';
  else sizeMode = sameSize && !hasBorder ? 'direct' : 'tile';

  const first = outputs[0]!.shape!;
  const steps: PlanStep[] = [channelStep(spec, image)];
  let resultSize: Size;
  let coverage: Region;
  if (sizeMode === 'tile') {
    steps.push({ title: 'Overlap-tile', detail: describePlan(tiles!) });
    resultSize = tiles!.output;
    coverage = { x: 0, y: 0, w: image.width, h: image.height };
  } else {
    if (sizeMode === 'resize') steps.push({ title: 'Resize', detail: `${image.width}×${image.height} → ${runInput.w}×${runInput.h} (bilinear)` });
    resultSize = { h: first.h, w: first.w };
    // Where the output sits in the (resized) input: centred, as the tiling geometry says; whole image otherwise.
    const sx = image.width / runInput.w;
    const sy = image.height / runInput.h;
    const g = typeof geometry === 'string' ? undefined : geometry;
    const covered = g ? { h: g.output.h / g.scale, w: g.output.w / g.scale } : { h: runInput.h, w: runInput.w };
    const top = Math.floor((runInput.h - covered.h) / 2);
    const left = Math.floor((runInput.w - covered.w) / 2);
    coverage = g && covered.h <= runInput.h && covered.w <= runInput.w
      ? { x: left * sx, y: top * sy, w: covered.w * sx, h: covered.h * sy }
      : { x: 0, y: 0, w: image.width, h: image.height };
    if (coverage.w < image.width || coverage.h < image.height)
      steps.push({ title: 'Coverage', detail: `the ${first.w}×${first.h} output covers the central ${Math.round(coverage.w)}×${Math.round(coverage.h)} px; overlap-tiling covers it all` });
  }
  steps.push(normalisationStep(spec));
  steps.push({ title: 'Output', detail: `${resultSize.w}×${resultSize.h}${outputs.length > 1 ? ` (first of ${outputs.length} outputs)` : ''}, ${first.c} channel${first.c === 1 ? '' : 's'}` });

  const tiledOutput = sizeMode === 'tile' ? { ...resultSize, channels: outputs.reduce((n, o) => n + o.shape!.c, 0) } : undefined;
  const need = runNeed(image, tiledOutput);
  const memory = memoryOf(effective, settings.budgetBytes, need);
  const plan: RunPlan = {
    inputId: analysis.input.id,
    runInput,
    overridden,
    spec,
    sizeMode,
    tiles: sizeMode === 'tile' ? tiles : undefined,
    tilingUnavailable,
    outputs: outputs.map((o) => ({ id: o.id, shape: o.shape! })),
    resultSize,
    coverage,
    steps,
    memory,
  };
  if (sizeMode === 'tile') plan.fittedInput = fittedInputFor(doc, tiles!, runInput);
  if (memory.over) {
    const fitted = plan.fittedInput && analyzeGraph(doc, { input: plan.fittedInput, solve: false });
    plan.smallerInput =
      fitted && !memoryOf(fitted, settings.budgetBytes, need).over
        ? plan.fittedInput
        : smallerInputThatFits(doc, { h: runInput.h, w: runInput.w }, settings.budgetBytes, need);
  }
  return { ok: true, plan };
}

/** One line for the memory guard: "≈ 2.31 GB (activations 2.18 GB + weights 124.12 MB) of a 1.50 GB budget". */
export function describeMemory(m: MemoryEstimate): string {
  const image = m.imageBytes > 0 ? ` + image buffers ${formatBytes(m.imageBytes)}` : '';
  return `≈ ${formatBytes(m.totalBytes)} (activations ${formatBytes(m.activationBytes)} + weights ${formatBytes(m.weightsBytes)}${image}) of a ${formatBytes(m.budgetBytes)} budget`;
}
