import type { TorchTensor } from '../../stateDict';
import type { ModelFile } from '../index';

interface WeightEntry {
  name: string;
  shape: number[];
  dtype?: string;
}
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightEntry[];
}

/** Reads the binary shards a tfjs model.json lists, by file name, into named float32 arrays (tfjs layout). */
export function readTfjsWeights(manifest: WeightsManifestGroup[], files: ModelFile[]): Map<string, { shape: number[]; data: Float32Array }> {
  const byName = new Map(files.map((f) => [f.name.split('/').pop()!, f.bytes]));
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of manifest) {
    const shards = group.paths.map((p) => {
      const bytes = byName.get(p.split('/').pop()!);
      if (!bytes) throw new Error(`the weights file "${p}" listed in model.json was not given (open model.json together with its .bin files)`);
      return bytes;
    });
    const total = shards.reduce((n, b) => n + b.byteLength, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const s of shards) (all.set(s, at), (at += s.byteLength));
    let offset = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if ((w.dtype ?? 'float32') !== 'float32') throw new Error(`weight ${w.name} is ${w.dtype}; only float32 weights are supported (no quantized models)`);
      if (offset + 4 * n > total) throw new Error(`weight ${w.name} runs past the end of its weight files`);
      const data = new Float32Array(n);
      new Uint8Array(data.buffer).set(all.subarray(offset, offset + 4 * n));
      out.set(w.name, { shape: w.shape, data });
      offset += 4 * n;
    }
  }
  return out;
}

/** A tfjs tensor moved to PyTorch layout: tfjs axis j holds torch axis perm[j]; this inverts it. */
export function toTorch(t: { shape: number[]; data: Float32Array }, torchFromTfjs: number[] | null): TorchTensor {
  if (!torchFromTfjs) return { shape: [...t.shape], data: t.data };
  // torch axis a is tfjs axis torchFromTfjs[a]
  const shape = torchFromTfjs.map((a) => t.shape[a]!);
  const srcStrides = t.shape.map((_, k) => t.shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const data = new Float32Array(t.data.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < data.length; i++) {
    let src = 0;
    for (let a = 0; a < shape.length; a++) src += idx[a]! * srcStrides[torchFromTfjs[a]!]!;
    data[i] = t.data[src]!;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
  return { shape, data };
}
