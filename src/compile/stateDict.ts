/**
 * PyTorch-layout weights keyed by node id and torch parameter name, e.g.
 * `{ enc0_conv1: { weight: {shape: [O, I, kH, kW], data}, bias: {…} } }`. This is the interchange format for
 * weights (fixtures, the CLI's --weights, export back to PyTorch); tfjs layouts never appear here.
 */
export interface TorchTensor {
  shape: number[];
  data: Float32Array;
}

export type StateDict = Record<string, Record<string, TorchTensor>>;

/** On disk: float32 little-endian bytes in base64 (or a plain number list, handy for hand-written files). */
export interface TorchTensorJson {
  shape: number[];
  dtype?: 'float32';
  data: string | number[];
}

export type StateDictJson = Record<string, Record<string, TorchTensorJson>>;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function bytesToBase64(bytes: Uint8Array): string {
  if (typeof globalThis.Buffer !== 'undefined') return globalThis.Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  if (typeof globalThis.Buffer !== 'undefined') return new Uint8Array(globalThis.Buffer.from(text, 'base64'));
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeFloat32(data: Float32Array): string {
  return bytesToBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

export function decodeFloat32(text: string): Float32Array {
  const bytes = base64ToBytes(text);
  if (bytes.byteLength % 4 !== 0) throw new Error(`${bytes.byteLength} bytes is not a whole number of float32 values`);
  // Copy into a fresh, aligned buffer: a decoded Buffer may start at any byte offset.
  return new Float32Array(bytes.slice().buffer);
}

export function tensorToJson(t: TorchTensor): TorchTensorJson {
  return { shape: [...t.shape], dtype: 'float32', data: encodeFloat32(t.data) };
}

/** Reads one tensor, naming `where` (e.g. "enc0_conv1.weight") in every complaint. */
export function tensorFromJson(value: unknown, where: string): TorchTensor {
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: expected {shape, data}, got ${JSON.stringify(value)}`);
  const { shape, dtype, data } = value as Partial<TorchTensorJson>;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`${where}.shape: expected a list of non-negative integers, got ${JSON.stringify(shape)}`);
  if (dtype !== undefined && dtype !== 'float32') throw new Error(`${where}.dtype: only "float32" is supported, got ${JSON.stringify(dtype)}`);
  let values: Float32Array;
  if (typeof data === 'string') {
    try {
      values = decodeFloat32(data);
    } catch (err) {
      throw new Error(`${where}.data: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else if (Array.isArray(data) && data.every((v) => typeof v === 'number')) values = Float32Array.from(data);
  else throw new Error(`${where}.data: expected base64 float32 bytes or a list of numbers`);
  if (values.length !== size(shape))
    throw new Error(`${where}: shape [${shape.join(', ')}] holds ${size(shape)} values, data has ${values.length}`);
  return { shape: [...shape], data: values };
}

export function stateDictToJson(dict: StateDict): StateDictJson {
  const out: StateDictJson = {};
  for (const [node, params] of Object.entries(dict)) {
    out[node] = {};
    for (const [name, t] of Object.entries(params)) out[node][name] = tensorToJson(t);
  }
  return out;
}

export function stateDictFromJson(value: unknown): StateDict {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('weights: expected an object of node ids, each mapping parameter names to {shape, data}');
  const out: StateDict = {};
  for (const [node, params] of Object.entries(value)) {
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      throw new Error(`weights.${node}: expected an object of parameter names (e.g. "weight", "bias")`);
    out[node] = {};
    for (const [name, t] of Object.entries(params)) out[node][name] = tensorFromJson(t, `${node}.${name}`);
  }
  return out;
}
