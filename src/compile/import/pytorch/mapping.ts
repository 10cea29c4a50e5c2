import type { StateDict, TorchTensor } from '../../stateDict';
import type { FlatStateDict } from './pth';

/** One weight the graph needs: node, PyTorch parameter name, shape (what boundWeights reports). */
export interface ExpectedWeight {
  nodeId: string;
  param: string;
  shape: number[];
}

export type MappingStatus = 'name' | 'order' | 'mismatch' | 'unused' | 'ignored';

/** One row of the table shown before weights are applied: their key → our node. */
export interface MappingRow {
  key: string;
  shape: number[];
  status: MappingStatus;
  /** Where it goes (name / order), or where its name pointed (mismatch). */
  nodeId?: string;
  param?: string;
  /** Our shape, for a mismatch. */
  expected?: number[];
}

export interface WeightMapping {
  rows: MappingRow[];
  /** Our weights nothing in the file fills. */
  missing: ExpectedWeight[];
  /** The state dict to load, keyed by our node ids. */
  dict: StateDict;
  /** How most weights were matched. */
  by: 'name' | 'order';
  /** What prevents loading: missing weights and shape mismatches, one line each. */
  problems: string[];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;
const splitKey = (key: string): [string, string] => {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? ['', key] : [key.slice(0, dot), key.slice(dot + 1)];
};

/**
 * Matches a foreign state dict to the graph's weights: by name where `<node id>.<param>` exists (our own exports,
 * ONNX imports that kept PyTorch's module names), else module by module in forward order — each of our weighted
 * nodes (in `expected`'s order) takes the first unused module of the file, in the file's order, whose parameters
 * have exactly its names and shapes. PyTorch saves modules in registration order, which in U-Net code is the
 * forward order; shapes keep the pairing honest where it is not.
 */
export function mapStateDict(flat: FlatStateDict, expected: ExpectedWeight[]): WeightMapping {
  const rows = new Map<string, MappingRow>();
  for (const [key, t] of flat.tensors) rows.set(key, { key, shape: [...t.shape], status: 'unused' });
  for (const key of flat.skipped) rows.set(key, { key, shape: [], status: 'ignored' });
  const dict: StateDict = {};
  const place = (w: ExpectedWeight, key: string, tensor: TorchTensor, status: 'name' | 'order') => {
    (dict[w.nodeId] ??= {})[w.param] = tensor;
    Object.assign(rows.get(key)!, { status, nodeId: w.nodeId, param: w.param });
  };

  const remaining: ExpectedWeight[] = [];
  let byName = 0;
  for (const w of expected) {
    const key = `${w.nodeId}.${w.param}`;
    const t = flat.tensors.get(key);
    if (!t) remaining.push(w);
    else if (sameShape(t.shape, w.shape)) (place(w, key, t, 'name'), byName++);
    else Object.assign(rows.get(key)!, { status: 'mismatch', nodeId: w.nodeId, param: w.param, expected: w.shape });
  }

  // Forward order: group our remaining weights by node, and the file's unused tensors by module.
  const nodes: [string, ExpectedWeight[]][] = [];
  for (const w of remaining) {
    const last = nodes[nodes.length - 1];
    if (last?.[0] === w.nodeId) last[1].push(w);
    else nodes.push([w.nodeId, [w]]);
  }
  const modules: [string, Map<string, string>][] = [];
  for (const [key, row] of rows) {
    if (row.status !== 'unused') continue;
    const [module, param] = splitKey(key);
    const last = modules[modules.length - 1];
    if (last?.[0] === module) last[1].set(param, key);
    else modules.push([module, new Map([[param, key]])]);
  }
  const taken = new Set<number>();
  const missing: ExpectedWeight[] = [];
  for (const [, weights] of nodes) {
    const fits = (params: Map<string, string>) =>
      params.size === weights.length && weights.every((w) => params.has(w.param) && sameShape(flat.tensors.get(params.get(w.param)!)!.shape, w.shape));
    const m = modules.findIndex(([, params], i) => !taken.has(i) && fits(params));
    if (m < 0) {
      missing.push(...weights);
      continue;
    }
    taken.add(m);
    for (const w of weights) {
      const key = modules[m]![1].get(w.param)!;
      place(w, key, flat.tensors.get(key)!, 'order');
    }
  }

  const problems: string[] = [];
  for (const row of rows.values())
    if (row.status === 'mismatch') problems.push(`${row.key}: the name matches ${row.nodeId}.${row.param}, but its shape ${fmt(row.shape)} is not ours ${fmt(row.expected!)}`);
  for (const w of missing) problems.push(`${w.nodeId}.${w.param} ${fmt(w.shape)}: nothing in the file fits (no unused tensor of that name and shape in forward order)`);
  const ordered = expected.length - remaining.length < remaining.length;
  return { rows: [...rows.values()], missing, dict, by: ordered || byName === 0 ? 'order' : 'name', problems };
}
