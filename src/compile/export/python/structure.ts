import { unetRole } from '../../../core/builder/ids';
import type { LoweredLayer } from '../lowered';

/**
 * A module of model.py: the model class itself or a block inside it (DoubleConv or ResidualBlock, Down, Up, or a
 * block of the document).
 */
export interface BlockSpec {
  /** Class name before de-duplication (DoubleConv, Down, Up, a document block's name, or the model's). */
  kind: string;
  /** Attribute in the parent module ('' for the model). */
  attr: string;
  /** Variable name the parent gives the block's result. */
  varHint: string;
  /** forward() parameter names, in input order; by default x, or x1, x2, … for several inputs. */
  params?: string[];
  /** Node ids giving the order of forward()'s inputs and outputs (else the order the layers read / make them). */
  ports?: { inputs: string[]; outputs: string[] };
  /** forward() may return a tuple (several tensors leave the block); else a block with several outputs is refused. */
  tupleOutputs?: boolean;
  /** A layer's name inside this block (attribute and variable hint). */
  localName: (layerName: string) => string;
  members: Member[];
}

/** A layer, a nested block, or a comment line in forward(). */
export type Member = { layer: LoweredLayer } | { block: BlockSpec } | { comment: string };

const stripLevel = (name: string) => name.replace(/^([a-z]+)\d+/, '$1');

/** A level's block: the double conv, or the ResUNet residual unit (node `enc{i}_res`) named by its layers. */
function levelBlock(attr: string, varHint: string, prefix: string, layers: LoweredLayer[]): BlockSpec {
  const residual = layers.some((l) => l.nodeId === `${prefix}_res`);
  const strip = residual ? `${prefix}_res_` : `${prefix}_`;
  return {
    kind: residual ? 'ResidualBlock' : 'DoubleConv',
    attr,
    varHint,
    params: ['x'],
    localName: (n) => (n.startsWith(strip) ? n.slice(strip.length) : n.startsWith(`${prefix}_`) ? n.slice(prefix.length + 1) : n),
    members: layers.map((layer) => ({ layer })),
  };
}

/**
 * The builder's encoder/decoder structure (node ids enc{i}_*, down{i}, up{i}, crop/pad/cat{i}, dec{i}_*, see
 * core/builder/ids.ts) as DoubleConv / Down / Up blocks, the way the reference implementations read. Returns
 * undefined when any layer falls outside that structure or a block would not have the inputs its class reads
 * (one for DoubleConv and Down, the decoder tensor and the skip for Up); the caller then writes a flat module.
 */
export function unetBlocks(layers: LoweredLayer[], modelInputs: string[], className: string): BlockSpec | undefined {
  const enc = new Map<number, LoweredLayer[]>();
  const down = new Map<number, LoweredLayer[]>();
  const up = new Map<number, LoweredLayer[]>();
  const dec = new Map<number, LoweredLayer[]>();
  const head: LoweredLayer[] = [];
  const add = (m: Map<number, LoweredLayer[]>, level: number, l: LoweredLayer) => m.set(level, [...(m.get(level) ?? []), l]);
  for (const l of layers) {
    if (modelInputs.includes(l.name)) continue;
    const role = unetRole(l.nodeId);
    if (!role) return undefined;
    switch (role.part) {
      case 'encoder':
        add(enc, role.level, l);
        break;
      case 'down':
        add(down, role.level, l);
        break;
      case 'up':
      case 'skip':
        add(up, role.level, l);
        break;
      case 'decoder':
        add(dec, role.level, l);
        break;
      case 'head':
      case 'output':
        head.push(l);
        break;
      default:
        return undefined;
    }
  }
  const depth = enc.size - 1;
  if (depth < 1 || modelInputs.length !== 1) return undefined;
  for (let i = 0; i <= depth; i++) if (!enc.has(i)) return undefined;
  // Down steps are their own nodes (max-pool, strided conv), or a residual unit strides itself (no down nodes).
  const downSteps = down.size > 0;
  for (let i = 0; i < depth; i++) if ((downSteps && !down.has(i)) || !up.has(i) || !dec.has(i)) return undefined;
  if ((downSteps && down.size !== depth) || up.size !== depth || dec.size !== depth) return undefined;

  const members: Member[] = [{ block: levelBlock('enc0', 'enc0', 'enc0', enc.get(0)!) }];
  for (let i = 0; i < depth; i++) {
    const hint = i + 1 === depth ? 'x' : `enc${i + 1}`;
    if (!downSteps) {
      members.push({ block: levelBlock(`enc${i + 1}`, hint, `enc${i + 1}`, enc.get(i + 1)!) });
      continue;
    }
    members.push({
      block: {
        kind: 'Down',
        attr: `down${i}`,
        varHint: hint,
        params: ['x'],
        localName: stripLevel,
        members: [...down.get(i)!.map((layer) => ({ layer })), { block: levelBlock('conv', 'x', `enc${i + 1}`, enc.get(i + 1)!) }],
      },
    });
  }
  for (let i = depth - 1; i >= 0; i--)
    members.push({
      block: {
        kind: 'Up',
        attr: `up${i}`,
        varHint: 'x',
        params: ['x', 'skip'],
        localName: stripLevel,
        members: [...up.get(i)!.map((layer) => ({ layer })), { block: levelBlock('conv', 'x', `dec${i}`, dec.get(i)!) }],
      },
    });
  members.push(...head.map((layer) => ({ layer })));
  return { kind: className, attr: '', varHint: 'x', params: [], localName: (n) => n, members };
}

/** Every layer of a block, nested blocks included, in order. */
export function blockLayers(block: BlockSpec): LoweredLayer[] {
  return block.members.flatMap((m) => ('layer' in m ? [m.layer] : 'block' in m ? blockLayers(m.block) : []));
}
