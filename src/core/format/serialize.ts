import { inferShapes, type ShapeOptions } from '../infer';
import { getOp } from '../ops';
import { blockSummary } from '../blocks';
import type { GraphBlock, GraphDoc, GraphEdge, GraphNode, Params, Shape } from '../types';

export interface SerializeOptions {
  /** Add each node's and edge's inferred shape (and node parameter counts) under `info`; import ignores them. */
  shapes?: boolean;
  /** Input size override passed to shape inference when `shapes` is set. */
  input?: ShapeOptions['input'];
}

/** Params in the op's declared order (the order the inspector shows), any others after, sorted. */
function orderedParams(node: GraphNode): Params {
  const declared = Object.keys(getOp(node.op)?.params ?? {});
  const out: Params = {};
  for (const key of declared) if (Object.hasOwn(node.params, key)) out[key] = node.params[key]!;
  for (const key of Object.keys(node.params).sort()) if (!Object.hasOwn(out, key)) out[key] = node.params[key]!;
  return out;
}

const shapeArray = (s: Shape | undefined) => (s ? [s.c, s.h, s.w] : null);

function nodeJson(node: GraphNode, info?: Record<string, unknown>): Record<string, unknown> {
  return {
    id: node.id,
    op: node.op,
    ...(node.label !== undefined ? { label: node.label } : {}),
    params: orderedParams(node),
    position: { x: node.position.x, y: node.position.y },
    ...(info ? { info } : {}),
  };
}

function edgeJson(edge: GraphEdge, info?: Record<string, unknown>): Record<string, unknown> {
  return { id: edge.id, source: edge.source, target: edge.target, targetPort: edge.targetPort, ...(info ? { info } : {}) };
}

function blockJson(block: GraphBlock, info?: Record<string, unknown>): Record<string, unknown> {
  return {
    id: block.id,
    name: block.name,
    nodes: [...block.nodes],
    collapsed: block.collapsed,
    position: { x: block.position.x, y: block.position.y },
    ...(info ? { info } : {}),
  };
}

/**
 * The document as pretty JSON with a fixed field order, so saving twice gives the same bytes and diffs stay small.
 * Short flat objects and arrays (`position`, `shape`) stay on one line.
 */
export function serializeGraph(doc: GraphDoc, options: SerializeOptions = {}): string {
  const inference = options.shapes ? inferShapes(doc, { input: options.input }) : undefined;
  const nodeInfo = (n: GraphNode) => {
    if (!inference) return undefined;
    const info = inference.nodes.get(n.id);
    const count = info?.output ? info.paramCount.trainable + info.paramCount.nonTrainable : undefined;
    return { shape: shapeArray(info?.output), ...(count !== undefined ? { parameters: count } : {}) };
  };
  const json = {
    format: doc.format,
    version: doc.version,
    name: doc.name,
    ...(doc.description !== undefined ? { description: doc.description } : {}),
    nodes: doc.nodes.map((n) => nodeJson(n, nodeInfo(n))),
    edges: doc.edges.map((e) => edgeJson(e, inference ? { shape: shapeArray(inference.edges.get(e.id)) } : undefined)),
    ...(doc.blocks?.length
      ? {
          blocks: doc.blocks.map((b) => {
            if (!inference) return blockJson(b);
            const summary = blockSummary(doc, b, inference);
            return blockJson(b, { inputs: summary.inputs.map((p) => shapeArray(p.shape)), outputs: summary.outputs.map((p) => shapeArray(p.shape)), parameters: summary.parameters });
          }),
        }
      : {}),
  };
  return `${prettyJson(json)}\n`;
}

const INLINE_WIDTH = 72;

/** JSON.stringify(value, null, 2), except that containers holding only primitives go on one line when short. */
export function prettyJson(value: unknown, indent = ''): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const entries: [string | undefined, unknown][] = Array.isArray(value)
    ? value.map((v) => [undefined, v])
    : Object.entries(value).filter(([, v]) => v !== undefined);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return `${open}${close}`;
  const key = (k: string | undefined) => (k === undefined ? '' : `${JSON.stringify(k)}: `);
  if (entries.every(([, v]) => typeof v !== 'object' || v === null)) {
    const flat = entries.map(([k, v]) => `${key(k)}${JSON.stringify(v) ?? 'null'}`);
    const line = Array.isArray(value) ? `[${flat.join(', ')}]` : `{ ${flat.join(', ')} }`;
    if (line.length + indent.length <= INLINE_WIDTH) return line;
  }
  const inner = `${indent}  `;
  const lines = entries.map(([k, v]) => `${inner}${key(k)}${prettyJson(v, inner)}`);
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}
