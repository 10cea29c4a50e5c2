/**
 * Small builders over onnx-buf's ONNX protobuf schema (shared by the ONNX exporter and importer): tensors,
 * attributes, value infos and the model, encoded with @bufbuild/protobuf.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';

/** IR version 8 (ONNX 1.10+): what opsets 13–17 need, and what onnx 1.12's checker and onnxruntime accept. */
export const IR_VERSION = 8n;

/** A dimension: a number, or a name for a dynamic one (e.g. the batch 'N'). */
export type Dim = number | string;

/** A float32 tensor of `shape` (raw little-endian bytes), or an int64 one. */
export function tensorProto(name: string, shape: number[], data: Float32Array | BigInt64Array): TensorProto {
  const bytes = new Uint8Array(data.byteLength);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return create(TensorProtoSchema, {
    name,
    dims: shape.map(BigInt),
    dataType: data instanceof Float32Array ? TensorProto_DataType.FLOAT : TensorProto_DataType.INT64,
    rawData: bytes,
  });
}

export type AttrValue = number | { f: number } | number[] | string;

/** Numbers are INT, `{ f }` FLOAT, number arrays INTS, strings STRING. */
export function attribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'string') return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (typeof value === 'number') return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) });
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: value.map(BigInt) });
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value.f });
}

export function nodeProto(opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, AttrValue> = {}): NodeProto {
  return create(NodeProtoSchema, { opType, input: inputs, output: outputs, name, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
}

/** A float32 value of the given shape. */
export function valueInfo(name: string, dims: Dim[]): ValueInfoProto {
  const dim = dims.map((d) => create(TensorShapeProto_DimensionSchema, { value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d } }));
  const tensorType = create(TypeProto_TensorSchema, { elemType: TensorProto_DataType.FLOAT, shape: create(TensorShapeProtoSchema, { dim }) });
  return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }) });
}

export interface GraphParts {
  name: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
  docString?: string;
}

export function encodeModel(graph: GraphParts, opset: number, producer: { name: string; version: string }): Uint8Array {
  const model = create(ModelProtoSchema, {
    irVersion: IR_VERSION,
    producerName: producer.name,
    producerVersion: producer.version,
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(opset) })],
    graph: create(GraphProtoSchema, {
      name: graph.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: graph.inputs,
      output: graph.outputs,
      valueInfo: graph.valueInfo,
      docString: graph.docString ?? '',
    }),
  });
  return toBinary(ModelProtoSchema, model);
}
