import type { GraphDoc, GraphEdge, GraphNode, Params } from '../src/core/types';

/** Builds graphs for benchmarks with plain code, independent of the template builder being measured against. */
class GraphWriter {
  nodes: GraphNode[] = [];
  edges: GraphEdge[] = [];
  node(id: string, op: string, params: Params, x: number, y: number, ...inputs: string[]): string {
    this.nodes.push({ id, op, params, position: { x, y } });
    inputs.forEach((source, port) => this.edges.push({ id: `e_${source}_${id}`, source, target: id, targetPort: port }));
    return id;
  }
  doc(name: string): GraphDoc {
    return { format: 'unet-studio/graph', version: 2, name, nodes: this.nodes, edges: this.edges };
  }
}

export interface UNetShape {
  depth: number;
  base: number;
  convsPerLevel: number;
  padding: 'valid' | 'same';
  size: number;
  channels: number;
  classes: number;
  /** Valid padding crops every skip before its concat (the paper); false leaves them uncropped (a size mismatch). */
  cropSkips?: boolean;
}

/** The paper network: 4 levels, 64…1024 wide, valid 3×3 convs, skips center-cropped before concat. */
export const PAPER: UNetShape = { depth: 4, base: 64, convsPerLevel: 2, padding: 'valid', size: 572, channels: 1, classes: 2 };

/**
 * A U-Net with the template node ids (input, enc{i}_conv{j}, down{i}, up{i}, crop{i}, cat{i}, dec{i}_conv{j},
 * head, output). Valid padding adds a crop on every skip, as the paper does.
 */
export function buildUNet(s: UNetShape, name = 'U-Net'): GraphDoc {
  const g = new GraphWriter();
  const conv = (filters: number) => ({ filters, kernel: 3, padding: s.padding, activation: 'relu' });
  let prev = g.node('input', 'input', { channels: s.channels, height: s.size, width: s.size }, 0, 0);
  const skips: string[] = [];
  for (let i = 0; i <= s.depth; i++) {
    for (let j = 1; j <= s.convsPerLevel; j++)
      prev = g.node(`enc${i}_conv${j}`, 'conv2d', conv(s.base * 2 ** i), i * 200, 100 * (i * (s.convsPerLevel + 1) + j), prev);
    skips[i] = prev;
    if (i < s.depth) prev = g.node(`down${i}`, 'maxPool2d', { size: 2, stride: 2 }, i * 200 + 100, 100 * (i + 1) * (s.convsPerLevel + 1), prev);
  }
  for (let i = s.depth - 1; i >= 0; i--) {
    const x = (2 * s.depth - i) * 200;
    const up = g.node(`up${i}`, 'conv2dTranspose', { filters: s.base * 2 ** i, kernel: 2, stride: 2 }, x, 100 * i * (s.convsPerLevel + 1) + 50, prev);
    const skip = s.padding === 'valid' && s.cropSkips !== false ? g.node(`crop${i}`, 'crop', { mode: 'like' }, x - 100, 100 * i * (s.convsPerLevel + 1), skips[i]!, up) : skips[i]!;
    prev = g.node(`cat${i}`, 'concat', {}, x, 100 * i * (s.convsPerLevel + 1) + 100, skip, up);
    for (let j = 1; j <= s.convsPerLevel; j++)
      prev = g.node(`dec${i}_conv${j}`, 'conv2d', conv(s.base * 2 ** i), x, 100 * (i * (s.convsPerLevel + 1) + j + 1), prev);
  }
  prev = g.node('head', 'conv2d', { filters: s.classes, kernel: 1 }, 2 * s.depth * 200 + 200, 0, prev);
  g.node('output', 'output', {}, 2 * s.depth * 200 + 200, -100, prev);
  return g.doc(name);
}

/** About `nodes` nodes as a depth-4 "same" U-Net whose levels hold many convs. */
export function generatedUNet(nodes: number): GraphDoc {
  const depth = 4;
  // input + head + output, a pool/up/concat per level, and convsPerLevel on each of 2·depth+1 levels.
  const convsPerLevel = Math.max(1, Math.round((nodes - 3 - 3 * depth) / (2 * depth + 1)));
  return buildUNet({ depth, base: 8, convsPerLevel, padding: 'same', size: 64, channels: 3, classes: 2 }, `U-shape ${nodes}`);
}

/** input → (nodes − 2) 3×3 same convs → output. */
export function generatedChain(nodes: number): GraphDoc {
  const g = new GraphWriter();
  let prev = g.node('input', 'input', { channels: 3, height: 64, width: 64 }, 0, 0);
  for (let i = 1; i <= nodes - 2; i++) prev = g.node(`conv${i}`, 'conv2d', { filters: 16, padding: 'same', activation: 'relu' }, 0, 100 * i, prev);
  g.node('output', 'output', {}, 0, 100 * (nodes - 1), prev);
  return g.doc(`chain ${nodes}`);
}

/**
 * The issue-11 size bomb: input 1×1×16384 → 3×3 valid conv → `activations` ReLUs → crop to 16384×16384 → output.
 * The crop needs 16386 input pixels, past the input's 16384 limit: no size is valid, so a search looks everywhere.
 */
export function cropBomb(activations: number): GraphDoc {
  const g = new GraphWriter();
  let prev = g.node('input', 'input', { channels: 1, height: 16384, width: 16384 }, 0, 0);
  prev = g.node('conv', 'conv2d', { filters: 1, kernel: 3, padding: 'valid' }, 0, 100, prev);
  for (let i = 1; i <= activations; i++) prev = g.node(`act${i}`, 'activation', { activation: 'relu' }, 0, 100 * (i + 1), prev);
  prev = g.node('crop', 'crop', { mode: 'size', height: 16384, width: 16384 }, 0, 100 * (activations + 2), prev);
  g.node('output', 'output', {}, 0, 100 * (activations + 3), prev);
  return g.doc(`crop bomb ${activations}`);
}

/** input 572×572 → `convs` valid 3×3 convs → output: each conv takes 2 px, so beyond 8191 convs no size works. */
export function validChain(convs: number): GraphDoc {
  const g = new GraphWriter();
  let prev = g.node('input', 'input', { channels: 1, height: 572, width: 572 }, 0, 0);
  for (let i = 1; i <= convs; i++) prev = g.node(`conv${i}`, 'conv2d', { filters: 1, kernel: 3, padding: 'valid' }, 0, 100 * i, prev);
  g.node('output', 'output', {}, 0, 100 * (convs + 1), prev);
  return g.doc(`valid chain ${convs}`);
}

/** About `nodes` nodes as a depth-4 valid-padding U-Net whose skips are not cropped: every concat mismatches at every size. */
export function uncroppedUNet(nodes: number): GraphDoc {
  const depth = 4;
  const convsPerLevel = Math.max(1, Math.round((nodes - 3 - 3 * depth) / (2 * depth + 1)));
  return buildUNet({ depth, base: 8, convsPerLevel, padding: 'valid', size: 572, channels: 1, classes: 2, cropSkips: false }, `uncropped ${nodes}`);
}
