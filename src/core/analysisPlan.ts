import type { GraphIndex } from './graph';
import type { GraphNode } from './types';

/**
 * What the peak-memory simulation and the longest-path search need from a graph's structure, worked out once and
 * reused while the execution order (so the edges and node ids, see `indexAndOrder`) and the set of output nodes
 * stay the same: a parameter or label edit on a 10,000-node graph then costs two passes over plain arrays.
 * Steps are positions in the execution order.
 */
export interface ExecutionPlan {
  /** The ids of the output nodes, joined: part of the key (an output consumer keeps its tensor alive). */
  outputs: string;
  /** CSR: the steps whose tensor is freed after step k runs (`freed[freedStart[k]..freedStart[k+1]]`). */
  freedStart: Int32Array;
  freed: Int32Array;
  /** The longest input→output path, as steps. */
  path: number[];
}

const planMemo = new WeakMap<string[], ExecutionPlan>();

const outputsKey = (nodes: Map<string, GraphNode>) => {
  let key = '';
  nodes.forEach((n, id) => n.op === 'output' && (key += `${id}\n`));
  return key;
};

export function executionPlan(order: string[], index: GraphIndex): ExecutionPlan {
  const outputs = outputsKey(index.nodes);
  const memo = planMemo.get(order);
  if (memo && memo.outputs === outputs) return memo;
  const plan = buildPlan(order, index, outputs);
  planMemo.set(order, plan);
  return plan;
}

function buildPlan(order: string[], index: GraphIndex, outputs: string): ExecutionPlan {
  const step = new Map<string, number>();
  order.forEach((id, k) => step.set(id, k));
  const isOutput = (id: string) => index.nodes.get(id)?.op === 'output';
  // Each tensor is freed after its last consumer that runs, unless an output node returns it (then it lives to
  // the end); one nobody reads is freed right after it is made.
  const lastUse = new Int32Array(order.length).fill(-1);
  order.forEach((id, k) => {
    for (const e of index.incoming.get(id)!) lastUse[step.get(e.source)!] = k;
  });
  const count = new Int32Array(order.length + 1);
  const freeAt = new Int32Array(order.length).fill(-1);
  order.forEach((id, p) => {
    const returned = index.outgoing.get(id)!.some((e) => isOutput(e.target));
    const at = lastUse[p]! < 0 ? p : returned ? -1 : lastUse[p]!;
    if (at >= 0) (freeAt[p] = at), count[at + 1]!++;
  });
  const freedStart = new Int32Array(order.length + 1);
  for (let k = 0; k < order.length; k++) freedStart[k + 1] = freedStart[k]! + count[k + 1]!;
  const fill = freedStart.slice(0, order.length);
  const freed = new Int32Array(freedStart[order.length]!);
  for (let p = 0; p < order.length; p++) if (freeAt[p]! >= 0) freed[fill[freeAt[p]!]!++] = p;
  return { outputs, freedStart, freed, path: longestPath(order, index, step, isOutput) };
}

/** Most bytes live at once in one forward pass, given each step's output bytes. */
export function peakBytes(plan: ExecutionPlan, bytesAt: (step: number) => number): number {
  let live = 0;
  let peak = 0;
  for (let k = 0; k + 1 < plan.freedStart.length; k++) {
    live += bytesAt(k);
    if (live > peak) peak = live;
    for (let j = plan.freedStart[k]!; j < plan.freedStart[k + 1]!; j++) live -= bytesAt(plan.freed[j]!);
  }
  return peak;
}

/** Longest path (in nodes) ending at an output node (or any sink when there is none), ties to the lowest port. */
function longestPath(order: string[], index: GraphIndex, step: Map<string, number>, isOutput: (id: string) => boolean): number[] {
  const depth = new Int32Array(order.length);
  order.forEach((id, k) => {
    let best = 0;
    for (const e of index.incoming.get(id)!) best = Math.max(best, depth[step.get(e.source)!]! + 1);
    depth[k] = best;
  });
  let end: number | undefined;
  let endIsOutput = false;
  order.forEach((id, k) => {
    if (index.outgoing.get(id)!.length > 0) return;
    const output = isOutput(id);
    if (end === undefined || (output && !endIsOutput) || (output === endIsOutput && depth[k]! > depth[end]!)) (end = k), (endIsOutput = output);
  });
  const path: number[] = [];
  // Walk back along inputs one step shallower, preferring the lowest port.
  for (let k = end; k !== undefined; ) {
    path.push(k);
    const d = depth[k]!;
    let next: { source: number; port: number } | undefined;
    for (const e of index.incoming.get(order[k]!)!) {
      const s = step.get(e.source)!;
      if (depth[s] === d - 1 && (!next || e.targetPort < next.port)) next = { source: s, port: e.targetPort };
    }
    k = d === 0 ? undefined : next?.source;
  }
  return path.reverse();
}
