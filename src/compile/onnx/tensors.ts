import { fromBinary } from '@bufbuild/protobuf';
import { type AttributeProto, AttributeProto_AttributeType, type ModelProto, ModelProtoSchema, type TensorProto, TensorProto_DataType } from 'onnx-buf';
import { halfToFloat } from '../float16';

/** Decodes an .onnx file; a file that is not an ONNX protobuf becomes a one-line error. */
export function decodeOnnxModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (err) {
    throw new Error(`not an ONNX model (protobuf decoding failed: ${err instanceof Error ? err.message : String(err)})`);
  }
  if (!model.graph) throw new Error('not an ONNX model: it has no graph');
  return model;
}

/** The default-domain opset the model was written against. */
export const onnxOpset = (model: ModelProto): number =>
  Number(model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 1n);

const INT_TYPES = new Set<number>([
  TensorProto_DataType.INT64,
  TensorProto_DataType.INT32,
  TensorProto_DataType.INT16,
  TensorProto_DataType.INT8,
  TensorProto_DataType.UINT8,
  TensorProto_DataType.UINT16,
  TensorProto_DataType.UINT32,
  TensorProto_DataType.UINT64,
  TensorProto_DataType.BOOL,
]);

export const isIntType = (dataType: number): boolean => INT_TYPES.has(dataType);

/** Aligned copy of raw bytes, so typed arrays can view them whatever their offset in the file. */
const aligned = (raw: Uint8Array): ArrayBuffer => {
  // Not raw.slice(): on a Node Buffer that is a view into the whole file, not a copy.
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  return copy.buffer;
};

/**
 * The values of a tensor: floats as a Float32Array, integers and booleans as numbers (int64 beyond 2^53 is
 * clamped to ±Number.MAX_SAFE_INTEGER, which only happens for "until the end" slice bounds).
 */
export function tensorValues(t: TensorProto): Float32Array | number[] {
  if (t.dataLocation === 1 || t.externalData.length)
    throw new Error(`tensor "${t.name}" keeps its data in an external file; save the model with all weights inside the .onnx`);
  const raw = t.rawData.length ? t.rawData : undefined;
  const big = (v: bigint) => Number(v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < -BigInt(Number.MAX_SAFE_INTEGER) ? -Number.MAX_SAFE_INTEGER : v);
  switch (t.dataType) {
    case TensorProto_DataType.FLOAT:
      return raw ? new Float32Array(aligned(raw)) : Float32Array.from(t.floatData);
    case TensorProto_DataType.DOUBLE:
      return raw ? Float32Array.from(new Float64Array(aligned(raw))) : Float32Array.from(t.doubleData);
    case TensorProto_DataType.FLOAT16:
      return Float32Array.from(raw ? new Uint16Array(aligned(raw)) : t.int32Data, halfToFloat);
    case TensorProto_DataType.INT64:
      return raw ? Array.from(new BigInt64Array(aligned(raw)), big) : t.int64Data.map(big);
    case TensorProto_DataType.UINT64:
      return raw ? Array.from(new BigUint64Array(aligned(raw)), big) : t.uint64Data.map(big);
    case TensorProto_DataType.INT32:
      return raw ? Array.from(new Int32Array(aligned(raw))) : [...t.int32Data];
    case TensorProto_DataType.INT8:
      return raw ? Array.from(new Int8Array(aligned(raw))) : [...t.int32Data];
    case TensorProto_DataType.UINT8:
    case TensorProto_DataType.BOOL:
      return raw ? Array.from(raw) : [...t.int32Data];
    default:
      throw new Error(`tensor "${t.name}" has data type ${TensorProto_DataType[t.dataType] ?? t.dataType}, which is not supported`);
  }
}

export type AttributeValue = number | string | number[] | TensorProto | undefined;

/** An attribute's value in plain JavaScript (ints as numbers, strings decoded). */
export function attributeValue(a: AttributeProto): AttributeValue {
  switch (a.type) {
    case AttributeProto_AttributeType.FLOAT:
      return a.f;
    case AttributeProto_AttributeType.INT:
      return Number(a.i);
    case AttributeProto_AttributeType.STRING:
      return new TextDecoder().decode(a.s);
    case AttributeProto_AttributeType.INTS:
      return a.ints.map(Number);
    case AttributeProto_AttributeType.FLOATS:
      return [...a.floats];
    case AttributeProto_AttributeType.TENSOR:
      return a.t;
    default:
      return undefined;
  }
}
