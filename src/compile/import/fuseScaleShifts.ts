import type { GraphDoc } from '../../core/types';
import type { StateDict } from '../stateDict';

/** A scaleShift node's constants: one value, or one per channel. */
interface Affine {
  scale: number[];
  shift: number[];
}

function affineOf(doc: GraphDoc['nodes'][number], weights: StateDict): Affine {
  const w = weights[doc.id];
  if (doc.params.perChannel && w?.scale && w.shift) return { scale: Array.from(w.scale.data), shift: Array.from(w.shift.data) };
  return { scale: [Number(doc.params.scale ?? 1)], shift: [Number(doc.params.shift ?? 0)] };
}

/** (x·s1 + b1)·s2 + b2 = x·(s1·s2) + (b1·s2 + b2), channel by channel (a single value stands for every channel). */
function compose(first: Affine, second: Affine): Affine {
  const n = Math.max(first.scale.length, second.scale.length);
  const at = (v: number[], i: number) => v[v.length === 1 ? 0 : i]!;
  const range = Array.from({ length: n }, (_, i) => i);
  return {
    scale: range.map((i) => at(first.scale, i) * at(second.scale, i)),
    shift: range.map((i) => at(first.shift, i) * at(second.scale, i) + at(second.shift, i)),
  };
}

/**
 * Consecutive scaleShift nodes become one, where the first feeds only the second: an import reads
 * (x − mean) / std as a subtraction and a division, and our own ONNX export writes one node as Mul then Add —
 * one node each, with the constants and parameter count of the original. `weights` is updated in place.
 */
export function fuseScaleShifts(doc: GraphDoc, weights: StateDict): GraphDoc {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  let edges = doc.edges;
  const removed = new Set<string>();
  for (const n of doc.nodes) {
    if (n.op !== 'scaleShift') continue;
    const inEdges = edges.filter((e) => e.target === n.id);
    const prev = inEdges.length === 1 ? byId.get(inEdges[0]!.source) : undefined;
    if (!prev || prev.op !== 'scaleShift' || edges.filter((e) => e.source === prev.id).length !== 1) continue;
    const { scale, shift } = compose(affineOf(prev, weights), affineOf(n, weights));
    if (scale.length === 1) {
      prev.params = { ...prev.params, perChannel: false, scale: scale[0]!, shift: shift[0]! };
      delete weights[prev.id];
    } else {
      prev.params = { ...prev.params, perChannel: true, scale: 1, shift: 0 };
      weights[prev.id] = { scale: { shape: [scale.length], data: Float32Array.from(scale) }, shift: { shape: [shift.length], data: Float32Array.from(shift) } };
    }
    delete weights[n.id];
    removed.add(n.id);
    edges = edges.filter((e) => e.target !== n.id).map((e) => (e.source === n.id ? { ...e, source: prev.id } : e));
  }
  if (!removed.size) return doc;
  return { ...doc, nodes: doc.nodes.filter((n) => !removed.has(n.id)), edges };
}
