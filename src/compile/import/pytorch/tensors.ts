import type { TorchTensor } from '../../stateDict';
import { halfToFloat } from '../../float16';

/** Element types a weight file may hold; everything becomes float32 (integers only count batches, and are skipped). */
export type DType = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';

export const BYTES: Record<DType, number> = { float32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, int32: 4, uint8: 1, int8: 1, bool: 1 };

export const isFloat = (d: DType) => d === 'float32' || d === 'float16' || d === 'bfloat16' || d === 'float64';

/** Reads element `i` of a little-endian buffer of `dtype` as a number. */
export function reader(bytes: Uint8Array, dtype: DType): (i: number) => number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'float32':
      return (i) => view.getFloat32(i * 4, true);
    case 'float64':
      return (i) => view.getFloat64(i * 8, true);
    case 'float16':
      return (i) => halfToFloat(view.getUint16(i * 2, true));
    // bfloat16 is the top half of a float32.
    case 'bfloat16': {
      const scratch = new DataView(new ArrayBuffer(4));
      return (i) => (scratch.setUint32(0, view.getUint16(i * 2, true) << 16), scratch.getFloat32(0));
    }
    case 'int64':
      return (i) => Number(view.getBigInt64(i * 8, true));
    case 'int32':
      return (i) => view.getInt32(i * 4, true);
    case 'int8':
      return (i) => view.getInt8(i);
    case 'uint8':
    case 'bool':
      return (i) => view.getUint8(i);
  }
}

/**
 * A tensor as float32 from a storage: `offset` and `strides` in elements (PyTorch views, e.g. a slice of a shared
 * storage or a transposed weight, are saved as their whole storage plus these).
 */
export function materialize(storage: Uint8Array, dtype: DType, shape: number[], offset = 0, strides?: number[]): TorchTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const read = reader(storage, dtype);
  const contiguous = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const st = strides ?? contiguous;
  const last = offset + shape.reduce((m, d, k) => m + (d - 1) * st[k]!, 0);
  if (n > 0 && last * BYTES[dtype] >= storage.byteLength)
    throw new Error(`shape [${shape.join(', ')}] at offset ${offset} reaches past its storage (${storage.byteLength / BYTES[dtype]} values)`);
  const data = new Float32Array(n);
  if (dtype === 'float32' && st.every((s, k) => s === contiguous[k])) {
    // Copied byte-wise into the (aligned) result: the storage may sit at any offset in the file.
    new Uint8Array(data.buffer).set(storage.subarray(offset * 4, (offset + n) * 4));
    return { shape: [...shape], data };
  }
  for (let i = 0; i < n; i++) {
    let src = offset;
    let rest = i;
    for (let k = shape.length - 1; k >= 0; k--) {
      src += (rest % shape[k]!) * st[k]!;
      rest = Math.floor(rest / shape[k]!);
    }
    data[i] = read(src);
  }
  return { shape: [...shape], data };
}
