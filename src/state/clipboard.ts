import { z } from 'zod';
import { getOp } from '../core/ops';
import type { GraphBlock, GraphEdge, GraphNode, XY } from '../core/types';
import { compactVariadicPorts, describeElements, removeFromDoc } from './edits';
import { IdAllocator } from '../core/ids';
import type { EditorStore } from './store';

export const CLIPBOARD_FORMAT = 'unet-studio/clipboard';

/** Plain, JSON-serialisable: the UI puts it on the system clipboard as text and keeps an in-memory copy. */
export interface Clipboard {
  format: typeof CLIPBOARD_FORMAT;
  nodes: GraphNode[];
  /** Only edges whose two ends are both in `nodes`. */
  edges: GraphEdge[];
  /** Blocks all of whose members are in `nodes`: a paste makes new instances of them. */
  blocks?: GraphBlock[];
}

export const DEFAULT_PASTE_OFFSET: XY = { x: 40, y: 40 };

const finite = z.number().finite();
const clipboardSchema = z.object({
  format: z.literal(CLIPBOARD_FORMAT),
  nodes: z.array(
    z.object({
      id: z.string().min(1),
      op: z.string().min(1),
      params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
      position: z.object({ x: finite, y: finite }),
      label: z.string().optional(),
    }),
  ),
  edges: z.array(
    z.object({ id: z.string().min(1), source: z.string(), target: z.string(), targetPort: z.number().int().min(0) }),
  ),
  blocks: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().min(1),
        nodes: z.array(z.string().min(1)).min(1),
        collapsed: z.boolean(),
        position: z.object({ x: finite, y: finite }),
      }),
    )
    .optional(),
});

export type ClipboardParse = { ok: true; clipboard: Clipboard } | { ok: false; reason: string };

/**
 * Reads a clipboard from system-clipboard text or an already parsed value. Anything else pasted (a sentence, another
 * app's JSON) comes back as `ok: false` with the reason, never an exception.
 */
export function parseClipboard(input: unknown): ClipboardParse {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, reason: 'the clipboard does not hold UNet Studio nodes (it is not JSON)' };
    }
  }
  const parsed = clipboardSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.path[0] === 'format' || issue.path.length === 0)
      return { ok: false, reason: `the clipboard does not hold UNet Studio nodes (expected format "${CLIPBOARD_FORMAT}")` };
    return { ok: false, reason: `clipboard ${issue.path.join('.')}: ${issue.message}` };
  }
  const clip = parsed.data as Clipboard;
  const unknown = clip.nodes.find((n) => !getOp(n.op));
  if (unknown) return { ok: false, reason: `clipboard node ${unknown.id}: unknown op "${unknown.op}"` };
  return { ok: true, clipboard: clip };
}

/** The selected nodes and the edges between them (an edge needs both ends to make sense on its own). */
export function copySelection(store: EditorStore): Clipboard {
  const { doc, selection } = store.getState();
  const picked = new Set(selection.nodes);
  const nodes = doc.nodes.filter((n) => picked.has(n.id));
  const edges = doc.edges.filter((e) => picked.has(e.source) && picked.has(e.target));
  const blocks = (doc.blocks ?? []).filter((b) => b.nodes.every((id) => picked.has(id)));
  const clip: Clipboard = { format: CLIPBOARD_FORMAT, nodes, edges };
  if (blocks.length) clip.blocks = blocks;
  return structuredClone(clip);
}

/** Copies, then deletes the selection (selected edges included) as one history step. */
export function cutSelection(store: EditorStore): Clipboard {
  const clip = copySelection(store);
  const { nodes, edges } = store.getState().selection;
  if (nodes.length || edges.length)
    store.apply(`Cut ${describeElements(nodes, edges)}`, (draft) => removeFromDoc(draft, nodes, edges));
  return clip;
}

/**
 * Adds the clipboard's nodes under fresh ids (`${op}_${n}`), shifted by `offset`, with their internal edges remapped;
 * selects them and returns the new node ids. One history step; [] when the store refuses it (a clipboard from
 * elsewhere holding params or labels the format refuses — the store's `onRefuse` listeners are told why).
 */
export function paste(store: EditorStore, clip: Clipboard, offset: XY = DEFAULT_PASTE_OFFSET): string[] {
  if (clip.nodes.length === 0) return [];
  const ids = new IdAllocator(store.getState().doc);
  const remap = new Map<string, string>();
  const nodes: GraphNode[] = clip.nodes.map((n) => {
    const id = ids.node(n.op);
    remap.set(n.id, id);
    const node: GraphNode = {
      id,
      op: n.op,
      params: { ...n.params },
      position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
    };
    if (n.label !== undefined) node.label = n.label;
    return node;
  });
  const edges: GraphEdge[] = [];
  for (const e of clip.edges) {
    const source = remap.get(e.source);
    const target = remap.get(e.target);
    if (!source || !target) continue;
    edges.push({ id: ids.edge(source, target), source, target, targetPort: e.targetPort });
  }
  // A concat copied with only some of its inputs keeps them in order, from port 0.
  compactVariadicPorts({ nodes, edges }, nodes.map((n) => n.id));
  // Whole blocks come as new instances (same name, fresh id); a member pasted twice over is left out of the second.
  const blocks: GraphBlock[] = [];
  const grouped = new Set<string>();
  for (const b of clip.blocks ?? []) {
    const members = b.nodes.map((id) => remap.get(id)).filter((id): id is string => !!id && !grouped.has(id));
    if (members.length === 0) continue;
    for (const id of members) grouped.add(id);
    const position = { x: b.position.x + offset.x, y: b.position.y + offset.y };
    blocks.push({ id: ids.block(b.id), name: b.name, nodes: members, collapsed: b.collapsed, position });
  }
  const applied = store.apply(`Paste ${describeElements(nodes.map((n) => n.id), [])}`, (draft) => {
    // Loops, not push(...list): a pasted list can be longer than a call's argument limit.
    for (const n of nodes) draft.nodes.push(n);
    for (const e of edges) draft.edges.push(e);
    if (blocks.length) for (const b of blocks) (draft.blocks ??= []).push(b);
  });
  if (!applied.ok) return [];
  const newIds = nodes.map((n) => n.id);
  store.setSelection({ nodes: newIds, edges: edges.map((e) => e.id) });
  return newIds;
}

export function duplicateSelection(store: EditorStore, offset: XY = DEFAULT_PASTE_OFFSET): string[] {
  return paste(store, copySelection(store), offset);
}
