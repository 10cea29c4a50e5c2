import type { GraphDoc } from '../../core/types';

/**
 * A name to suggest for a new block, from its members' ops, in the words U-Net code uses: two convs (with their
 * norms/activations) read "DoubleConv", a pool in front "Down", an up-conv/upsample with a concat "Up"; otherwise
 * "Block". A name already used by a block of other ops is not suggested (same name = instances of one type).
 */
export function suggestBlockName(doc: Pick<GraphDoc, 'nodes' | 'blocks'>, ids: readonly string[]): string {
  const picked = new Set(ids);
  const ops = doc.nodes.filter((n) => picked.has(n.id)).map((n) => n.op);
  const convs = ops.filter((op) => op === 'conv2d').length;
  const has = (op: string) => ops.includes(op);
  let name = 'Block';
  if ((has('conv2dTranspose') || has('upsample')) && has('concat')) name = 'Up';
  else if ((ops[0] === 'maxPool2d' || ops[0] === 'avgPool2d') && convs >= 1) name = 'Down';
  else if (convs === 2 && ops.every((op) => ['conv2d', 'activation', 'batchNorm', 'dropout'].includes(op))) name = 'DoubleConv';
  const signature = ops.join(',');
  const clash = (doc.blocks ?? []).some((b) => b.name === name && b.nodes.map((id) => doc.nodes.find((n) => n.id === id)?.op).join(',') !== signature);
  return clash && name !== 'Block' ? `${name}2` : name;
}
