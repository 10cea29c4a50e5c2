import type { InputPorts } from '../op';
import { portsOf, type NodePorts } from '../ports';
import type { Problem } from './errors';
import { quote } from '../text';
import { FORBIDDEN_KEYS } from './limits';

type Rec = Record<string, unknown>;
const record = (v: unknown): Rec | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined);
/** Ids come from the file: quoted, and cut when long. */
const q = (s: string) => quote(s);

function portLimit(op: string, ports: InputPorts): { count: number; says: string } {
  if ('variadic' in ports) {
    const { max } = ports.variadic;
    return { count: max, says: `${op} takes at most ${max} inputs (ports 0–${max - 1})` };
  }
  const { names } = ports;
  if (names.length === 0) return { count: 0, says: `${op} takes no inputs` };
  const list = names.map((n) => q(n)).join(', ');
  return {
    count: names.length,
    says: names.length === 1 ? `${op} takes 1 input (port 0: ${list})` : `${op} takes ${names.length} inputs (ports 0–${names.length - 1}: ${list})`,
  };
}

/** `bad-port` when the edge feeds a port its target does not have; false when the port exists; undefined when the target's ports are unknown (its op or params are refused elsewhere). */
function badPort(ports: NodePorts | undefined, name: string, i: number, targetId: string, port: number): Problem | false | undefined {
  if (!ports) return undefined;
  const limit = portLimit(ports.op.type, ports.ports);
  if (port < limit.count) return false;
  return { code: 'bad-port', at: ['edges', i, 'targetPort'], message: `${name} feeds port ${port} of ${q(targetId)}, but ${limit.says}` };
}

/**
 * The part of `checkGraph` a change to the params of `targets` can alter, for a graph that passed it before:
 * a port that edges into them feed may be gone (a crop switched out of mode "like"). Ids, edge ends and which
 * edge feeds which port do not depend on params, so those checks cannot newly fail.
 */
export function checkPortsInto(nodes: readonly unknown[], edges: readonly unknown[], targets: ReadonlySet<number>): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map<string, number>();
  for (const i of targets) {
    const id = record(nodes[i])?.id;
    if (typeof id === 'string') byId.set(id, i);
  }
  edges.forEach((raw, i) => {
    const edge = record(raw);
    const targetId = edge?.target;
    const target = typeof targetId === 'string' ? byId.get(targetId) : undefined;
    const port = edge?.targetPort;
    if (target === undefined || typeof targetId !== 'string' || typeof port !== 'number' || !Number.isInteger(port) || port < 0) return;
    const name = typeof edge!.id === 'string' ? `edge ${q(edge!.id)}` : `edges[${i}]`;
    const bad = badPort(portsOf(record(nodes[target])!, { strict: true }), name, i, targetId, port);
    if (bad) problems.push(bad);
  });
  return problems;
}

/**
 * Checks that need the whole graph: unique ids, edges that land on nodes, and ports that exist and are fed
 * once. Runs on the raw document (whatever zod thought of it) so one bad node does not hide graph errors.
 */
export function checkGraph(nodes: readonly unknown[], edges: readonly unknown[]): Problem[] {
  const problems: Problem[] = [];
  const nodeIndex = new Map<string, number>();
  nodes.forEach((raw, i) => {
    const id = record(raw)?.id;
    if (typeof id !== 'string') return;
    if (FORBIDDEN_KEYS.has(id)) problems.push({ code: 'reserved-id', at: ['nodes', i, 'id'], message: `${q(id)} is reserved and cannot be a node id` });
    const first = nodeIndex.get(id);
    if (first !== undefined) problems.push({ code: 'duplicate-node-id', at: ['nodes', i, 'id'], message: `duplicate node id ${q(id)} (also used by nodes[${first}])` });
    else nodeIndex.set(id, i);
  });

  const portCache = new Map<number, NodePorts | undefined>();
  const portsAt = (i: number) => {
    if (!portCache.has(i)) portCache.set(i, portsOf(record(nodes[i])!, { strict: true }));
    return portCache.get(i);
  };
  const edgeIndex = new Map<string, number>();
  const feeding = new Map<string, string>(); // `${target}\0${port}` → how to name the edge that feeds it
  edges.forEach((raw, i) => {
    const edge = record(raw);
    if (!edge) return;
    const id = typeof edge.id === 'string' ? edge.id : undefined;
    const shortName = id !== undefined ? q(id) : `edges[${i}]`;
    const name = id !== undefined ? `edge ${q(id)}` : `edges[${i}]`;
    if (id !== undefined) {
      if (FORBIDDEN_KEYS.has(id)) problems.push({ code: 'reserved-id', at: ['edges', i, 'id'], message: `${q(id)} is reserved and cannot be an edge id` });
      const first = edgeIndex.get(id);
      if (first !== undefined) problems.push({ code: 'duplicate-edge-id', at: ['edges', i, 'id'], message: `duplicate edge id ${q(id)} (also used by edges[${first}])` });
      else edgeIndex.set(id, i);
    }
    for (const end of ['source', 'target'] as const) {
      const ref = edge[end];
      if (typeof ref === 'string' && ref !== '' && !nodeIndex.has(ref))
        problems.push({ code: 'dangling-edge', at: ['edges', i, end], message: `${name}: its ${end} ${q(ref)} is not a node` });
    }
    const targetId = edge.target;
    const target = typeof targetId === 'string' ? nodeIndex.get(targetId) : undefined;
    const port = edge.targetPort;
    if (typeof targetId !== 'string' || target === undefined || typeof port !== 'number' || !Number.isInteger(port) || port < 0) return;
    const bad = badPort(portsAt(target), name, i, targetId, port);
    if (bad === undefined) return;
    if (bad) {
      problems.push(bad);
      return;
    }
    const key = `${targetId}\u0000${port}`;
    const taken = feeding.get(key);
    if (taken !== undefined)
      problems.push({ code: 'port-taken', at: ['edges', i, 'targetPort'], message: `edges ${taken} and ${shortName} both feed port ${port} of ${q(targetId)}` });
    else feeding.set(key, shortName);
  });
  return problems;
}

/**
 * Checks on composite blocks that need the nodes: block ids unique among node and block ids, members that are
 * nodes, listed once, and in one block only. Like `checkGraph`, runs on the raw document.
 */
export function checkBlocks(nodes: readonly unknown[], blocks: readonly unknown[]): Problem[] {
  const problems: Problem[] = [];
  const nodeIds = new Set<string>();
  for (const raw of nodes) {
    const id = record(raw)?.id;
    if (typeof id === 'string') nodeIds.add(id);
  }
  const blockIndex = new Map<string, number>();
  const owner = new Map<string, string>(); // node id → the block that holds it
  blocks.forEach((raw, i) => {
    const block = record(raw);
    if (!block) return;
    const id = typeof block.id === 'string' ? block.id : undefined;
    const name = id !== undefined ? `block ${q(id)}` : `blocks[${i}]`;
    if (id !== undefined) {
      if (FORBIDDEN_KEYS.has(id)) problems.push({ code: 'reserved-id', at: ['blocks', i, 'id'], message: `${q(id)} is reserved and cannot be a block id` });
      else if (nodeIds.has(id)) problems.push({ code: 'duplicate-block-id', at: ['blocks', i, 'id'], message: `${q(id)} is already a node id; a block needs an id of its own` });
      const first = blockIndex.get(id);
      if (first !== undefined) problems.push({ code: 'duplicate-block-id', at: ['blocks', i, 'id'], message: `duplicate block id ${q(id)} (also used by blocks[${first}])` });
      else blockIndex.set(id, i);
    }
    if (!Array.isArray(block.nodes)) return;
    const seen = new Set<string>();
    block.nodes.forEach((member: unknown, j) => {
      if (typeof member !== 'string') return;
      const at = ['blocks', i, 'nodes', j];
      if (!nodeIds.has(member)) problems.push({ code: 'dangling-member', at, message: `${name}: its member ${q(member)} is not a node` });
      else if (seen.has(member)) problems.push({ code: 'duplicate-member', at, message: `${name} lists ${q(member)} twice` });
      else if (owner.has(member)) problems.push({ code: 'shared-member', at, message: `${name}: node ${q(member)} is already in block ${q(owner.get(member)!)}; a node belongs to one block` });
      else owner.set(member, id ?? `blocks[${i}]`);
      seen.add(member);
    });
  });
  return problems;
}
