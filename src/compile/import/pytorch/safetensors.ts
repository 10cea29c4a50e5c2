import type { FlatStateDict } from './pth';
import { type DType, isFloat, materialize } from './tensors';

const DTYPES: Record<string, DType> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16', F64: 'float64', I64: 'int64', I32: 'int32', U8: 'uint8', I8: 'int8', BOOL: 'bool' };

/** Reads a .safetensors file: an 8-byte header length, a JSON header of dtype/shape/offsets, then the data. */
export function readSafetensors(bytes: Uint8Array): FlatStateDict {
  if (bytes.byteLength < 8) throw new Error('too short for a .safetensors file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) throw new Error('not a .safetensors file (its header length runs past the end)');
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new Error('not a .safetensors file (its header is not JSON)');
  }
  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, ReturnType<typeof materialize>>();
  const skipped: string[] = [];
  for (const [key, t] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const dtype = DTYPES[t.dtype];
    if (!dtype) throw new Error(`${key}: dtype ${t.dtype} is not supported`);
    if (!isFloat(dtype)) {
      skipped.push(key);
      continue;
    }
    const [begin, end] = t.data_offsets;
    tensors.set(key, materialize(data.subarray(begin, end), dtype, t.shape));
  }
  return { tensors, skipped };
}
