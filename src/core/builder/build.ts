import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc } from '../types';
import { downStep, head, join, levelBlock, upStep } from './blocks';
import { unetIds } from './ids';
import { levelBlocks } from './levelBlocks';
import { layoutUNet } from './layout';
import { resolveUNetOptions, unetWidths, type UNetOptionsInput } from './options';
import { GraphWriter } from './writer';

/**
 * Builds a U-Net graph document from options (defaults: the paper network), laid out as a U and grouped into
 * DoubleConv / Down / Up blocks (`levelBlocks`). Nodes come in
 * the order PyTorch executes the reference models: encoder levels with their down steps, the bottleneck,
 * then per decoder level up step → crop/pad → concat → double conv, then the head.
 *
 * Throws UNetOptionsError (with every problem) for options that cannot form a network; input sizes that
 * do not fit (e.g. an odd size before a pool) still build, and shape inference reports them on the graph.
 */
export function buildUNet(input: UNetOptionsInput = {}): GraphDoc {
  const o = resolveUNetOptions(input);
  const widths = unetWidths(o);
  const w = new GraphWriter();

  let x = w.add(unetIds.input, 'input', { channels: o.inChannels, height: o.inputSize.h, width: o.inputSize.w }, { region: 'input' });
  const skips: string[] = [];
  for (let level = 0; level < o.depth; level++) {
    const width = widths.enc[level]!;
    x = levelBlock(w, unetIds.block('enc', level), x, width, width, o, { region: 'encoder', level, stage: 'block' });
    skips.push(x);
    x = downStep(w, level, x, width, o);
  }
  const bottom = widths.enc[o.depth]!;
  x = levelBlock(w, unetIds.block('enc', o.depth), x, bottom, bottom, o, { region: 'bottleneck' });

  for (let level = o.depth - 1; level >= 0; level--) {
    const up = upStep(w, level, x, widths.up[level]!, o);
    const cat = join(w, level, skips[level]!, up, widths.enc[level]!, o);
    x = levelBlock(w, unetIds.block('dec', level), cat, widths.mid[level]!, widths.dec[level]!, o, { region: 'decoder', level, stage: 'block' });
  }
  head(w, x, o);

  const positions = layoutUNet(w.slots, o.depth);
  const nodes = w.nodes.map((n) => ({ ...n, position: positions.get(n.id)! }));
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: o.name,
    ...(o.description ? { description: o.description } : {}),
    nodes,
    edges: w.edges,
    blocks: levelBlocks(nodes, o.depth),
  };
}
