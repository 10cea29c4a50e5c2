import type { Shape } from '../../../core/types';
import type { LoweredGraph, LoweredLayer } from '../lowered';
import { layerExport } from '../registry';
import type { ExportTensor, Pads, TorchHelper } from '../types';
import { PyScope, pyIdent } from './names';
import { blockLayers, type BlockSpec } from './structure';

/** The block's inputs do not match what its class reads; the caller falls back to a flat module. */
export class BlockMismatch extends Error {}

/** What the whole model.py build shares: the graph, class texts (de-duplicated) and helpers used. */
export interface Emitter {
  graph: LoweredGraph;
  pads: Map<string, Pads>;
  shapes: Map<string, Shape>;
  consumers: Map<string, LoweredLayer[]>;
  /** Each layer's graph node. */
  nodeOf: Map<string, string>;
  helpers: Set<TorchHelper>;
  /** Class text with the name left as a placeholder → the class name given to it; in definition order. */
  classes: Map<string, string>;
  docs: Record<string, string>;
}

export interface EmittedBlock {
  className: string;
  /** Constructor parameters: the inputs' channel counts, then each new channel count. */
  params: string[];
  /** This instance's values for the new-channel parameters. */
  slotValues: number[];
  /** Output channels in terms of `params`, one per output. */
  outChannels: string[];
  inputs: string[];
  /** What forward() returns: one tensor, or a tuple (`tupleOutputs`). */
  outputs: string[];
  /** State-dict entries, relative to the block. */
  state: [string, ExportTensor][];
}

const NAME = '\u0002CLASS\u0002';
const MODULE = '\u0002MODULE\u0002';
const token = (k: number) => `\u0001${k}\u0001`;
const TOKENS = /\u0001(\d+)\u0001/g;
const indent = (lines: string[], n: number) => lines.map((l) => ' '.repeat(n) + l);

/** Substitutes whole-word parameter names in a channel expression. */
const substitute = (expr: string, values: Map<string, string>) => expr.replace(/\b[A-Za-z_]\w*\b/g, (w) => values.get(w) ?? w);

/**
 * Writes one block as a Python class (or, for the model with `literal`, channel counts as numbers). Layers become
 * `self.<attr>` modules where they have a module and expressions in forward(); nested blocks are emitted first
 * and called with their inputs. Variables: a tensor read once continues the chain in `x` (or a block input's name)
 * when that input is dead; others, skips included, are named after their node.
 */
export function emitBlock(spec: BlockSpec, em: Emitter, literal: boolean): EmittedBlock {
  const inside = new Set(blockLayers(spec).map((l) => l.name));
  const children = new Map<BlockSpec, EmittedBlock>();
  const reads = (m: BlockSpec['members'][number]): string[] => {
    if ('comment' in m) return [];
    if ('layer' in m) return m.layer.inputs;
    if (!children.has(m.block)) children.set(m.block, emitBlock(m.block, em, false));
    return children.get(m.block)!.inputs;
  };
  const inputs: string[] = [];
  const uses = new Map<string, number>();
  for (const m of spec.members)
    for (const t of reads(m)) {
      uses.set(t, (uses.get(t) ?? 0) + 1);
      if (!inside.has(t) && !inputs.includes(t)) inputs.push(t);
    }
  const outputs = literal
    ? em.graph.outputs
    : [...inside].filter((t) => em.graph.outputs.includes(t) || (em.consumers.get(t) ?? []).some((c) => !inside.has(c.name)));
  if (spec.ports) {
    portOrder(inputs, spec.ports.inputs, em.nodeOf);
    portOrder(outputs, spec.ports.outputs, em.nodeOf);
  }
  const specParams = spec.params ?? (inputs.length === 1 ? ['x'] : inputs.map((_, i) => `x${i + 1}`));
  if (!literal && ((outputs.length !== 1 && !spec.tupleOutputs) || outputs.length === 0 || inputs.length !== specParams.length)) throw new BlockMismatch(spec.kind);
  for (const o of outputs) uses.set(o, (uses.get(o) ?? 0) + 1);

  const attrs = new PyScope(true);
  const vars = new PyScope();
  const varOf = new Map<string, string>();
  const reusable = new Set<string>();
  const params = literal
    ? inputs.map((t) => vars.claim(inputs.length === 1 ? 'x' : em.graph.inputNodes[em.graph.inputs.indexOf(t)] ?? t, 'x'))
    : specParams.map((p) => vars.claim(p));
  inputs.forEach((t, i) => {
    varOf.set(t, params[i]!);
    reusable.add(params[i]!);
  });
  const chan = new Map<string, string>();
  const inChannelParams = literal ? [] : params.map((p) => (p === 'x' ? 'in_channels' : `${p}_channels`));
  inputs.forEach((t, i) => chan.set(t, literal ? String(em.shapes.get(t)!.c) : inChannelParams[i]!));
  const slots: { literal: number; hint: string; direct: boolean }[] = [];
  const newChannels = (literalValue: number, hint: string, direct: boolean) => {
    if (literal) return String(literalValue);
    slots.push({ literal: literalValue, hint, direct });
    return token(slots.length - 1);
  };

  // Slots proven equal to another channel expression (the inputs of a sum) are that expression.
  const aliases = new Map<number, string>();
  const unify = (expr: string, to: string) => {
    const k = /^\u0001(\d+)\u0001$/.exec(expr)?.[1];
    if (k !== undefined && expr !== to && !aliases.has(Number(k))) aliases.set(Number(k), to);
  };
  const init: string[] = [];
  const body: string[] = [];
  const state: [string, ExportTensor][] = [];
  const holder = new Map<string, string>(params.map((p, i) => [p, inputs[i]!]));
  const free = (v: string) => reusable.has(v) && uses.get(holder.get(v)!) === 0;
  const assign = (produced: string, ins: string[], hint: string): string => {
    for (const t of ins) uses.set(t, uses.get(t)! - 1);
    const once = (uses.get(produced) ?? 0) <= 1;
    let name: string | undefined;
    if (once) {
      const dead = ins.map((t) => varOf.get(t)!).filter(free);
      // Chains continue in `x` (or in a block input's name); elsewhere each node's result has its own name.
      name = dead.find((v) => v === 'x') ?? dead.find((v) => params.includes(v));
    }
    const wanted = pyIdent(hint, 'x');
    if (!name && vars.has(wanted) && free(wanted)) name = wanted;
    name ??= vars.claim(wanted, 'x');
    if (once) reusable.add(name);
    else reusable.delete(name);
    varOf.set(produced, name);
    holder.set(name, produced);
    return name;
  };

  for (const m of spec.members) {
    if ('comment' in m) {
      body.push(`# ${m.comment}`);
      continue;
    }
    if ('block' in m) {
      const child = children.get(m.block)!;
      const attr = attrs.claim(m.block.attr, 'block');
      const values = new Map<string, string>();
      const args = child.params.map((p, i) => {
        const v = i < child.inputs.length ? chan.get(child.inputs[i]!)! : newChannels(child.slotValues[i - child.inputs.length]!, p.replace(/_channels$/, ''), false);
        values.set(p, v);
        return `${p}=${v}`;
      });
      init.push(`self.${attr} = ${child.className}(${args.join(', ')})`);
      for (const [k, t] of child.state) state.push([`${attr}.${k}`, t]);
      child.outputs.forEach((o, i) => chan.set(o, literal ? String(em.shapes.get(o)!.c) : substitute(child.outChannels[i]!, values)));
      const call = `self.${attr}(${child.inputs.map((t) => varOf.get(t)!).join(', ')})`;
      // A tuple's parts are named after the members that produce them.
      const hints = child.outputs.length === 1 ? [m.block.varHint] : child.outputs.map((o) => `${m.block.varHint}_${m.block.localName(o)}`);
      const targets = child.outputs.map((o, i) => assign(o, i === 0 ? child.inputs : [], hints[i]!));
      body.push(`${targets.join(', ')} = ${call}`);
      continue;
    }
    const l = m.layer;
    const exp = layerExport(l, 'PyTorch');
    const local = pyIdent(spec.localName(l.name), 'layer');
    const inChannels = l.inputs.map((t) => chan.get(t)!);
    if (exp.sameChannels && !literal) for (const c of inChannels.slice(1)) unify(c, inChannels[0]!);
    const derived = exp.channels ? exp.channels(inChannels, l) : inChannels[0]!;
    chan.set(l.name, literal ? String(l.out.c) : derived === null ? newChannels(l.out.c, local, true) : derived);
    const lowering = exp.torch({
      layer: l,
      pads: em.pads.get(l.name),
      x: l.inputs.map((t) => varOf.get(t)!),
      module: MODULE,
      inChannels,
      outChannels: chan.get(l.name)!,
      like: likeOf(l, em, varOf),
      use: (h) => em.helpers.add(h),
    });
    let expr = lowering.expr;
    if (lowering.module) {
      const attr = attrs.claim(local, 'layer');
      init.push(`self.${attr} = ${lowering.module}`);
      expr = expr.split(MODULE).join(`self.${attr}`);
      for (const [k, t] of Object.entries(lowering.state ?? {})) state.push([`${attr}.${k}`, t]);
    }
    body.push(`${assign(l.name, l.inputs, local)} = ${expr}`);
  }
  body.push(`return ${outputs.map((o) => varOf.get(o)!).join(', ')}`);

  // Name the new channel counts: the block's output width is out_channels; a lone intermediate one is mid_channels.
  const resolve = (text: string): string => {
    const next = text.replace(TOKENS, (m, k: string) => aliases.get(Number(k)) ?? m);
    return next === text ? text : resolve(next);
  };
  const outExprs = outputs.map((o) => resolve(chan.get(o)!));
  const outExpr = outExprs[0]!;
  const slotNames = new PyScope();
  for (const p of inChannelParams) slotNames.reserve(p);
  // A block with several outputs names every width after its layer (a_channels, b_channels).
  const single = outputs.length === 1;
  const outSlot = single ? /^\u0001(\d+)\u0001$/.exec(outExpr)?.[1] : undefined;
  const others = slots.map((_, k) => k).filter((k) => String(k) !== outSlot && !aliases.has(k));
  const names = slots.map((s, k) =>
    String(k) === outSlot ? 'out_channels' : single && others.length === 1 && s.direct ? 'mid_channels' : `${s.hint}_channels`,
  );
  if (outSlot !== undefined) slotNames.reserve('out_channels');
  const finalNames = names.map((n, k) => (String(k) === outSlot || aliases.has(k) ? n : slotNames.claim(n)));
  const named = (text: string) => resolve(text).replace(TOKENS, (_, k: string) => finalNames[Number(k)]!);
  const kept = slots.map((_, k) => k).filter((k) => !aliases.has(k));

  const ctorParams = [...inChannelParams, ...kept.map((k) => finalNames[k]!)];
  const text = [
    `class ${NAME}(nn.Module):`,
    `    """${em.docs[spec.kind] ?? spec.kind}"""`,
    '',
    `    def __init__(self${ctorParams.map((p) => `, ${p}`).join('')}):`,
    '        super().__init__()',
    ...indent(init.map(named), 8),
    '',
    `    def forward(self, ${params.join(', ')}):`,
    ...indent(body, 8),
  ].join('\n');
  let className = em.classes.get(text);
  if (!className) {
    const taken = new Set(em.classes.values());
    className = spec.kind;
    // DoubleConv2, Down2; a name ending in a digit gets `_2` (Block1_2, not Block12).
    const sep = /\d$/.test(spec.kind) ? '_' : '';
    for (let k = 2; taken.has(className); k++) className = `${spec.kind}${sep}${k}`;
    em.classes.set(text, className);
  }
  return {
    className,
    params: ctorParams,
    slotValues: kept.map((k) => slots[k]!.literal),
    outChannels: outExprs.map(named),
    inputs,
    outputs,
    state,
  };
}

/** Sorts tensors (in place, stably) by their node's place in a block's port list; tensors of other nodes go last. */
function portOrder(tensors: string[], ports: string[], nodeOf: Map<string, string>): void {
  const rank = (t: string) => {
    const k = ports.indexOf(nodeOf.get(t) ?? t);
    return k < 0 ? ports.length : k;
  };
  const sorted = tensors.map((t, i) => [rank(t), i, t] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  sorted.forEach(([, , t], i) => (tensors[i] = t));
}

/** For a crop or pad: a tensor in scope that the result is joined with and that has the result's H×W. */
function likeOf(l: LoweredLayer, em: Emitter, varOf: Map<string, string>): string | undefined {
  for (const consumer of em.consumers.get(l.name) ?? [])
    for (const other of consumer.inputs) {
      const s = em.shapes.get(other);
      if (other !== l.name && varOf.has(other) && s && s.h === l.out.h && s.w === l.out.w) return varOf.get(other);
    }
  return undefined;
}

export const classPlaceholder = NAME;
