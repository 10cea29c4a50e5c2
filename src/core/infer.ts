import type { Diagnostic, OpIssue } from './diagnostics';
import { indexAndOrder, type GraphIndex } from './graph';
import { blankInfo, checkNode, evaluateNode, sameReads, type CheckedNode } from './inferNode';
import type { OpDef, ParamCount } from './op';
import { getOp } from './ops';
import type { GraphDoc, GraphNode, Params, Shape } from './types';

export { BYTES_PER_VALUE } from './inferNode';

/** Each frozen node's checked params and last evaluation (see inferShapes). */
const nodeMemo = new WeakMap<GraphNode, CheckedNode>();
/** The last memoised call's nodes array and, by position, the memo entries it used (undefined: not memoable). */
let lastRun: { nodes: readonly GraphNode[]; memoed: (CheckedNode | undefined)[] } | undefined;

// The execution order's nodes as positions in the nodes array (first occurrence), kept while the order is.
const positionMemo = new WeakMap<string[], Int32Array>();
function positionsOf(order: string[], nodes: readonly GraphNode[]): Int32Array {
  let positions = positionMemo.get(order);
  if (positions) return positions;
  const at = new Map<string, number>();
  nodes.forEach((n, i) => at.has(n.id) || at.set(n.id, i));
  positions = Int32Array.from(order, (id) => at.get(id)!);
  positionMemo.set(order, positions);
  return positions;
}

export interface NodeInfo {
  id: string;
  op?: OpDef;
  /** Validated params with defaults filled in; undefined when a param is invalid. */
  params?: Params;
  /** Shape on each port, in port order; undefined where unconnected or unknown. */
  inputs: (Shape | undefined)[];
  output?: Shape;
  paramCount: ParamCount;
  macs: number;
  /** Bytes of this node's output for the whole batch (fp32). */
  bytes: number;
  /** Receptive field in input pixels and the grid step relative to the input (cumulative stride). */
  receptiveField?: number;
  jump?: number;
}

export interface ShapeOptions {
  /** Overrides the input node's C×H×W (first input node). */
  input?: Partial<Shape>;
}

export interface ShapeReport {
  nodes: Map<string, NodeInfo>;
  /** Shape carried by each edge (its source's output), undefined when unknown. */
  edges: Map<string, Shape | undefined>;
  order: string[];
  diagnostics: Diagnostic[];
  batch: number;
  inputId?: string;
  /** The graph index the pass used (incoming/outgoing edges per node), so callers need not build another. */
  index: GraphIndex;
}

/** Infers every node's output shape. Never throws: problems become diagnostics and downstream shapes unknown. */
export function inferShapes(doc: Pick<GraphDoc, 'nodes' | 'edges'>, options: ShapeOptions = {}): ShapeReport {
  const diagnostics: Diagnostic[] = [];
  const report = (nodeId: string | undefined, i: OpIssue) => diagnostics.push({ ...i, nodeId });
  const { index, order, cyclic } = indexAndOrder(doc);
  // The index drops duplicate nodes and dangling edges; only when it did is there anything to report.
  if (index.nodes.size !== doc.nodes.length) {
    const seen = new Set<string>();
    for (const n of doc.nodes) {
      if (seen.has(n.id)) report(n.id, { severity: 'error', code: 'duplicate-id', message: `two nodes have the id "${n.id}"` });
      seen.add(n.id);
    }
  }
  let indexedEdges = 0;
  for (const ins of index.incoming.values()) indexedEdges += ins.length;
  if (indexedEdges !== doc.edges.length) {
    for (const e of doc.edges) {
      for (const end of ['source', 'target'] as const)
        if (!index.nodes.has(e[end]))
          report(index.nodes.has(e.target) ? e.target : undefined, {
            severity: 'error',
            code: 'dangling-edge',
            message: `edge ${e.id}: its ${end} "${e[end]}" is not a node`,
          });
    }
  }

  const inputNodes = doc.nodes.filter((n) => n.op === 'input');
  const inputId = inputNodes[0]?.id;
  if (!inputId) report(undefined, { severity: 'error', code: 'no-input', message: 'the graph has no input node' });
  let batch = 1;

  // Per-node work is remembered on the (frozen) node object and reused while the node and everything it reads
  // are unchanged; an input override (the size search) neither reads nor writes the memo. The previous call's
  // nodes array answers most look-ups by position, without a WeakMap look-up or a freeze check per node.
  const remember = !options.input;
  const last = remember ? lastRun : undefined;
  const checkedAt = new Array<CheckedNode | undefined>(doc.nodes.length);
  const memoedAt = new Array<CheckedNode | undefined>(doc.nodes.length);
  const nodes = new Map<string, NodeInfo>();
  const duplicates = index.nodes.size !== doc.nodes.length;
  for (let i = 0; i < doc.nodes.length; i++) {
    const n = doc.nodes[i]!;
    if (duplicates && index.nodes.get(n.id) !== n) continue;
    let checked = last && last.nodes[i] === n ? last.memoed[i] : undefined;
    if (!checked) {
      const memoable = remember && Object.isFrozen(n) && Object.isFrozen(n.params);
      checked = memoable ? nodeMemo.get(n) : undefined;
      if (!checked) {
        const fresh = checkNode(n, getOp, n.id === inputId ? options.input : undefined);
        if (memoable) nodeMemo.set(n, fresh);
        checked = fresh;
      }
      if (memoable) memoedAt[i] = checked;
    } else memoedAt[i] = checked;
    checkedAt[i] = checked;
    // The last evaluation's info holds the slot (keeping the map in node order) until the pass below decides.
    nodes.set(n.id, checked.evaluated?.info ?? blankInfo(n.id, checked));
    for (const d of checked.issues) diagnostics.push(d);
    if (n.id === inputId && checked.params && typeof checked.params.batch === 'number') batch = checked.params.batch;
  }
  // A clone or a hand-built document (unfrozen) would only push out the editor's document.
  if (remember && Object.isFrozen(doc.nodes)) lastRun = { nodes: doc.nodes, memoed: memoedAt };

  for (const id of cyclic)
    report(id, { severity: 'error', code: 'cycle', message: `${id} is on a cycle (or fed by one): a network must flow one way` });

  const edges = new Map<string, Shape | undefined>();
  const positions = positionsOf(order, doc.nodes);
  for (let k = 0; k < order.length; k++) {
    const id = order[k]!;
    const checked = checkedAt[positions[k]!]!;
    const incoming = index.incoming.get(id)!;
    let ev = checked.evaluated;
    if (!ev || !sameReads(ev, batch, incoming, nodes)) {
      ev = evaluateNode(id, checked, incoming, nodes, batch);
      if (memoedAt[positions[k]!] === checked) checked.evaluated = ev;
    }
    nodes.set(id, ev.info);
    for (const d of ev.issues) diagnostics.push(d);
  }
  // Nodes on a cycle never run: whatever held their slot, they show no shapes.
  for (const id of cyclic) nodes.set(id, blankInfo(id, nodes.get(id)!));
  for (const e of doc.edges) edges.set(e.id, nodes.get(e.source)?.output);
  index.outgoing.forEach((outs, id) => {
    const info = nodes.get(id)!;
    if (outs.length === 0 && info.op && info.op.type !== 'output' && index.incoming.get(id)!.length > 0)
      report(id, { severity: 'warning', code: 'unused-output', message: `${id}: its output is not used (connect it, or add an output node)` });
  });
  return { nodes, edges, order, diagnostics, batch, inputId, index };
}

