import { blockPosition, checkGroupable, counterparts } from '../core/blocks';
import { IdAllocator } from '../core/ids';
import type { Params, XY } from '../core/types';
import type { ApplyResult, EditorStore } from './store';
import { at, plusZero } from './edits';

/**
 * Composite-block commands. Each is one undoable step; collapsing and expanding are steps too (they change what the
 * document shows, and a reload restores them).
 */

export type GroupResult = { ok: true; blockId: string } | { ok: false; reason: string };

/** Groups nodes (none already in a block) into a new block named `name`, expanded, and selects them. */
export function groupNodes(store: EditorStore, nodeIds: readonly string[], name = 'Block'): GroupResult {
  const { doc } = store.getState();
  const check = checkGroupable(doc, nodeIds);
  if (!check.ok) return check;
  const title = name.trim() || 'Block';
  const blockId = new IdAllocator(doc).block();
  const applied = store.apply(`Group ${check.members.length} nodes as ${title}`, (draft) => {
    (draft.blocks ??= []).push({ id: blockId, name: title, nodes: check.members, collapsed: false, position: blockPosition(draft, check.members) });
  });
  return applied.ok ? { ok: true, blockId } : { ok: false, reason: applied.message };
}

/** Removes the block; its nodes stay where they are, selected. */
export function ungroup(store: EditorStore, blockId: string): ApplyResult {
  return ungroupBlocks(store, [blockId]);
}

/** The blocks that hold any of these nodes, in document order (what "Ungroup" on a selection acts on). */
export function blocksTouching(doc: { blocks?: readonly { id: string; nodes: readonly string[] }[] }, nodeIds: readonly string[]): string[] {
  const picked = new Set(nodeIds);
  return (doc.blocks ?? []).filter((b) => b.nodes.some((id) => picked.has(id))).map((b) => b.id);
}

/** Ungroups blocks as one step; their nodes stay, selected. */
export function ungroupBlocks(store: EditorStore, blockIds: readonly string[]): ApplyResult {
  const ids = new Set(blockIds);
  const gone = (store.getState().doc.blocks ?? []).filter((b) => ids.has(b.id));
  if (gone.length === 0) return { ok: true };
  const applied = store.apply(gone.length === 1 ? `Ungroup ${gone[0]!.name}` : `Ungroup ${gone.length} blocks`, (draft) => {
    draft.blocks = draft.blocks?.filter((b) => !ids.has(b.id));
    if (draft.blocks?.length === 0) delete draft.blocks;
  });
  if (applied.ok) store.setSelection({ nodes: gone.flatMap((b) => b.nodes), edges: [] });
  return applied;
}

/** Collapses or expands blocks (all of them when `blockIds` is omitted) as one step. */
export function setCollapsed(store: EditorStore, collapsed: boolean, blockIds?: readonly string[]): ApplyResult {
  const blocks = store.getState().doc.blocks ?? [];
  const ids = new Set(blockIds ?? blocks.map((b) => b.id));
  const touched = blocks.filter((b) => ids.has(b.id) && b.collapsed !== collapsed);
  if (touched.length === 0) return { ok: true };
  const what = touched.length === 1 ? touched[0]!.id : `${touched.length} blocks`;
  return store.apply(`${collapsed ? 'Collapse' : 'Expand'} ${what}`, (draft) => {
    for (const b of draft.blocks ?? []) if (ids.has(b.id)) b.collapsed = collapsed;
  });
}

/** Renames a block's type (its instances keep theirs: renaming one Down makes it a new type). */
export function renameBlock(store: EditorStore, blockId: string, name: string): ApplyResult {
  const title = name.trim();
  if (!title) return { ok: true };
  return store.apply(
    `Rename block ${blockId}`,
    (draft) => {
      const block = draft.blocks?.find((b) => b.id === blockId);
      if (block && block.name !== title) block.name = title;
    },
    { mergeKey: `block-name:${blockId}` },
  );
}

/** Moves a collapsed block; the frames of one drag merge into one step, `final` closes it. */
export function moveBlock(store: EditorStore, blockId: string, position: XY, opts: { final?: boolean } = {}): void {
  if (Number.isFinite(position.x) && Number.isFinite(position.y))
    store.apply(
      `Move ${blockId}`,
      (draft) => {
        const block = draft.blocks?.find((b) => b.id === blockId);
        if (block && (block.position.x !== position.x || block.position.y !== position.y)) block.position = at(position);
      },
      { mergeKey: `move-block:${blockId}` },
    );
  if (opts.final) store.endMerge();
}

/**
 * "Apply to all instances": the same params set on `nodeId` and on its counterpart in every other instance of its
 * block (`core/blocks.ts` counterparts), as one step. Returns how many nodes were changed.
 */
export function setParamsOnAllInstances(store: EditorStore, nodeId: string, patch: Params): ApplyResult & { nodes?: string[] } {
  const targets = [nodeId, ...counterparts(store.getState().doc, nodeId)];
  const fields = Object.keys(patch);
  if (fields.length === 0) return { ok: true, nodes: [] };
  store.endMerge();
  const applied = store.apply(`Set ${fields.join(', ')} on ${targets.length} instances`, (draft) => {
    const byId = new Map(draft.nodes.map((n) => [n.id, n]));
    for (const id of targets) {
      const node = byId.get(id);
      if (node) for (const f of fields) if (!Object.is(node.params[f], plusZero(patch[f]))) node.params[f] = plusZero(patch[f]!);
    }
  });
  store.endMerge();
  return applied.ok ? { ok: true, nodes: targets } : applied;
}
