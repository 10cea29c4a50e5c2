// Composite blocks: the format (version 2, migration from 1), what a block derives from the graph (ports, shapes,
// parameters, instances) and the editor commands on them, each one undoable step.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockInterface, blockSummary, counterparts } from '../../src/core/blocks';
import { buildUNet } from '../../src/core/builder';
import { parseGraph, serializeGraph } from '../../src/core/format';
import { inferShapes } from '../../src/core/infer';
import type { GraphDoc } from '../../src/core/types';
import { groupNodes, removeElements, renameBlock, setCollapsed, setParamsOnAllInstances, ungroup } from '../../src/state/commands';
import { createEditorStore } from '../../src/state/store';

const parsed = (input: unknown) => {
  const result = parseGraph(input);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result;
};
/** The paper template as the editor holds it (every param filled in). */
const paper = (): GraphDoc => parsed(buildUNet()).doc;
const errors = (input: unknown) => {
  const result = parseGraph(input);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('builder templates come grouped by level', () => {
  it('the paper U-Net reads as 9 blocks (DoubleConv, 4 Down, 4 Up) + input, head and output, over its 37 nodes', () => {
    const doc = paper();
    expect(doc.nodes).toHaveLength(37);
    expect(doc.blocks!.map((b) => b.name)).toEqual(['DoubleConv', 'Down', 'Down', 'Down', 'Down', 'Up', 'Up', 'Up', 'Up']);
    const grouped = doc.blocks!.flatMap((b) => b.nodes);
    expect(new Set(grouped).size).toBe(grouped.length);
    expect(doc.nodes.filter((n) => !grouped.includes(n.id)).map((n) => n.id)).toEqual(['input', 'head', 'output']);
    expect(doc.blocks!.find((b) => b.id === 'up0_block')!.nodes).toEqual(['up0', 'crop0', 'cat0', 'dec0_conv1', 'dec0_conv2']);
  });

  it('a block shows its input → output shapes and parameters; Up reads (decoder, skip) like PyTorch', () => {
    const doc = paper();
    const report = inferShapes(doc);
    const block = (id: string) => doc.blocks!.find((b) => b.id === id)!;
    const show = (id: string) => {
      const s = blockSummary(doc, block(id), report);
      return { ins: s.inputs.map((p) => `${p.node}:${p.shape!.c}×${p.shape!.h}×${p.shape!.w}`), outs: s.outputs.map((p) => `${p.node}:${p.shape!.c}×${p.shape!.h}×${p.shape!.w}`), params: s.parameters, complete: s.complete };
    };
    expect(show('enc0_block')).toEqual({ ins: ['input:1×572×572'], outs: ['enc0_conv2:64×568×568'], params: 640 + 36_928, complete: true });
    expect(show('down0_block')).toEqual({ ins: ['enc0_conv2:64×568×568'], outs: ['enc1_conv2:128×280×280'], params: 73_856 + 147_584, complete: true });
    expect(show('up0_block')).toEqual({ ins: ['dec1_conv2:128×196×196', 'enc0_conv2:64×568×568'], outs: ['dec0_conv2:64×388×388'], params: 32_832 + 73_792 + 36_928, complete: true });
    // Every parameter is in a block or in the head.
    const total = doc.blocks!.reduce((sum, b) => sum + blockSummary(doc, b, report).parameters, 0);
    expect(total + 130).toBe(31_030_658);
    expect(blockInterface(doc, block('up3_block')).inputs.map((p) => p.edges)).toEqual([['e_enc4_conv2_up3'], ['e_enc3_conv2_crop3']]);
  });
});

describe('the format', () => {
  it('blocks round-trip through our JSON, with their shapes under info when asked', () => {
    const doc = paper();
    doc.blocks![2]!.collapsed = true;
    expect(parsed(serializeGraph(doc)).doc).toEqual(doc);
    const withShapes = JSON.parse(serializeGraph(doc, { shapes: true }));
    expect(withShapes.blocks[0].info).toEqual({ inputs: [[1, 572, 572]], outputs: [[64, 568, 568]], parameters: 37_568 });
    expect(parsed(withShapes).doc).toEqual(doc);
  });

  it('a version-1 file opens as version 2 with no blocks; a "blocks" field in it was never ours and is dropped with a note', () => {
    const v1 = JSON.parse(readFileSync(new URL('../fixtures/format/paper-572-v1.json', import.meta.url), 'utf8'));
    expect(v1.version).toBe(1);
    const result = parsed(v1);
    expect(result.doc.version).toBe(2);
    expect(result.doc.blocks).toBeUndefined();
    // The same network (the layout has moved on since this file was written).
    const unplaced = (doc: GraphDoc) => doc.nodes.map(({ position: _position, ...rest }) => rest);
    expect(unplaced(result.doc)).toEqual(unplaced(paper()));
    expect(result.migrated).toBeUndefined();
    const odd = parsed({ ...v1, blocks: [{ id: 'x' }] });
    expect(odd.migrated).toEqual(['blocks: dropped: version 1 has no "blocks" field (composite blocks came in version 2)']);
  });

  it('refuses blocks that do not fit the graph, saying which block and which node', () => {
    const doc = JSON.parse(serializeGraph(paper()));
    const bad = structuredClone(doc);
    bad.blocks[0].nodes.push('nope');
    bad.blocks[1].nodes.push('enc0_conv1');
    bad.blocks[2].id = 'down0';
    bad.blocks[3].id = 'down0_block';
    bad.blocks[4].nodes = [];
    bad.blocks[5].name = '';
    expect(errors(bad)).toEqual([
      'blocks[0].nodes[2]: block "enc0_block": its member "nope" is not a node',
      'blocks[1].nodes[3]: block "down0_block": node "enc0_conv1" is already in block "enc0_block"; a node belongs to one block',
      'blocks[2].id: "down0" is already a node id; a block needs an id of its own',
      'blocks[3].id: duplicate block id "down0_block" (also used by blocks[1])',
      'blocks[4].nodes: 0 items; expected at least 1',
      'blocks[5].name: must not be empty',
    ]);
  });
});

describe('editor commands', () => {
  it('group, collapse, rename and ungroup are each one undoable step, and every state re-imports', () => {
    const doc = paper();
    delete doc.blocks;
    const store = createEditorStore(doc);
    const grouped = groupNodes(store, ['enc0_conv2', 'enc0_conv1'], 'DoubleConv');
    if (!grouped.ok) throw new Error(grouped.reason);
    const block = () => store.getState().doc.blocks?.[0];
    expect(block()).toMatchObject({ id: 'block_1', name: 'DoubleConv', nodes: ['enc0_conv1', 'enc0_conv2'], collapsed: false });
    expect(groupNodes(store, ['enc0_conv1', 'head'])).toEqual({ ok: false, reason: '"enc0_conv1" is already in block "block_1" (DoubleConv); ungroup it first' });
    expect(setCollapsed(store, true).ok).toBe(true);
    expect(block()!.collapsed).toBe(true);
    expect(renameBlock(store, 'block_1', 'x'.repeat(201))).toMatchObject({ ok: false, message: expect.stringContaining('blocks[0].name') });
    expect(renameBlock(store, 'block_1', 'Inc').ok).toBe(true);
    for (const state of [store.getState().doc]) expect(parsed(serializeGraph(state)).doc).toEqual(state);
    expect(ungroup(store, 'block_1').ok).toBe(true);
    expect(store.getState().doc.blocks).toBeUndefined();
    store.undo();
    expect(block()).toMatchObject({ name: 'Inc', collapsed: true });
    store.undo();
    store.undo();
    expect(block()!.collapsed).toBe(false);
    store.undo();
    expect(store.getState().doc).toEqual(doc);
  });

  it('deleting nodes takes them out of their block; a block left empty goes, and the last one takes the field with it', () => {
    const doc = paper();
    doc.blocks = doc.blocks!.slice(0, 1);
    const store = createEditorStore(doc);
    expect(removeElements(store, { nodes: ['enc0_conv1'] }).ok).toBe(true);
    expect(store.getState().doc.blocks![0]!.nodes).toEqual(['enc0_conv2']);
    expect(removeElements(store, { nodes: ['enc0_conv2'] }).ok).toBe(true);
    expect(store.getState().doc.blocks).toBeUndefined();
    expect(parsed(serializeGraph(store.getState().doc)).doc).toEqual(store.getState().doc);
  });

  it('apply to all instances: a param set on one Down conv reaches the same conv in every Down, in one step', () => {
    const store = createEditorStore(paper());
    expect(counterparts(store.getState().doc, 'enc1_conv1')).toEqual(['enc2_conv1', 'enc3_conv1', 'enc4_conv1']);
    expect(counterparts(store.getState().doc, 'head')).toEqual([]);
    const result = setParamsOnAllInstances(store, 'enc1_conv1', { padding: 'same' });
    expect(result).toEqual({ ok: true, nodes: ['enc1_conv1', 'enc2_conv1', 'enc3_conv1', 'enc4_conv1'] });
    const padding = (id: string) => store.getState().doc.nodes.find((n) => n.id === id)!.params.padding;
    expect(['enc1_conv1', 'enc2_conv1', 'enc3_conv1', 'enc4_conv1', 'enc1_conv2', 'enc0_conv1'].map(padding)).toEqual(['same', 'same', 'same', 'same', 'valid', 'valid']);
    store.undo();
    expect(['enc1_conv1', 'enc4_conv1'].map(padding)).toEqual(['valid', 'valid']);
  });
});
