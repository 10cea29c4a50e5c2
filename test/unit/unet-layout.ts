// Shared by templates.test.ts and builder.test.ts: what "laid out as a U" means, as checks on positions.
import { expect } from 'vitest';
import { unetRole } from '../../src/core/builder';
import type { GraphDoc } from '../../src/core/types';

/** The encoder's skip source at each level: the node feeding crop{i}/cat{i} from the left column. */
function skipSources(doc: GraphDoc, depth: number): string[] {
  return Array.from({ length: depth }, (_, level) => {
    const targets = [`crop${level}`, `cat${level}`, `pad${level}`, `att${level}`];
    const edge = doc.edges.find((e) => targets.includes(e.target) && unetRole(e.source)?.part === 'encoder');
    if (!edge) throw new Error(`no skip into level ${level}`);
    return edge.source;
  });
}

export function expectULayout(doc: GraphDoc): void {
  const pos = new Map(doc.nodes.map((n) => [n.id, n.position]));
  const roles = new Map(doc.nodes.map((n) => [n.id, unetRole(n.id)]));
  for (const n of doc.nodes) {
    expect(roles.get(n.id), `${n.id} follows the id convention`).toBeDefined();
    expect(n.position.x % 10, `${n.id}.x on the grid`).toBe(0);
    expect(n.position.y % 10, `${n.id}.y on the grid`).toBe(0);
  }
  const levelOf = (id: string) => {
    const r = roles.get(id)!;
    return 'level' in r ? r.level : undefined;
  };
  const depth = Math.max(...doc.nodes.map((n) => levelOf(n.id) ?? 0));
  // The row band a node is drawn in: its level, except that a down step sits with the convs it feeds (its Down block).
  const bandOf = (id: string) => {
    const level = levelOf(id);
    return level !== undefined && roles.get(id)!.part === 'down' ? level + 1 : level;
  };
  const ids = (pred: (id: string) => boolean) => doc.nodes.map((n) => n.id).filter(pred);
  const bottleneck = ids((id) => ['encoder', 'down'].includes(roles.get(id)!.part) && bandOf(id) === depth);
  expect(bottleneck.length).toBeGreaterThan(0);
  const xs = (list: string[]) => list.map((id) => pos.get(id)!.x);
  const ys = (list: string[]) => list.map((id) => pos.get(id)!.y);

  const sources = skipSources(doc, depth);
  for (let level = 0; level < depth; level++) {
    const left = ids((id) => ['encoder', 'down'].includes(roles.get(id)!.part) && levelOf(id) === level);
    const right = ids((id) => ['up', 'decoder'].includes(roles.get(id)!.part) && levelOf(id) === level || id === `cat${level}` || id === `pad${level}`);
    const band = ids((id) => bandOf(id) === level);
    const below = ids((id) => (bandOf(id) ?? -1) > level);
    // Left column, right column: every encoder node of a level lies left of every decoder node of that level.
    expect(Math.max(...xs(left)), `level ${level}: encoder left of decoder`).toBeLessThan(Math.min(...xs(right)));
    // Row bands: a level sits wholly above every deeper level (and the bottleneck); a down step in the band below.
    expect(Math.max(...ys(band)), `level ${level} above level ${level + 1}`).toBeLessThan(Math.min(...ys(below)));
    // The skip runs straight across: its source, the crop (if any) and the concat share a row.
    expect(pos.get(`cat${level}`)!.y, `level ${level}: skip is horizontal`).toBe(pos.get(sources[level]!)!.y);
    for (const skipNode of [`crop${level}`, `att${level}`]) if (pos.has(skipNode)) expect(pos.get(skipNode)!.y).toBe(pos.get(sources[level]!)!.y);
  }
  // Bottleneck at the bottom (its down step just above it).
  const others = ids((id) => !bottleneck.includes(id));
  expect(Math.min(...ys(bottleneck))).toBeGreaterThan(Math.max(...ys(others)));
  // Input caps the left column, output the right one.
  expect(pos.get('input')!.x).toBe(Math.min(...xs(ids(() => true))));
  expect(pos.get('output')!.x).toBe(Math.max(...xs(ids(() => true))));
  // Nodes never sit on top of each other (nodes are at most ~220×80 on the canvas).
  const all = doc.nodes.map((n) => n.position);
  for (let a = 0; a < all.length; a++)
    for (let b = a + 1; b < all.length; b++) {
      const clear = Math.abs(all[a]!.x - all[b]!.x) >= 220 || Math.abs(all[a]!.y - all[b]!.y) >= 100;
      expect(clear, `${doc.nodes[a]!.id} and ${doc.nodes[b]!.id} overlap`).toBe(true);
    }
}
