import { FORMAT_LIMITS } from './format/limits';
import type { GraphDoc } from './types';

/**
 * The one rule for new ids, used by the editor's commands, the core's fixes and the U-Net builder: readable
 * (`conv2d_3`, `e_input_conv2d_3`, `crop_cat0_0`), unique in the document, and never longer than the format
 * allows, whatever the ids they are made from (two legal 128-character node ids must still give a legal edge id).
 */
const MAX = FORMAT_LIMITS.maxIdLength;

/** At most `max` characters of `text`, never ending in half a surrogate pair. */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** `base`, or `base_2`, `base_3`… — the first not in `taken`, the base cut so that the suffix still fits. */
export function uniqueId(base: string, taken: ReadonlySet<string>, maxLength: number = MAX): string {
  const first = fit(base, maxLength);
  if (!taken.has(first)) return first;
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const id = `${fit(base, maxLength - suffix.length)}${suffix}`;
    if (!taken.has(id)) return id;
  }
}

/** The id an edge is named after (before making it unique): `e_${source}_${target}`, each end cut to fit. */
export function edgeIdBase(source: string, target: string): string {
  const half = Math.floor((MAX - 3) / 2);
  return `e_${fit(source, half)}_${fit(target, half)}`;
}

/** The id a node inserted on an edge is named after: `${op}_${target}_${port}`, the target id cut to fit. */
export function insertedNodeIdBase(op: string, target: string, port: number): string {
  const tail = `_${port}`;
  return `${op}_${fit(target, MAX - op.length - 1 - tail.length)}${tail}`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Hands out ids unique among a document's nodes, edges and blocks (one namespace, so an id names one thing):
 * `${op}_${n}` for nodes, numbered after the highest in use so new nodes read in creation order, and
 * `edgeIdBase` (made unique) for edges.
 */
export class IdAllocator {
  private readonly taken: Set<string>;
  private readonly next = new Map<string, number>();

  constructor(doc: Pick<GraphDoc, 'nodes' | 'edges'> & Partial<Pick<GraphDoc, 'blocks'>>) {
    this.taken = new Set([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id), ...(doc.blocks ?? []).map((b) => b.id)]);
  }

  node(op: string): string {
    const prefix = `${op}_`;
    let n = this.next.get(prefix);
    if (n === undefined) {
      const pattern = new RegExp(`^${escapeRegExp(prefix)}(\\d+)$`);
      n = 1;
      for (const id of this.taken) {
        const m = pattern.exec(id);
        if (m) n = Math.max(n, Number(m[1]) + 1);
      }
    }
    while (this.taken.has(`${prefix}${n}`)) n++;
    this.next.set(prefix, n + 1);
    return this.claim(`${prefix}${n}`);
  }

  edge(source: string, target: string): string {
    return this.claim(uniqueId(edgeIdBase(source, target), this.taken));
  }

  /** A new block's id: `block_${n}`, or `base` made unique when given. */
  block(base?: string): string {
    return base === undefined ? this.node('block') : this.derived(base);
  }

  /** `base` made unique (for ids derived from others, like a node a fix inserts). */
  derived(base: string): string {
    return this.claim(uniqueId(base, this.taken));
  }

  private claim(id: string): string {
    this.taken.add(id);
    return id;
  }
}
