// A model opened from PyTorch's ONNX export comes grouped by its top-level modules, as its code is written.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockSummary } from '../../src/core/blocks';
import { parseGraph, serializeGraph } from '../../src/core/format';
import { inferShapes } from '../../src/core/infer';
import { formatShape } from '../../src/core/types';
import { importModel } from '../../src/compile/import';
import { moduleScope } from '../../src/compile/import/scopeBlocks';

const open = (name: string) => importModel([{ name: `${name}.onnx`, bytes: readFileSync(new URL(`../fixtures/onnx/${name}.onnx`, import.meta.url)) }]);

describe('ONNX import: top-level modules become blocks', () => {
  it('reads the module of a node from its ONNX scope or its PyTorch-style id', () => {
    expect(moduleScope('/down1/maxpool_conv/maxpool_conv.0/MaxPool', 'down1.maxpool_conv.0')).toBe('down1');
    expect(moduleScope('/downs.0/Conv', 'downs.0.conv')).toBe('downs.0');
    expect(moduleScope('Conv_0', 'Conv_0')).toBeUndefined();
    expect(moduleScope('conv2d_1', 'conv2d_1')).toBeUndefined();
  });

  it('a ModuleList U-Net reads as Inc, Downs ×4, Convs ×4 with their shapes; modules of one node stay nodes; the document re-imports', async () => {
    const { doc } = await open('milesial-transposed-17');
    expect(doc.blocks!.map((b) => `${b.id}:${b.name}`)).toEqual([
      'inc:Inc',
      'downs.0:Downs',
      'downs.1:Downs',
      'downs.2:Downs',
      'downs.3:Downs',
      'convs.0:Convs',
      'convs.1:Convs',
      'convs.2:Convs',
      'convs.3:Convs',
    ]);
    const report = inferShapes(doc);
    const down0 = blockSummary(doc, doc.blocks![1]!, report);
    expect(down0.outputs.map((p) => formatShape(p.shape))).toHaveLength(1);
    expect(down0.complete).toBe(true);
    const grouped = new Set(doc.blocks!.flatMap((b) => b.nodes));
    expect(doc.nodes.filter((n) => !grouped.has(n.id)).length).toBeGreaterThan(0);
    const again = parseGraph(serializeGraph(doc));
    expect(again.ok && again.doc.blocks).toEqual(doc.blocks);
    // Placed where their members were laid out, not at the origin.
    expect(doc.blocks!.some((b) => b.position.x !== 0 || b.position.y !== 0)).toBe(true);
  });
});
