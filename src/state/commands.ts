import type { Fix } from '../core/diagnostics';
import { applyActionTo, FixError } from '../core/fixes';
import { getOp, opTypes } from '../core/ops';
import { withDefaults } from '../core/params';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc, type GraphNode, type Params, type XY } from '../core/types';
import { isValidConnection, type Connection } from './connections';
import { at, describeElements, plusZero, removeFromDoc } from './edits';
import { IdAllocator } from '../core/ids';
import { EditRefused, type ApplyResult, type EditorStore } from './store';

// Every edit the UI makes goes through one of these; each is one history step (drags and typing merge).
export { isValidConnection, inputPortsOf, type Connection, type ConnectionCheck } from './connections';
export {
  CLIPBOARD_FORMAT,
  copySelection,
  cutSelection,
  duplicateSelection,
  paste,
  parseClipboard,
  type Clipboard,
  type ClipboardParse,
} from './clipboard';


/**
 * Adds a node with the op's default params overlaid by `params`, selects it and returns its id (`conv2d_3`).
 * Throws for an unknown op, and an EditRefused when the store refuses the node (params the format refuses, the
 * node limit; its `onRefuse` listeners have been told).
 */
export function addNode(store: EditorStore, op: string, position: XY, params?: Params): string {
  const def = getOp(op);
  if (!def) throw new Error(`addNode: unknown op "${op}" (known ops: ${opTypes().join(', ')})`);
  const id = new IdAllocator(store.getState().doc).node(op);
  const given = params && Object.fromEntries(Object.entries(params).map(([k, v]) => [k, plusZero(v)]));
  const node: GraphNode = { id, op, params: withDefaults(def.params, given), position: at(position) };
  const added = store.apply(`Add ${def.label}`, (draft) => {
    draft.nodes.push(node);
  });
  if (!added.ok) throw new EditRefused(added);
  store.setSelection({ nodes: [id], edges: [] });
  return id;
}

export type InsertResult = { ok: true; nodeId: string } | { ok: false; reason: string };

/**
 * Drops a new node onto an edge: the edge now runs through it (source → new node port 0 → the edge's target), as
 * one undoable step, with the node where it was dropped. Ops with no input or no output (input, output) are
 * refused; the caller then just adds the node.
 */
export function insertOnEdge(store: EditorStore, op: string, edgeId: string, position: XY): InsertResult {
  const def = getOp(op);
  if (!def) return { ok: false, reason: `unknown op "${op}"` };
  const { doc } = store.getState();
  const edge = doc.edges.find((e) => e.id === edgeId);
  if (!edge) return { ok: false, reason: `the connection "${edgeId}" is gone` };
  if (op === 'output' || op === 'input') return { ok: false, reason: `${def.label} cannot sit on a connection` };
  const before = new Set(doc.nodes.map((n) => n.id));
  try {
    const applied = store.apply(`Insert ${def.label} on ${edge.source} → ${edge.target}`, (draft) => {
      applyActionTo(draft, { kind: 'insertBefore', op, params: {}, nodeId: edge.target, port: edge.targetPort });
      const added = draft.nodes.find((n) => !before.has(n.id));
      if (added) added.position = at(position);
    });
    if (!applied.ok) return { ok: false, reason: applied.message };
  } catch (err) {
    if (!(err instanceof FixError)) throw err;
    return { ok: false, reason: err.message };
  }
  const nodeId = store.getState().doc.nodes.find((n) => !before.has(n.id))!.id;
  store.setSelection({ nodes: [nodeId], edges: [] });
  return { ok: true, nodeId };
}

/** Removing a node removes its edges; variadic nodes that lose an input keep their ports 0..N−1 in order. */
export function removeElements(store: EditorStore, elements: { nodes?: string[]; edges?: string[] }): ApplyResult {
  const nodes = elements.nodes ?? [];
  const edges = elements.edges ?? [];
  return store.apply(`Delete ${describeElements(nodes, edges)}`, (draft) => removeFromDoc(draft, nodes, edges));
}

export function deleteSelection(store: EditorStore): ApplyResult {
  return removeElements(store, store.getState().selection);
}

export type ConnectResult = { ok: true; edgeId: string } | { ok: false; reason: string };

/** Adds an edge if `isValidConnection` allows it (a variadic drop past the last input appends). */
export function connect(store: EditorStore, conn: Connection): ConnectResult {
  const { doc } = store.getState();
  const check = isValidConnection(doc, conn);
  if (!check.ok) return check;
  const edgeId = new IdAllocator(doc).edge(conn.source, conn.target);
  const applied = store.apply(`Connect ${conn.source} → ${conn.target}`, (draft) => {
    draft.edges.push({ id: edgeId, source: conn.source, target: conn.target, targetPort: check.targetPort });
  });
  return applied.ok ? { ok: true, edgeId } : { ok: false, reason: applied.message };
}

/**
 * Sets params as given; a value the format refuses (`padding: "abc"`, `epsilon: true`) is refused with the format's
 * message and changes nothing (the inspector keeps half-typed text in its field, not in the document).
 * Consecutive edits of the same fields of one node merge into one step.
 */
export function setParams(store: EditorStore, nodeId: string, patch: Params): ApplyResult {
  const fields = Object.keys(patch).sort();
  if (fields.length === 0) return { ok: true };
  const label = fields.length === 1 ? `Set ${nodeId}.${fields[0]}` : `Set ${fields.length} params of ${nodeId}`;
  return store.apply(
    label,
    (draft) => {
      const node = draft.nodes.find((n) => n.id === nodeId);
      if (!node) return;
      for (const f of fields) if (!Object.is(node.params[f], plusZero(patch[f]))) node.params[f] = plusZero(patch[f]!);
    },
    { mergeKey: `params:${nodeId}:${fields.join(',')}` },
  );
}

/** An empty or blank label removes it (the node then shows its id). Over the length limit it is refused. */
export function setLabel(store: EditorStore, nodeId: string, label: string): ApplyResult {
  const text = label.trim();
  return store.apply(
    `Rename ${nodeId}`,
    (draft) => {
      const node = draft.nodes.find((n) => n.id === nodeId);
      if (!node) return;
      if (text) {
        if (node.label !== text) node.label = text;
      } else if (node.label !== undefined) delete node.label;
    },
    { mergeKey: `label:${nodeId}` },
  );
}

/** Called on every drag frame; all frames of one drag merge into one step, and `final` closes it. */
export function moveNodes(store: EditorStore, positions: Record<string, XY>, opts: { final?: boolean } = {}): void {
  const moves = Object.entries(positions).filter(([, p]) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (moves.length) {
    const ids = moves.map(([id]) => id).sort();
    store.apply(
      `Move ${describeElements(ids, [])}`,
      (draft) => {
        const byId = new Map(draft.nodes.map((n) => [n.id, n]));
        for (const [id, p] of moves) {
          const node = byId.get(id);
          if (node && (node.position.x !== p.x || node.position.y !== p.y)) node.position = at(p);
        }
      },
      { mergeKey: `move:${ids.join(',')}` },
    );
  }
  if (opts.final) store.endMerge();
}

export type FixResult = { ok: true; addedNodes: string[] } | { ok: false; reason: string };

/** Applies a diagnostic's fix as one step and selects any node it inserted. A stale fix is reported, not thrown. */
export function applyDiagnosticFix(store: EditorStore, fix: Fix): FixResult {
  const before = new Set(store.getState().doc.nodes.map((n) => n.id));
  try {
    // The draft form records fine-grained patches; a throwing action aborts the whole fix, leaving the doc as it was.
    const applied = store.apply(fix.label, (draft) => {
      for (const action of fix.actions) applyActionTo(draft, action);
    });
    if (!applied.ok) return { ok: false, reason: applied.message };
  } catch (err) {
    if (!(err instanceof FixError)) throw err;
    return { ok: false, reason: `could not apply "${fix.label}": ${err.message}` };
  }
  const addedNodes = store.getState().doc.nodes.filter((n) => !before.has(n.id)).map((n) => n.id);
  if (addedNodes.length) store.setSelection({ nodes: addedNodes, edges: [] });
  return { ok: true, addedNodes };
}

/** Renames the document; a name over the format's limit is refused (the UI field also stops typing there). */
export function renameGraph(store: EditorStore, name: string): ApplyResult {
  return store.apply('Rename graph', (draft) => void (draft.name = name), { mergeKey: 'doc-name' });
}

export function selectAll(store: EditorStore): void {
  const { doc } = store.getState();
  store.setSelection({ nodes: doc.nodes.map((n) => n.id), edges: doc.edges.map((e) => e.id) });
}

/** A fresh document: just an input node with default params, ready to build on. */
export function emptyDocument(name = 'Untitled'): GraphDoc {
  const input = getOp('input')!;
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    nodes: [{ id: 'input', op: 'input', params: withDefaults(input.params, {}), position: { x: 0, y: 0 } }],
    edges: [],
  };
}

export function newDocument(store: EditorStore, name?: string): ApplyResult {
  return store.replaceDocument(emptyDocument(name), 'New document');
}

/** Loads a template or an imported document as one undoable step. */
export function loadDocument(store: EditorStore, doc: GraphDoc, label = `Load “${doc.name}”`): ApplyResult {
  return store.replaceDocument(doc, label);
}

export { blocksTouching, groupNodes, moveBlock, renameBlock, setCollapsed, setParamsOnAllInstances, ungroup, ungroupBlocks, type GroupResult } from './blocks';
