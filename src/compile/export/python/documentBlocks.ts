import { layerSafeName } from '../../names';
import type { LoweredBlock, LoweredGraph, LoweredLayer } from '../lowered';
import { pyClassName, pyIdent } from './names';
import type { BlockSpec, Member } from './structure';

/** A document block written inline (its layers as the model's own), and why. */
export interface InlinedBlock {
  block: LoweredBlock;
  reason: string;
}

export interface DocumentStructure {
  root: BlockSpec;
  /** Each block's class name before de-duplication, by block id. */
  kinds: Map<string, string>;
  inlined: InlinedBlock[];
}

/**
 * The document's own blocks (`GraphDoc.blocks`) as modules: one class per block name (instances with the same
 * layers share it; emitBlock names channel counts as constructor parameters and de-duplicates class texts), an
 * attribute per instance named after the block id (`down0_block` → `down0`), called in forward() with its ports in
 * order. Nodes outside blocks stay layers of the model. A block that a path leaves and re-enters cannot be one call
 * (its result would be needed before it is made): its layers are written inline, with a comment, and listed in
 * `inlined`. Undefined when no block has a layer.
 */
export function documentBlocks(layers: LoweredLayer[], graph: LoweredGraph, className: string): DocumentStructure | undefined {
  const modelLayers = layers.filter((l) => !graph.inputs.includes(l.name));
  const blockOf = new Map<string, LoweredBlock>();
  for (const b of graph.blocks) for (const id of b.nodes) if (!blockOf.has(id)) blockOf.set(id, b);
  const members = new Map<LoweredBlock, LoweredLayer[]>();
  for (const l of modelLayers) {
    const b = blockOf.get(l.nodeId);
    if (b) members.set(b, [...(members.get(b) ?? []), l]);
  }
  if (members.size === 0) return undefined;

  const inlined: InlinedBlock[] = [];
  for (const [b, ls] of members) {
    const through = reentry(ls, modelLayers);
    if (through) {
      inlined.push({ block: b, reason: `a path leaves it and comes back (through ${through}), so it cannot run as one call` });
      members.delete(b);
    }
  }

  // Units in dependency order: blocks whole, other layers one by one; ties keep the graph's order.
  type Unit = { block: LoweredBlock } | { layer: LoweredLayer };
  const unitOf = new Map<string, Unit>();
  const units: Unit[] = [];
  for (const l of modelLayers) {
    const b = blockOf.get(l.nodeId);
    if (b && members.has(b)) {
      let unit = units.find((u) => 'block' in u && u.block === b);
      if (!unit) units.push((unit = { block: b }));
      unitOf.set(l.name, unit);
    } else {
      const unit = { layer: l };
      units.push(unit);
      unitOf.set(l.name, unit);
    }
  }
  const unitLayers = (u: Unit) => ('layer' in u ? [u.layer] : members.get(u.block)!);
  const after = new Map<Unit, Set<Unit>>(units.map((u) => [u, new Set<Unit>()]));
  for (const u of units)
    for (const l of unitLayers(u))
      for (const t of l.inputs) {
        const from = unitOf.get(t);
        if (from && from !== u) after.get(u)!.add(from);
      }
  const done = new Set<Unit>();
  const ordered: Unit[] = [];
  while (ordered.length < units.length) {
    const next = units.find((u) => !done.has(u) && [...after.get(u)!].every((d) => done.has(d)));
    // Unreachable: blocks that no path re-enters leave the block graph acyclic.
    if (!next) throw new Error('document blocks depend on each other in a cycle');
    done.add(next);
    ordered.push(next);
  }

  const kinds = new Map<string, string>();
  const localNames = memberLocalNames([...members.keys()]);
  const inlinedIds = new Map(inlined.map((x) => [x.block, x]));
  const noted = new Set<LoweredBlock>();
  const rootMembers: Member[] = [];
  for (const u of ordered) {
    if ('layer' in u) {
      const b = blockOf.get(u.layer.nodeId);
      const why = b && inlinedIds.get(b);
      if (why && !noted.has(b)) {
        noted.add(b);
        rootMembers.push({ comment: `block "${pyIdent(b.id, 'block')}" (${pyClassName(b.name, [className])}) written inline: ${why.reason}` });
      }
      rootMembers.push({ layer: u.layer });
      continue;
    }
    const b = u.block;
    const kind = pyClassName(b.name, [className]);
    kinds.set(b.id, kind);
    const attr = b.id.replace(/_block$/, '') || b.id;
    const names = localNames.get(b)!;
    rootMembers.push({
      block: {
        kind,
        attr,
        varHint: attr,
        ports: { inputs: b.inputs, outputs: b.outputs },
        tupleOutputs: true,
        localName: (n) => names.get(n) ?? n,
        members: members.get(b)!.map((layer) => ({ layer })),
      },
    });
  }
  return { root: { kind: className, attr: '', varHint: 'x', params: [], localName: (n) => n, members: rootMembers }, kinds, inlined };

  /** Each block's layer name → its name inside the class. */
  function memberLocalNames(blocks: LoweredBlock[]): Map<LoweredBlock, Map<string, string>> {
    const out = new Map<LoweredBlock, Map<string, string>>();
    // Layer classes member by member: instances alike in this can share a class once their layers share names.
    const signature = (b: LoweredBlock) => b.nodes.map((id) => members.get(b)!.filter((l) => l.nodeId === id).map((l) => l.className).join(',')).join('|');
    const signatures = new Map(blocks.map((b) => [b, signature(b)]));
    for (const b of blocks) {
      // Instances of one type name their layers alike (the first alike instance's names, member by member), so that
      // their classes can be one; an instance with other layers names its own.
      const first = blocks.find((o) => o.name === b.name && signatures.get(o) === signatures.get(b)) ?? b;
      const nodeNames = localNodeNames(first.nodes);
      const names = new Map<string, string>();
      for (const l of members.get(b)!) {
        const k = b.nodes.indexOf(l.nodeId);
        const base = layerSafeName(l.nodeId);
        const suffix = l.name.startsWith(base) ? l.name.slice(base.length) : undefined;
        names.set(l.name, suffix === undefined ? l.name : `${nodeNames[k]}${suffix}`);
      }
      out.set(b, names);
    }
    return out;
  }
}

/**
 * Names for a block's members inside its class, from their node ids: without the prefix they share (`b1_conv`,
 * `b1_relu` → `conv`, `relu`; `downs.0.f.1` → `f.1`), a leading level number (`enc1_conv1` → `enc_conv1`) and a
 * trailing count (`conv2d_3` → `conv2d`) — each step only where the names stay distinct and non-empty.
 */
export function localNodeNames(ids: string[]): string[] {
  const safe = ids.map(layerSafeName);
  const distinct = (names: string[]) => names.every((n) => n.length > 0) && new Set(names).size === names.length;
  let names = safe;
  if (names.length > 1) {
    // The longest shared prefix ending in `_` or `.` that leaves names starting with a letter (`inc.f.0` → `f.0`).
    const cut = (n: string) => n.slice(0, Math.max(n.lastIndexOf('_'), n.lastIndexOf('.')) + 1);
    let prefix = cut(names[0]!);
    while (prefix && !names.every((n) => n.startsWith(prefix) && /^[A-Za-z]/.test(n.slice(prefix.length)))) prefix = cut(prefix.slice(0, -1));
    if (prefix) names = names.map((n) => n.slice(prefix.length));
  }
  for (const step of [(n: string) => n.replace(/^([A-Za-z]+)\d+(?=_|$)/, '$1'), (n: string) => n.replace(/_?\d+$/, '')]) {
    const next = names.map(step);
    if (distinct(next)) names = next;
  }
  return distinct(names) ? names : safe;
}

/** The first layer (by node id) on a path that leaves these layers and reaches them again, if any. */
function reentry(inside: LoweredLayer[], all: LoweredLayer[]): string | undefined {
  const mine = new Set(inside.map((l) => l.name));
  const consumers = new Map<string, LoweredLayer[]>();
  for (const l of all) for (const t of l.inputs) consumers.set(t, [...(consumers.get(t) ?? []), l]);
  const outside = (t: string) => (consumers.get(t) ?? []).filter((c) => !mine.has(c.name));
  // Layers already searched from an earlier start reach no member (else that search would have returned).
  const seen = new Set<string>();
  for (const start of inside.flatMap((l) => outside(l.name))) {
    const stack = [start];
    while (stack.length) {
      const l = stack.pop()!;
      if (seen.has(l.name)) continue;
      seen.add(l.name);
      for (const c of consumers.get(l.name) ?? []) {
        if (mine.has(c.name)) return start.nodeId;
        stack.push(c);
      }
    }
  }
  return undefined;
}
