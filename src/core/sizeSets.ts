import type { SizeRule } from './op';
import type { ShapeReport } from './infer';

/**
 * The valid input sizes of one dimension, computed for a whole window of candidate sizes in one pass over the
 * graph. Every op's H follows from its inputs' H alone (and W from W), and each op's rule (`OpDef.size`) is
 * plain arithmetic, so a node's sizes for all candidates are one typed array, built from its inputs' arrays.
 * Layers that keep the size share their input's array, so long chains of activations cost nothing, and a node's
 * array is dropped after its last consumer. The pass stops early once no candidate is left.
 */

export type Dimension = 'h' | 'w';

/** Largest size a tensor dimension may have (infer.ts). */
const MAX_DIMENSION = 2 ** 31;

interface PlanStep {
  id: string;
  /** Source node ids in port order. */
  sources: string[];
  /** The step's rule; undefined for the graph input (the candidates) and constant sources. */
  rule?: SizeRule;
  /** A source other than the searched input: its size does not depend on the candidate. */
  constant?: { h: number; w: number };
  isInput?: boolean;
  /** How many later steps read this one's sizes. */
  readers: number;
}

/** The graph, prepared once for any number of windows. */
export interface SizePlan {
  steps: PlanStep[];
  /** Whether W behaves exactly as H (no fixed-size crop or pad with height ≠ width), so one pass serves both. */
  symmetric: boolean;
}

/**
 * Prepares the search from a shape report without structural errors (every node has valid params and connected
 * ports). Undefined when some op has no size rule: the caller then falls back to running `infer` per size.
 */
export function planSizes(report: ShapeReport): SizePlan | undefined {
  const steps: PlanStep[] = [];
  const stepOf = new Map<string, PlanStep>();
  let symmetric = true;
  for (const id of report.order) {
    const info = report.nodes.get(id)!;
    const incoming = report.index.incoming.get(id)!;
    const sources = new Array<string>(incoming.length);
    for (const e of incoming) sources[e.targetPort] = e.source;
    const step: PlanStep = { id, sources, readers: 0 };
    if (id === report.inputId) step.isInput = true;
    else if (incoming.length === 0) {
      if (!info.output) return undefined;
      step.constant = { h: info.output.h, w: info.output.w };
      symmetric &&= info.output.h === info.output.w;
    } else {
      const rule = info.op && info.params ? info.op.size?.(info.params) : undefined;
      if (!rule) return undefined;
      step.rule = rule;
      if (rule.kind === 'fit' && rule.to !== 'like' && rule.to.h !== rule.to.w) symmetric = false;
    }
    for (const s of sources) stepOf.get(s)!.readers++;
    stepOf.set(id, step);
    steps.push(step);
  }
  return { steps, symmetric };
}

/**
 * Which candidate sizes lo..hi of dimension `dim` pass every node's rule (1 = valid), or undefined when the
 * deadline (a `performance.now()` time) passed first.
 */
export function validAlong(plan: SizePlan, dim: Dimension, lo: number, hi: number, deadline: number): Uint8Array | undefined {
  if (performance.now() >= deadline) return undefined;
  const n = Math.max(0, hi - lo + 1);
  const ok = new Uint8Array(n).fill(1);
  const values = new Map<string, Float64Array>();
  const readersLeft = new Map<string, number>();
  let alive = n;
  for (let s = 0; s < plan.steps.length && alive > 0; s++) {
    const step = plan.steps[s]!;
    if ((s & 63) === 63) {
      if (performance.now() >= deadline) return undefined;
      alive = count(ok);
    }
    const inputs = step.sources.map((id) => values.get(id)!);
    let out: Float64Array;
    if (step.isInput) {
      out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = lo + i;
    } else if (step.constant) out = new Float64Array(n).fill(step.constant[dim]);
    else out = apply(step.rule!, inputs, ok, dim);
    if (out !== inputs[0]) for (let i = 0; i < n; i++) if (ok[i] && !(out[i]! >= 1 && out[i]! <= MAX_DIMENSION)) ok[i] = 0;
    if (step.readers > 0) {
      values.set(step.id, out);
      readersLeft.set(step.id, step.readers);
    }
    for (const id of step.sources) {
      const left = readersLeft.get(id)! - 1;
      readersLeft.set(id, left);
      if (left === 0) values.delete(id);
    }
  }
  return ok;
}

const count = (ok: Uint8Array) => {
  let c = 0;
  for (let i = 0; i < ok.length; i++) c += ok[i]!;
  return c;
};

/** One node's sizes for every candidate, clearing `ok` where its rule fails. Returns its input when unchanged. */
function apply(rule: SizeRule, inputs: Float64Array[], ok: Uint8Array, dim: Dimension): Float64Array {
  const x = inputs[0]!;
  const n = x.length;
  if (rule.kind === 'map') {
    const { scale, offset, divisor, exact } = rule;
    if (scale === 1 && offset === 0 && divisor === 1) return x;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!ok[i]) continue;
      const t = x[i]! * scale + offset;
      const v = Math.floor(t / divisor);
      out[i] = v;
      if (exact && t !== v * divisor) ok[i] = 0;
    }
    return out;
  }
  if (rule.kind === 'same') {
    for (let p = 1; p < inputs.length; p++) {
      const y = inputs[p]!;
      if (y !== x) for (let i = 0; i < n; i++) if (ok[i] && y[i] !== x[i]) ok[i] = 0;
    }
    return x;
  }
  const target = rule.to === 'like' ? inputs[1]! : new Float64Array(n).fill(rule.to[dim]);
  for (let i = 0; i < n; i++) {
    if (!ok[i]) continue;
    const t = target[i]!;
    const have = x[i]!;
    if (rule.direction === 'shrink' ? t > have : t < have) ok[i] = 0;
    // Reflection: the larger side of a centred pad, ceil((t − x)/2), must be smaller than the input.
    else if (rule.reflect && t - have - Math.floor((t - have) / 2) >= have) ok[i] = 0;
  }
  return target;
}
