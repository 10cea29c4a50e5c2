import type { InputPorts, OpDef } from './op';
import { getOp } from './ops';
import { checkParam, withDefaults } from './params';
import type { Params } from './types';

/** The input ports a node offers, as its op and current params define them. */
export interface NodePorts {
  op: OpDef;
  ports: InputPorts;
  /** Ports that must be connected (named ports: all of them). */
  min: number;
  /** The most ports it takes. */
  max: number;
}

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Ports of `op` with these (validated, defaulted) params; undefined when the port rule trips over them. */
export function opPorts(op: OpDef, params: Params): NodePorts | undefined {
  let ports: InputPorts;
  try {
    ports = op.inputs(params);
  } catch {
    return undefined;
  }
  return 'names' in ports
    ? { op, ports, min: ports.names.length, max: ports.names.length }
    : { op, ports, min: ports.variadic.min, max: ports.variadic.max };
}

/**
 * The input ports of a node (crop/pad gain a `like` port in mode "like"; concat and add take a variadic list),
 * or undefined when its op is unknown or its params do not tell. `strict` (the file format's checks, which see
 * raw documents): every given param must be one the op knows and valid. Otherwise missing or unknown params
 * fall back to the defaults, and a port rule that trips over a half-typed param gives undefined.
 */
export function portsOf(node: { op?: unknown; params?: unknown }, { strict = false } = {}): NodePorts | undefined {
  const op = typeof node.op === 'string' ? getOp(node.op) : undefined;
  if (!op) return undefined;
  const given = node.params === undefined ? {} : record(node.params);
  if (!given) return undefined;
  if (strict && Object.keys(given).some((k) => !Object.hasOwn(op.params, k))) return undefined;
  const params = withDefaults(op.params, given as Params);
  if (strict && Object.entries(op.params).some(([k, spec]) => checkParam(spec, params[k]) !== null)) return undefined;
  return opPorts(op, params);
}

/** How a port reads in messages: `"like"` for named ports, its number for variadic ones. */
export const portLabel = (ports: InputPorts, port: number): string =>
  'names' in ports ? JSON.stringify(ports.names[port] ?? String(port)) : String(port);
