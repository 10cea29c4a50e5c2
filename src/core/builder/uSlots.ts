import type { Analysis } from '../analysis';
import { getOp } from '../ops';
import type { GraphDoc, XY } from '../types';
import { layoutUNet } from './layout';
import type { Slot, SlottedNode } from './writer';

/** What the U reading needs of an analysis: each node's cumulative stride and the longest path. */
type UAnalysis = Pick<Analysis, 'rows' | 'mainPath'>;

const isJoin = (op: string) => getOp(op)?.category === 'merge';
const levelOf = (jump: number) => Math.round(Math.log2(jump));

/**
 * Reads a graph as a U-Net so the builder's U layout can place it: the resolution level of each node comes from
 * its cumulative stride, the longest path gives encoder → bottleneck → decoder, and nodes beside the path are skip
 * crops. Returns undefined for graphs that are not shaped like a U (or have unknown shapes).
 */
export function inferUSlots(doc: GraphDoc, analysis: UAnalysis): { slots: SlottedNode[]; depth: number } | undefined {
  const level = new Map<string, number>();
  for (const r of analysis.rows) {
    if (r.jump === undefined || !(r.jump > 0)) return undefined;
    level.set(r.id, levelOf(r.jump));
  }
  const path = analysis.mainPath.map((p) => p.id);
  const first = doc.nodes.find((n) => n.id === path[0]);
  if (!first || first.op !== 'input' || path.length < 3) return undefined;
  const depth = Math.max(...path.map((id) => level.get(id)!));
  if (depth < 1) return undefined;
  const opOf = new Map(doc.nodes.map((n) => [n.id, n.op]));
  const port0 = new Map(doc.edges.filter((e) => e.targetPort === 0).map((e) => [e.target, e.source]));

  const slot = new Map<string, Slot>([[path[0]!, { region: 'input' }]]);
  let phase: 'encoder' | 'bottleneck' | 'decoder' = 'encoder';
  let previous = 0;
  let inUp = false;
  let afterDown = false;
  const next = (k: number) => path[k + 1];
  for (let k = 1; k < path.length; k++) {
    const id = path[k]!;
    const l = level.get(id)!;
    const op = opOf.get(id)!;
    const after = next(k);
    if (phase === 'encoder') {
      if (l > previous && (after === undefined || level.get(after) !== l)) {
        // A node that changes the level and is the whole level (the next one changes it again, or the decoder
        // starts): a block that strides itself (ResUNet's residual units), not a separate down step.
        slot.set(id, l === depth ? { region: 'bottleneck' } : { region: 'encoder', level: l, stage: 'block' });
        afterDown = false;
        if (l === depth) phase = 'bottleneck';
      } else if (l > previous) {
        slot.set(id, { region: 'encoder', level: previous, stage: 'down' });
        afterDown = true;
        if (l === depth) phase = 'bottleneck';
      } else if (afterDown && getOp(op)?.category === 'activation') slot.set(id, { region: 'encoder', level: l - 1, stage: 'down' });
      else {
        slot.set(id, { region: 'encoder', level: l, stage: 'block' });
        afterDown = false;
      }
    } else if (phase === 'bottleneck' && l === depth) slot.set(id, { region: 'bottleneck' });
    else {
      phase = 'decoder';
      const fromEncoder = slot.get(port0.get(id) ?? '')?.region === 'encoder';
      if (l < previous && l >= 0) {
        slot.set(id, { region: 'decoder', level: l, stage: 'up' });
        inUp = true;
      } else if (inUp && isJoin(op) && fromEncoder && after !== undefined && isJoin(opOf.get(after)!) && level.get(after) === l)
        // A merge that takes the skip on port 0 and feeds the join: it works on the skip (an attention gate).
        slot.set(id, { region: 'skip', level: l });
      else if (inUp && isJoin(op)) {
        slot.set(id, { region: 'decoder', level: l, stage: 'join' });
        inUp = false;
      } else if (inUp && fromEncoder) slot.set(id, { region: 'skip', level: l });
      else if (inUp) slot.set(id, { region: 'decoder', level: l, stage: 'up' });
      else slot.set(id, { region: 'decoder', level: Math.max(0, l), stage: 'block' });
    }
    previous = l;
  }
  if (phase !== 'decoder') return undefined;
  splitHead(path, slot);

  // Off the path: a skip crop feeding a join on its level, at most one per level.
  const skipLevels = new Set<number>();
  for (const [id, s] of slot) if (s.region === 'skip') skipLevels.add(s.level);
  for (const n of doc.nodes) {
    if (slot.has(n.id)) continue;
    const feedsJoin = doc.edges.find((e) => e.source === n.id && isJoin(opOf.get(e.target) ?? '') && slot.get(e.target)?.region === 'decoder');
    const l = level.get(n.id);
    if (!feedsJoin || l === undefined || skipLevels.has(l)) return undefined;
    skipLevels.add(l);
    slot.set(n.id, { region: 'skip', level: l });
  }
  return { slots: doc.nodes.map((n) => ({ id: n.id, slot: slot.get(n.id)! })), depth };
}

/** After the last join, the decoder block is as long as the one before it; what follows is the head. */
function splitHead(path: string[], slot: Map<string, Slot>) {
  const lastJoin = path.findLastIndex((id) => { const s = slot.get(id); return s?.region === 'decoder' && s.stage === 'join'; });
  if (lastJoin < 0) return;
  const blockLength = (level: number, region: 'encoder' | 'decoder') =>
    path.filter((id) => { const s = slot.get(id); return s?.region === region && s.level === level && s.stage === 'block'; }).length;
  const joined = slot.get(path[lastJoin]!) as { level: number };
  const pattern = blockLength(joined.level + 1, 'decoder') || blockLength(joined.level, 'encoder');
  path.slice(lastJoin + 1 + pattern).forEach((id) => slot.set(id, { region: 'head' }));
}

/** Positions for the U arrangement, or undefined when the graph does not read as a U. */
export function layoutAsU(doc: GraphDoc, analysis: UAnalysis): Record<string, XY> | undefined {
  const inferred = inferUSlots(doc, analysis);
  if (!inferred) return undefined;
  return Object.fromEntries(layoutUNet(inferred.slots, inferred.depth));
}
