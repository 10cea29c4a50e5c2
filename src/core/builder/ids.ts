/**
 * The node-id convention of generated U-Nets (fixtures, tests and the compiler's layer names rely on it):
 * `input`; encoder level i (0..depth, depth = bottleneck): enc{i}_conv{j}, enc{i}_bn{j}, enc{i}_drop{j},
 * enc{i}_act{j} (or one residual unit enc{i}_res); down step after level i: down{i}; decoder level i: up{i},
 * up{i}_conv, up{i}_bn, up{i}_act, att{i} (skip gate), crop{i} | pad{i}, cat{i}, dec{i}_conv{j}, dec{i}_bn{j},
 * dec{i}_drop{j}, dec{i}_act{j} (or dec{i}_res); head, d2s, output. Edges are named by `edgeIdBase` (core/ids.ts).
 */
export const unetIds = {
  input: 'input',
  /** Part of a double conv: `${block}_conv1` etc., block = enc{i} or dec{i}. */
  block: (side: 'enc' | 'dec', level: number) => `${side}${level}`,
  down: (level: number) => `down${level}`,
  up: (level: number) => `up${level}`,
  crop: (level: number) => `crop${level}`,
  pad: (level: number) => `pad${level}`,
  cat: (level: number) => `cat${level}`,
  gate: (level: number) => `att${level}`,
  head: 'head',
  depthToSpace: 'd2s',
  output: 'output',
} as const;

/** Where a generated node sits in the U. */
export type UNetRole =
  | { part: 'input' | 'head' | 'output' }
  | { part: 'encoder' | 'down' | 'up' | 'skip' | 'decoder'; level: number };

const ROLE_PATTERNS: [RegExp, UNetRole['part']][] = [
  [/^enc(\d+)_(?:(?:conv|bn|drop|act)\d+|res)$/, 'encoder'],
  [/^down(\d+)$/, 'down'],
  [/^up(\d+)(_conv|_bn|_act)?$/, 'up'],
  [/^(?:crop|pad|cat|att)(\d+)$/, 'skip'],
  [/^dec(\d+)_(?:(?:conv|bn|drop|act)\d+|res)$/, 'decoder'],
];

/**
 * The role of a node id under the convention, or undefined for ids it does not produce. The bottleneck is
 * the encoder level `depth`.
 */
export function unetRole(id: string): UNetRole | undefined {
  if (id === unetIds.input) return { part: 'input' };
  if (id === unetIds.output) return { part: 'output' };
  if (id === unetIds.head || id === unetIds.depthToSpace) return { part: 'head' };
  for (const [pattern, part] of ROLE_PATTERNS) {
    const m = pattern.exec(id);
    if (m) return { part, level: Number(m[1]) } as UNetRole;
  }
  return undefined;
}
