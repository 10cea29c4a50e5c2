import type { NodeProto, TensorProto, ValueInfoProto } from 'onnx-buf';
import type { Shape } from '../../core/types';
import type { CompiledGraph } from '../compile';
import { layerSafeName } from '../names';
import { encodeModel, nodeProto, tensorProto, valueInfo } from '../onnx/proto';
import { ExportError } from './errors';
import { absorbConvPadding, lowerModel, type LoweredGraph } from './lowered';
import { layerExport } from './registry';
import type { OnnxContext } from './types';

export const ONNX_OPSETS = [17, 13] as const;
export const ONNX_FILE = 'model.onnx';
export type OnnxOpset = (typeof ONNX_OPSETS)[number];

export interface OnnxExportOptions {
  /** 17 (default) or 13, for older runtimes. */
  opset?: OnnxOpset;
}

const dims = (s: Shape) => ['N', s.c, s.h, s.w];

/**
 * The ONNX model of a compiled graph: one ONNX node (or a few) per tfjs layer, weights as initializers, the
 * batch dimension dynamic ('N'), and a value_info with the shape of every tensor so viewers (Netron) show them.
 */
export async function exportOnnx(compiled: CompiledGraph, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  return onnxFromLowered(await lowerModel(compiled), options);
}

export function onnxFromLowered(graph: LoweredGraph, { opset = 17 }: OnnxExportOptions = {}): Uint8Array {
  if (!ONNX_OPSETS.includes(opset)) throw new Error(`ONNX opset ${opset}: expected one of ${ONNX_OPSETS.join(', ')}`);
  const { layers, pads } = absorbConvPadding(graph);
  const shapes = new Map(layers.map((l) => [l.name, l.out]));
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const valueInfos: ValueInfoProto[] = [];
  const taken = new Set<string>();
  const unique = (wanted: string) => {
    let name = wanted;
    for (let k = 2; taken.has(name); k++) name = `${wanted}_${k}`;
    taken.add(name);
    return name;
  };

  // Graph inputs and outputs are named after their nodes; a layer whose only reader is the output writes to it.
  const valueOf = new Map<string, string>();
  const inputs = graph.inputs.map((l, i) => {
    valueOf.set(l, unique(layerSafeName(graph.inputNodes[i] ?? l)));
    return valueInfo(valueOf.get(l)!, dims(shapes.get(l)!));
  });
  const outputNames = graph.outputs.map((l, i) => unique(layerSafeName(graph.outputNodes[i] ?? l)));
  const direct = new Map<string, string>();
  graph.outputs.forEach((l, i) => {
    if (graph.consumers.get(l) === 1 && !graph.inputs.includes(l) && !direct.has(l)) direct.set(l, outputNames[i]!);
  });
  const aliasOf = new Map<string, string>();
  const resolve = (t: string) => valueOf.get(aliasOf.get(t) ?? t)!;

  for (const l of layers) {
    if (graph.inputs.includes(l.name)) continue;
    const exp = layerExport(l, 'ONNX');
    const out = direct.get(l.name) ?? unique(l.name);
    valueOf.set(l.name, out);
    let wrote = false;
    const ctx: OnnxContext = {
      layer: l,
      pads: pads.get(l.name),
      opset,
      x: l.inputs.map(resolve),
      out,
      node: (op, ins, outs, attrs) => {
        nodes.push(nodeProto(op, ins, outs, unique(`${l.name}/${op}`), attrs));
        if (outs.includes(out)) wrote = true;
      },
      temp: (suffix, shape) => {
        const name = unique(`${l.name}/${suffix}`);
        valueInfos.push(valueInfo(name, dims(shape)));
        return name;
      },
      weight: (suffix, t) => {
        const name = unique(`${l.name}.${suffix}`);
        initializers.push(tensorProto(name, t.shape, t.data));
        return name;
      },
      ints: (suffix, values) => {
        const name = unique(`${l.name}/${suffix}`);
        initializers.push(tensorProto(name, [values.length], BigInt64Array.from(values.map(BigInt))));
        return name;
      },
      floats: (suffix, values) => {
        const name = unique(`${l.name}/${suffix}`);
        initializers.push(tensorProto(name, values.length === 1 ? [] : [values.length], Float32Array.from(values)));
        return name;
      },
      alias: (input) => {
        if (direct.has(l.name)) nodes.push(nodeProto('Identity', [input], [out], unique(`${l.name}/Identity`)));
        else aliasOf.set(l.name, l.inputs[0]!);
        wrote = true;
      },
    };
    exp.onnx(ctx);
    if (!wrote) throw new ExportError(l.nodeId, `the ONNX mapping of ${l.className} wrote no output`);
    if (!direct.has(l.name) && !aliasOf.has(l.name)) valueInfos.push(valueInfo(out, dims(l.out)));
  }
  const outputs = graph.outputs.map((l, i) => {
    const name = outputNames[i]!;
    if (resolve(l) !== name) nodes.push(nodeProto('Identity', [resolve(l)], [name], unique(`${name}/Identity`)));
    return valueInfo(name, dims(shapes.get(l)!));
  });
  return encodeModel(
    { name: layerSafeName(graph.name || 'unet'), nodes, initializers, inputs, outputs, valueInfo: valueInfos, docString: graph.name },
    opset,
    { name: 'UNet Studio', version: '0.1.0' },
  );
}
