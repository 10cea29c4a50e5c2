import { formatShape, type Shape } from '../../../core/types';
import { absorbConvPadding, type LoweredGraph, type LoweredLayer } from '../lowered';
import type { ExportTensor, TorchHelper } from '../types';
import { BlockMismatch, classPlaceholder, emitBlock, type EmittedBlock, type Emitter } from './blocks';
import { HELPER_NEEDS, LOAD_WEIGHTS, TORCH_HELPERS } from './helpers';
import { documentBlocks } from './documentBlocks';
import { pyText } from './names';
import { unetBlocks, type BlockSpec } from './structure';

export const MODEL_CLASS = 'UNet';
export const WEIGHTS_FILE = 'weights.safetensors';

export interface TorchModelSource {
  code: string;
  /** The state dict model.py's class produces, in PyTorch layout, keyed as load_state_dict wants. */
  state: Record<string, ExportTensor>;
  /** Whether it came out in blocks (nn.Module classes inside the model), else one flat module. */
  blocks: boolean;
  /** Which blocks: the builder's levels (DoubleConv/Down/Up by node-id convention), the document's, or none. */
  structure: 'levels' | 'document' | 'flat';
  /** Class names of the document's blocks, in model.py order (structure 'document'). */
  blockClasses: string[];
  /** What a reader of the export should know (a block written inline, and why). */
  notes: string[];
  inputShape: Shape;
  outputShape: Shape;
  /** 'sigmoid' / 'softmax' when the network ends in one (train.py then takes probabilities, not logits). */
  outputActivation: string | null;
}

const DOCS: Record<string, string> = {
  DoubleConv: 'The double conv of one level: two conv units, each with what follows it in the graph (norm, dropout, activation).',
  ResidualBlock: 'The residual unit of one level (ResUNet): the conv path added to the (projected) shortcut.',
  Down: 'The down step after a level, then the next level’s block.',
  Up: 'The up step, the skip joined (crop or pad, concat), then the level’s block.',
};

/** Layers that only move values around: the activation before them is still the network's last word. */
const REARRANGING = new Set(['DepthToSpace', 'Cropping2D', 'ZeroPadding2D', 'Dropout', 'UpSampling2D', 'ReflectionPadding2D']);

function outputActivation(graph: LoweredGraph): string | null {
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  let l: LoweredLayer | undefined = byName.get(graph.outputs[0]!);
  while (l && REARRANGING.has(l.className) && l.inputs.length === 1) l = byName.get(l.inputs[0]!);
  if (!l) return null;
  const act = l.className === 'Softmax' ? 'softmax' : String(l.config.activation ?? '').toLowerCase();
  return act === 'sigmoid' || act === 'softmax' ? act : null;
}

/**
 * model.py for a lowered model: one nn.Module named after the graph's nodes, with blocks inside it — DoubleConv /
 * Down / Up where the graph has the builder's encoder/decoder structure and no blocks of its own or exactly the
 * builder's grouping, else the document's blocks (one class per block name, documentBlocks.ts), else flat; plus
 * load_weights for weights.safetensors.
 */
export function torchModelSource(graph: LoweredGraph): TorchModelSource {
  const { layers, pads } = absorbConvPadding(graph);
  const shapes = new Map<string, Shape>(layers.map((l) => [l.name, l.out]));
  const consumers = new Map<string, LoweredLayer[]>();
  for (const l of layers) for (const i of l.inputs) consumers.set(i, [...(consumers.get(i) ?? []), l]);
  const modelLayers = layers.filter((l) => !graph.inputs.includes(l.name));
  const flat: BlockSpec = { kind: MODEL_CLASS, attr: '', varHint: 'x', params: [], localName: (n) => n, members: modelLayers.map((layer) => ({ layer })) };
  const nodeOf = new Map(layers.map((l) => [l.name, l.nodeId]));
  const emitter = (): Emitter => ({ graph, pads, shapes, consumers, nodeOf, helpers: new Set(), classes: new Map(), docs: { ...DOCS } });

  const inputShape = shapes.get(graph.inputs[0]!)!;
  const outputShape = shapes.get(graph.outputs[0]!)!;
  const title = pyText(graph.name) || 'network';
  const modelDoc = `${title}: ${graph.inputs.length === 1 ? `N×${formatShape(inputShape)}` : `${graph.inputs.length} inputs`} → N×${formatShape(outputShape)}.`;
  let em = emitter();
  /** model.py's classes for this structure, or undefined when a block does not fit (BlockMismatch). */
  const attempt = (spec: BlockSpec | undefined, docs: Record<string, string> = {}): EmittedBlock | undefined => {
    if (!spec) return undefined;
    em = emitter();
    Object.assign(em.docs, docs, { [MODEL_CLASS]: modelDoc });
    try {
      return emitBlock(spec, em, true);
    } catch (err) {
      if (err instanceof BlockMismatch) return undefined;
      throw err;
    }
  };
  const notes: string[] = [];
  let blockClasses: string[] = [];
  let structure: TorchModelSource['structure'] = 'levels';
  // A template's own grouping (or none) reads best as its reference code does; other blocks are the document's.
  const levels = graph.blocks.length === 0 || graph.levelGrouping ? unetBlocks(layers, graph.inputs, MODEL_CLASS) : undefined;
  let root = attempt(levels);
  if (!root && graph.blocks.length > 0) {
    const fromDoc = documentBlocks(layers, graph, MODEL_CLASS);
    const kinds = [...new Set(fromDoc?.kinds.values() ?? [])];
    root = attempt(fromDoc?.root, Object.fromEntries(kinds.map((k) => [k, `Block "${k}" of the graph.`])));
    if (root && fromDoc) {
      structure = 'document';
      blockClasses = [...em.classes.values()].filter((c) => c !== MODEL_CLASS);
      for (const { block, reason } of fromDoc.inlined)
        notes.push(`Block "${pyText(block.id)}" (${pyText(block.name)}) is written inline in ${MODEL_CLASS}.forward: ${reason}.`);
    } else notes.push("The graph's blocks could not be written as modules; the model is one flat module.");
  }
  if (!root) {
    structure = 'flat';
    root = attempt(flat)!;
  }

  const helpers = new Set<TorchHelper>();
  const need = (h: TorchHelper) => {
    for (const dep of HELPER_NEEDS[h] ?? []) need(dep);
    helpers.add(h);
  };
  for (const h of em.helpers) need(h);
  const ordered = (Object.keys(TORCH_HELPERS) as TorchHelper[]).filter((h) => helpers.has(h));
  const classes = [...em.classes].map(([text, name]) => text.split(classPlaceholder).join(name));
  const activation = outputActivation(graph);
  const tuple = (s: Shape) => `(${s.c}, ${s.h}, ${s.w})`;

  const code = [
    `"""${title} — PyTorch model exported by UNet Studio.`,
    '',
    `${MODEL_CLASS}() takes N×C×H×W float32 (NCHW) and gives what the graph does; load_weights() fills it from`,
    `${WEIGHTS_FILE} (strict: every tensor has its place). Layers and variables are named after the graph's nodes.`,
    '"""',
    ...(helpers.has('pad_same') ? ['import math', ''] : []),
    'from pathlib import Path',
    '',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    `INPUT_SHAPE = ${tuple(inputShape)}  # C, H, W the graph was built for`,
    `OUTPUT_SHAPE = ${tuple(outputShape)}`,
    `OUTPUT_ACTIVATION = ${activation ? `'${activation}'` : 'None'}  # what the last layer applies (None: raw scores)`,
    `WEIGHTS = Path(__file__).with_name('${WEIGHTS_FILE}')`,
    '',
    ...ordered.flatMap((h) => ['', TORCH_HELPERS[h], '']),
    ...classes.flatMap((c) => ['', c, '']),
    '',
    LOAD_WEIGHTS,
    '',
    '',
    'def build(weights=WEIGHTS):',
    `    """${MODEL_CLASS}() with the exported weights (pass weights=None for a fresh initialisation)."""`,
    `    model = ${MODEL_CLASS}()`,
    '    if weights is not None:',
    '        load_weights(model, weights)',
    '    return model',
    '',
    '',
    "if __name__ == '__main__':",
    '    model = build().eval()',
    '    with torch.no_grad():',
    '        y = model(torch.rand(1, *INPUT_SHAPE))',
    "    print(f'{sum(p.numel() for p in model.parameters()):,} parameters; output {tuple(y.shape)}')",
    '',
  ].join('\n');
  return { code, state: Object.fromEntries(root.state), blocks: structure !== 'flat', structure, blockClasses, notes, inputShape, outputShape, outputActivation: activation };
}
