import type { GraphBlock, GraphNode } from '../../core/types';

/**
 * The top-level module a foreign node came from: the first part of its ONNX scope ("/down1/maxpool_conv/…/MaxPool"
 * → "down1", as torch.onnx.export names nodes) or of its PyTorch-style id ("down1.maxpool_conv.0"). None for
 * nodes outside any module ("Conv_0", Keras layer names).
 */
export function moduleScope(source: string, id: string): string | undefined {
  const parts = source.split('/').filter(Boolean);
  if (source.startsWith('/') && parts.length > 1) return parts[0];
  const dot = id.indexOf('.');
  return dot > 0 ? id.slice(0, dot) : undefined;
}

/** "down1" → "Down", "up_2" → "Up", "downs.0" (a ModuleList item) → "Downs", "inc" → "Inc": the module attribute
 * without its instance number, as a type name. */
const typeName = (scope: string) => {
  const base = scope.replace(/[._\d]+$/, '') || scope;
  return base.charAt(0).toUpperCase() + base.slice(1);
};

/**
 * An imported model's top-level modules as composite blocks (milesial's inc, down1…4, up1…4 read as Inc, Down ×4,
 * Up ×4), so a model opened from PyTorch's ONNX export shows the structure its code has. Modules of one node (an
 * `outc` 1×1 conv) stay plain nodes. Positions are placeholders until the layout places the members.
 */
export function scopeBlocks(nodes: readonly GraphNode[], scopes: ReadonlyMap<string, string>): GraphBlock[] {
  const members = new Map<string, string[]>();
  for (const n of nodes) {
    const scope = scopes.get(n.id);
    if (scope) members.set(scope, [...(members.get(scope) ?? []), n.id]);
  }
  const taken = new Set(nodes.map((n) => n.id));
  const blocks: GraphBlock[] = [];
  for (const [scope, ids] of members) {
    if (ids.length < 2) continue;
    let id = taken.has(scope) ? `${scope}_block` : scope;
    for (let k = 2; taken.has(id); k++) id = `${scope}_block_${k}`;
    taken.add(id);
    blocks.push({ id, name: typeName(scope), nodes: ids, collapsed: false, position: { x: 0, y: 0 } });
  }
  return blocks;
}
