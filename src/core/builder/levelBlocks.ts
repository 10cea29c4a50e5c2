import { blockPosition } from '../blocks';
import type { GraphBlock, GraphDoc, GraphNode } from '../types';
import { unetRole } from './ids';

/**
 * A generated U-Net grouped the way its reference code is written (milesial's Pytorch-UNet): the first level's double
 * conv (`DoubleConv`, or `ResidualBlock` for ResUNet), one `Down` per encoder step (its down step and the next
 * level's convs), one `Up` per decoder step (up step, skip gate, crop or pad, concat and the level's convs). The input,
 * head and output stay on their own, so the paper network reads as 9 blocks + head. Blocks start expanded: the
 * first view still shows every edge's shape (572 → 570 → 568 …); collapsing one shows its in → out shapes.
 */
export function levelBlocks(nodes: readonly GraphNode[], depth: number): GraphBlock[] {
  const groups = new Map<string, string[]>();
  const join = (key: string, id: string) => groups.set(key, [...(groups.get(key) ?? []), id]);
  for (const node of nodes) {
    const role = unetRole(node.id);
    if (!role || !('level' in role)) continue;
    if (role.part === 'encoder') join(role.level === 0 ? 'enc0' : `down${role.level - 1}`, node.id);
    else if (role.part === 'down') join(`down${role.level}`, node.id);
    else join(`up${role.level}`, node.id);
  }
  const residual = nodes.some((n) => n.id === 'enc0_res');
  const block = (key: string, name: string): GraphBlock[] => {
    const members = groups.get(key);
    return members ? [{ id: `${key}_block`, name, nodes: members, collapsed: false, position: blockPosition({ nodes: [...nodes] }, members) }] : [];
  };
  const blocks = block('enc0', residual ? 'ResidualBlock' : 'DoubleConv');
  for (let level = 0; level < depth; level++) blocks.push(...block(`down${level}`, 'Down'));
  for (let level = depth - 1; level >= 0; level--) blocks.push(...block(`up${level}`, 'Up'));
  return blocks;
}

/**
 * Whether a document's blocks are exactly the builder's level grouping of its nodes (same ids, names and members;
 * members that are no longer nodes ignored) — a template as generated, which its reference code describes best.
 */
export function isLevelGrouping(doc: Pick<GraphDoc, 'nodes' | 'blocks'>): boolean {
  const blocks = doc.blocks ?? [];
  if (blocks.length === 0) return false;
  const levels = doc.nodes.map((n) => unetRole(n.id)).flatMap((r) => (r && 'level' in r ? [r.level] : []));
  const expected = levelBlocks(doc.nodes, Math.max(0, ...levels) + 1);
  const ids = new Set(doc.nodes.map((n) => n.id));
  const key = (b: Pick<GraphBlock, 'id' | 'name' | 'nodes'>) => JSON.stringify([b.id, b.name, b.nodes.filter((id) => ids.has(id)).sort()]);
  const want = new Set(expected.map(key));
  return blocks.length === expected.length && blocks.every((b) => want.has(key(b)));
}
