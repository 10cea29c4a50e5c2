import type { XY } from '../types';
import type { Slot, SlottedNode } from './writer';

/** Grid of the U layout, in canvas pixels (all multiples of 10). */
export const UNET_GRID = {
  /** Vertical distance between consecutive nodes of a column. */
  row: 100,
  /** Horizontal distance between neighbours in a row (crop ↔ concat, bottleneck nodes). */
  column: 280,
  /** How far each level down moves the two columns towards each other, so the graph reads as a U. */
  indent: 140,
  /** Extra space between the row bands of two levels. */
  bandGap: 60,
} as const;

const snap = (v: number) => Math.round(v / 10) * 10;

/**
 * Places a generated U-Net as a U: the encoder goes down the left column (each level's down step from the level
 * above, then its double conv), the bottleneck runs along the bottom (its down step above its first conv), the decoder goes up
 * the right column (up step, concat, double conv). Every level owns a row band shared by both columns, and the
 * concat sits on the same row as the skip's source, so skips run straight across. A down step sits with the convs it
 * feeds, so each Down block (levelBlocks.ts) is one compact column and block frames do not overlap. Input and head
 * cap the two columns.
 */
export function layoutUNet(nodes: SlottedNode[], depth: number): Map<string, XY> {
  const { row, column, indent, bandGap } = UNET_GRID;
  const group = (match: (s: Slot) => boolean) => nodes.filter((n) => match(n.slot)).map((n) => n.id);
  const at = (level: number, region: 'encoder' | 'decoder' | 'skip', stage?: string) =>
    group((s) => s.region === region && s.level === level && (stage === undefined || ('stage' in s && s.stage === stage)));

  const bottleneck = group((s) => s.region === 'bottleneck');
  // The deepest level's columns are closest: room there for the skip nodes of the busiest level between them.
  const skipNodes = Math.max(1, ...Array.from({ length: depth }, (_, level) => at(level, 'skip').length));
  const width = Math.max((skipNodes + 1) * column + 2 * (depth - 1) * indent, Math.max(bottleneck.length - 1, 1) * column + 2 * depth * indent);
  const encX = (level: number) => level * indent;
  const decX = (level: number) => width - level * indent;

  const pos = new Map<string, XY>();
  const place = (ids: string[], x: number, rowOf: (k: number) => number, top: number) =>
    ids.forEach((id, k) => pos.set(id, { x, y: top + rowOf(k) * row }));

  let top = 0;
  for (let level = 0; level < depth; level++) {
    const encBlock = at(level, 'encoder', 'block');
    // The down step into this level (from the level above): drawn above this level's convs.
    const down = level > 0 ? at(level - 1, 'encoder', 'down') : [];
    const up = at(level, 'decoder', 'up');
    const join = at(level, 'decoder', 'join');
    const decBlock = at(level, 'decoder', 'block');
    const crop = at(level, 'skip');
    // Rows counted from the band's top; the skip row holds the skip source, the crop and the concat.
    const skipRow = Math.max(encBlock.length - 1, decBlock.length);
    place(encBlock, encX(level), (k) => skipRow - (encBlock.length - 1) + k, top);
    place(down, encX(level), (k) => skipRow - encBlock.length - down.length + 1 + k, top);
    // Skip nodes (crop, gate) share the skip's row, a column apart, left to right in flow order up to the concat.
    crop.forEach((id, k) => pos.set(id, { x: decX(level) - (crop.length - k) * column, y: top + skipRow * row }));
    place(join, decX(level), () => skipRow, top);
    place(decBlock, decX(level), (k) => skipRow - 1 - k, top);
    place(up, decX(level), (k) => skipRow + up.length - k, top);
    if (level === 0) {
      place(group((s) => s.region === 'input'), encX(0), () => skipRow - encBlock.length, top);
      place(group((s) => s.region === 'head'), decX(0), (k) => skipRow - decBlock.length - 1 - k, top);
    }
    top += (skipRow + up.length + 1) * row + bandGap;
  }
  // The last down step above the bottleneck's first conv, then the bottleneck's row.
  const lastDown = depth > 0 ? at(depth - 1, 'encoder', 'down') : [];
  place(lastDown, encX(depth), (k) => k, top);
  top += lastDown.length * row;
  const span = decX(depth) - encX(depth);
  bottleneck.forEach((id, k) =>
    pos.set(id, { x: snap(encX(depth) + (bottleneck.length > 1 ? (k * span) / (bottleneck.length - 1) : span / 2)), y: top }),
  );

  const minX = Math.min(...[...pos.values()].map((p) => p.x));
  const minY = Math.min(...[...pos.values()].map((p) => p.y));
  for (const [id, p] of pos) pos.set(id, { x: p.x - minX, y: p.y - minY });
  return pos;
}
