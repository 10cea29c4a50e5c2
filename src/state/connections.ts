import { wouldCreateCycle } from '../core/graph';
import { portsOf, type NodePorts } from '../core/ports';
import type { GraphDoc, GraphEdge, GraphNode } from '../core/types';

export interface Connection {
  source: string;
  target: string;
  targetPort: number;
}

/**
 * `targetPort` is the port the edge will really use: for variadic ops (concat, add) a drop on any slot past the
 * connected ones appends at the first free slot, so ports stay 0..N−1.
 */
export type ConnectionCheck = { ok: true; targetPort: number; reason?: undefined } | { ok: false; reason: string };

/** The input ports of a node as its current params define them (crop/pad gain a `like` port in mode "like"). */
export const inputPortsOf = (node: GraphNode): NodePorts | undefined => portsOf(node);

const reject = (reason: string): ConnectionCheck => ({ ok: false, reason });

/** Whether `conn` may be added to `doc`, and why not. Pure: used by `connect` and by React Flow while dragging. */
export function isValidConnection(doc: Pick<GraphDoc, 'nodes' | 'edges'>, conn: Connection): ConnectionCheck {
  const { source, target, targetPort } = conn;
  const sourceNode = doc.nodes.find((n) => n.id === source);
  const targetNode = doc.nodes.find((n) => n.id === target);
  if (!sourceNode) return reject(`there is no node "${source}" to connect from`);
  if (!targetNode) return reject(`there is no node "${target}" to connect to`);
  if (source === target) return reject(`${source} cannot feed its own input`);
  if (sourceNode.op === 'output') return reject(`${source} is an output: it ends the network and feeds nothing`);

  const spec = inputPortsOf(targetNode);
  if (!spec) return reject(`${target} has an unknown op "${targetNode.op}" or invalid params, so its inputs are unknown`);
  if (!Number.isInteger(targetPort) || targetPort < 0)
    return reject(`${target}: port ${String(targetPort)} is not a port number (expected an integer ≥ 0)`);

  const incoming = doc.edges.filter((e) => e.target === target);
  const feeding = (port: number): GraphEdge | undefined => incoming.find((e) => e.targetPort === port);
  let port = targetPort;
  const { ports, op } = spec;

  if ('names' in ports) {
    if (ports.names.length === 0) return reject(`${target} (${op.label}) takes no inputs`);
    if (port >= ports.names.length)
      return reject(`${target} (${op.label}) has no input port ${port}; it takes ${ports.names.length}: ${ports.names.join(', ')}`);
    const taken = feeding(port);
    if (taken)
      return reject(`input "${ports.names[port]}" of ${target} is already fed by ${taken.source}; delete that edge first`);
  } else {
    const { min, max } = ports.variadic;
    if (incoming.length >= max) return reject(`${target} already has ${incoming.length} inputs, the most ${op.type} takes`);
    const taken = feeding(port);
    if (taken) return reject(`input ${port} of ${target} is already fed by ${taken.source}; drop on the free slot to add one`);
    const appendAt = Math.max(-1, ...incoming.map((e) => e.targetPort)) + 1;
    // Empty slots among the first `min` stay addressable (concat shows two from the start); past them, append.
    if (port > appendAt && port >= min) port = appendAt;
    if (port >= max) return reject(`${target} (${op.label}) takes at most ${max} inputs (ports 0..${max - 1})`);
  }

  if (wouldCreateCycle(doc, source, target))
    return reject(`connecting ${source} → ${target} would create a cycle: ${target} already feeds ${source}`);
  return { ok: true, targetPort: port };
}
