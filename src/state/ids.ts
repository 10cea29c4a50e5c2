import type { GraphDoc } from '../core/types';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Hands out readable ids that are unique in the document: `${op}_${n}` for nodes (conv2d_3, numbered after the
 * highest in use so new nodes read in creation order), `e_${source}_${target}` for edges (`_2` when
 * doubled), as the core's fixes name them.
 */
export class IdAllocator {
  private readonly taken: Set<string>;
  private readonly next = new Map<string, number>();

  constructor(doc: Pick<GraphDoc, 'nodes' | 'edges'>) {
    this.taken = new Set([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id)]);
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
    const id = `${prefix}${n}`;
    this.next.set(prefix, n + 1);
    this.taken.add(id);
    return id;
  }

  edge(source: string, target: string): string {
    const base = `e_${source}_${target}`;
    let id = base;
    for (let n = 2; this.taken.has(id); n++) id = `${base}_${n}`;
    this.taken.add(id);
    return id;
  }
}
