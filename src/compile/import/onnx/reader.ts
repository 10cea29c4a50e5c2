import type { GraphProto, NodeProto, ValueInfoProto } from 'onnx-buf';
import { decodeOnnxModel, isIntType, onnxOpset, tensorValues } from '../../onnx/tensors';
import { DocBuilder, NodeProblem, type Port } from '../docBuilder';
import { groupUnsupported, ImportError, type ImportedModel, type ImportOptions } from '../types';
import { type Const, evalConst, FOLDABLE } from './constants';
import { NodeContext, Unsupported, type Value } from './context';
import { ONNX_OPS } from './ops';

/** The analysis size of an input whose H or W is symbolic, when the caller gives none. */
export const DEFAULT_DYNAMIC_SIZE = 256;

const inputDims = (v: ValueInfoProto): (number | string)[] | undefined => {
  const t = v.type?.value;
  if (t?.case !== 'tensorType') return undefined;
  return t.value.shape?.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : '?'));
};

function constFromTensor(t: NonNullable<NodeProto['attribute'][number]['t']>): Const {
  return { dims: t.dims.map(Number), data: tensorValues(t), int: isIntType(t.dataType), deps: new Set() };
}

/**
 * Reads an ONNX model into our graph with its weights. Ops whose inputs are all constants — including the
 * Shape-of-a-tensor arithmetic of dynamic exports, evaluated at the input size given — are folded away;
 * everything else must map to one of our ops (ONNX_OPS), or the import fails listing what does not.
 */
export function readOnnx(bytes: Uint8Array, options: ImportOptions = {}): ImportedModel {
  let model;
  try {
    model = decodeOnnxModel(bytes);
  } catch (err) {
    throw new ImportError('onnx', [(err as Error).message]);
  }
  const graph = model.graph!;
  const opset = onnxOpset(model);
  const warnings: string[] = [];
  const values = new Map<string, Value>();
  const problems: string[] = [];
  const unsupported: { opType: string; node: string; reason?: string }[] = [];

  for (const init of graph.initializer) {
    try {
      values.set(init.name, { kind: 'const', c: constFromTensor(init) });
    } catch (err) {
      problems.push(`initializer ${init.name}: ${(err as Error).message}`);
    }
  }
  const dataInputs = graph.input.filter((i) => !values.has(i.name));
  if (dataInputs.length !== 1)
    throw new ImportError('onnx', [`the model has ${dataInputs.length} data inputs (${dataInputs.map((i) => i.name).join(', ') || 'none'}); a U-Net takes one image tensor`]);
  const input = dataInputs[0]!;
  const dims = inputDims(input);
  if (!dims || dims.length !== 4) throw new ImportError('onnx', [`input "${input.name}" has shape [${dims?.join(', ') ?? '?'}]; expected N×C×H×W`]);
  const [n, ch, h0, w0] = dims;
  if (typeof ch !== 'number') throw new ImportError('onnx', [`input "${input.name}" has a dynamic channel count (${ch}); channels must be fixed`]);
  const given = options.inputSize;
  const dynamic = typeof h0 !== 'number' || typeof w0 !== 'number';
  const h = given?.h ?? (typeof h0 === 'number' ? h0 : DEFAULT_DYNAMIC_SIZE);
  const w = given?.w ?? (typeof w0 === 'number' ? w0 : DEFAULT_DYNAMIC_SIZE);
  if (dynamic && !given) warnings.push(`input "${input.name}" has dynamic size ${h0}×${w0}: opened at ${h}×${w}; set the input node's size to analyse another`);
  if (!dynamic && given && (given.h !== h0 || given.w !== w0))
    warnings.push(`input "${input.name}" was exported at a fixed ${h0}×${w0}; sizes folded into the file stay at that size`);

  const builder = new DocBuilder(typeof n === 'number' ? n : 1);
  const batch = typeof n === 'number' && n >= 1 && n <= 1024 ? n : 1;
  const inputPort = builder.add(input.name || 'input', 'input', { channels: ch, height: h, width: w, batch }, []);
  values.set(input.name, { kind: 'real', port: inputPort });
  const realNames = new Map<string, Port>([[input.name, inputPort]]);
  const realByName = (name: string) => realNames.get(name);

  /** Outputs of nodes that could not be read: whether they would have been data ('real') or shape arithmetic. */
  const brokenKind = new Map<string, 'real' | 'const'>();
  let mapped = 0;
  let folded = 0;
  for (const node of graph.node) {
    const ctx = new NodeContext(node, opset, values, builder, realByName);
    const ins = node.input.map((name) => (name ? values.get(name) : undefined));
    const broken = node.input.filter((name, i) => name && !ins[i]).map((name) => brokenKind.get(name));
    if (broken.length) {
      // Downstream of something that could not be read: shape arithmetic stays quiet, while a data op says
      // whether its type is known, so the report lists everything the model would need.
      const kind = node.opType === 'Shape' || node.opType === 'Size' || broken.every((k) => k === 'const') ? 'const' : 'real';
      if (kind === 'real' && !ONNX_OPS[node.opType]) unsupported.push({ opType: node.opType, node: ctx.name });
      for (const o of node.output) brokenKind.set(o, kind);
      continue;
    }
    try {
      const out = readNode(node, ctx, ins, opset);
      if (out.kind === 'const') folded++;
      else if (out.kind === 'real') mapped++;
      values.set(node.output[0]!, out);
      if (out.kind === 'real') realNames.set(node.output[0]!, out.port);
      for (const extra of node.output.slice(1)) if (extra && node.opType === 'Dropout') values.set(extra, out);
    } catch (err) {
      for (const o of node.output) brokenKind.set(o, 'real');
      if (err instanceof Unsupported) unsupported.push({ opType: node.opType, node: ctx.name, reason: err.message });
      else if (err instanceof NotMapped) unsupported.push({ opType: node.opType, node: ctx.name });
      else if (err instanceof NodeProblem) problems.push(`${err.node}: ${err.message}`);
      else problems.push(`${ctx.name} (${node.opType}): ${(err as Error).message}`);
    }
  }

  for (const out of graph.output) {
    const v = values.get(out.name);
    if (v?.kind === 'real') builder.add(out.name || 'output', 'output', { view: 'auto' }, [v.port]);
    else if (v) problems.push(`output "${out.name}" is ${v.kind === 'const' ? 'a constant' : v.dims.length === 4 ? 'a transposed tensor (NCHW is kept throughout)' : 'an unfinished reshape'}, not a tensor computed from the input`);
  }

  if (unsupported.length || problems.length) {
    const groups = groupUnsupported(unsupported);
    const summary = [
      `${graph.node.length} ONNX nodes (opset ${opset}): ${mapped} mapped to UNet Studio ops, ${folded} folded as constants, ` +
        `${unsupported.length} unsupported${problems.length ? `, ${problems.length} other problems` : ''}.`,
      ...(groups.length ? [`Needed to open it: ${groups.map((g) => g.opType + (g.reason ? ` (${g.reason})` : '')).join('; ')}.`] : []),
    ];
    throw new ImportError('onnx', problems, groups, summary);
  }
  const name = options.name ?? (graph.name && graph.name !== 'main_graph' && graph.name !== 'torch_jit' ? graph.name : 'Imported ONNX model');
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
  const doc = builder.doc(name, `Imported from ONNX (opset ${opset}${producer ? `, ${producer}` : ''}).`);
  return { format: 'onnx', doc, weights: builder.weights, warnings };
}

class NotMapped extends Error {}


function readNode(node: NodeProto, ctx: NodeContext, ins: (Value | undefined)[], opset: number): Value {
  if (node.opType === 'Constant') {
    const a = node.attribute[0];
    if (a?.t) return { kind: 'const', c: constFromTensor(a.t) };
    const v = ctx.attr(a?.name ?? 'value');
    if (typeof v === 'number') return { kind: 'const', c: { dims: [], data: [v], int: a?.name === 'value_int', deps: new Set() } };
    if (Array.isArray(v)) return { kind: 'const', c: { dims: [v.length], data: v, int: a?.name === 'value_ints', deps: new Set() } };
    throw new Unsupported(`a ${a?.name ?? 'missing'} constant`);
  }
  if (node.opType === 'Shape' && ins[0]?.kind === 'real') {
    const s = ins[0].port.shape;
    const tensor: Const = { dims: [1, s.c, s.h, s.w], data: [], int: true, deps: new Set([node.input[0]!]) };
    return { kind: 'const', c: evalConst('Shape', [tensor], (n) => ctx.attr(n), opset)! };
  }
  const present = ins.filter((v): v is Value => v !== undefined);
  if (present.length && present.every((v) => v.kind === 'const')) {
    const attr = (name: string) => {
      const v = ctx.attr(name);
      return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? constFromTensor(v) : v;
    };
    const consts = ins.map((v) => (v?.kind === 'const' ? v.c : undefined));
    const out = evalConst(node.opType, consts, attr, opset);
    if (out) return { kind: 'const', c: out };
    if (!ONNX_OPS[node.opType]) throw new Unsupported('on constants (not a shape computation this importer folds)');
  }
  const mapper = ONNX_OPS[node.opType];
  if (!mapper) throw new NotMapped();
  return mapper(ctx);
}

export type { GraphProto };
