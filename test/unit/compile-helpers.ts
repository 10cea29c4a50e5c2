import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildUNet, getVariant, type UNetOptionsInput } from '../../src/core/builder';
import type { GraphDoc, GraphEdge, GraphNode, Params } from '../../src/core/types';
import { stateDictFromJson, tensorFromJson, type StateDict, type TorchTensor } from '../../src/compile/stateDict';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const PARITY_DIR = path.join(ROOT, 'test/fixtures/parity');
export const TEMPLATES_DIR = path.join(ROOT, 'templates');

export interface ParityFixture {
  name: string;
  variant: string;
  builder: UNetOptionsInput;
  input: TorchTensor;
  output: TorchTensor;
  weights: StateDict;
}

export function parityFixtureNames(): string[] {
  return readdirSync(PARITY_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function readParityFixture(name: string): ParityFixture {
  const raw = JSON.parse(readFileSync(path.join(PARITY_DIR, `${name}.json`), 'utf8'));
  return {
    name,
    variant: raw.variant,
    builder: raw.builder,
    input: tensorFromJson(raw.input, 'input'),
    output: tensorFromJson(raw.output, 'output'),
    weights: stateDictFromJson(raw.weights),
  };
}

/** The fixture's network: the variant's template options with the fixture's reduced width, depth and size. */
export function fixtureGraph(f: Pick<ParityFixture, 'variant' | 'builder'>): GraphDoc {
  const variant = getVariant(f.variant);
  if (!variant) throw new Error(`fixture names unknown variant ${f.variant}`);
  return buildUNet({ ...variant.options, ...f.builder });
}

export function templateNames(): string[] {
  return readdirSync(TEMPLATES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export const readTemplate = (name: string): GraphDoc =>
  JSON.parse(readFileSync(path.join(TEMPLATES_DIR, `${name}.json`), 'utf8')) as GraphDoc;

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A small graph written by hand: nodes as [id, op, params], edges as [source, target, port?]. */
export function handGraph(nodes: [string, string, Params?][], edges: [string, string, number?][], name = 'hand'): GraphDoc {
  return {
    format: 'unet-studio/graph',
    version: 2,
    name,
    nodes: nodes.map(([id, op, params]): GraphNode => ({ id, op, params: params ?? {}, position: { x: 0, y: 0 } })),
    edges: edges.map(([source, target, port], i): GraphEdge => ({ id: `e${i}`, source, target, targetPort: port ?? 0 })),
  };
}
