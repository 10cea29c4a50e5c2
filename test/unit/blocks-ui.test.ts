// Blocks as the editor draws and edits them: collapsed blocks re-end the crossing edges at their ports and hide the
// inner ones, expanded ones get a frame; copy/paste carries whole blocks as new instances; name suggestions.
import { describe, expect, it } from 'vitest';
import { buildUNet } from '../../src/core/builder';
import { parseGraph } from '../../src/core/format';
import { inferShapes } from '../../src/core/infer';
import type { GraphDoc } from '../../src/core/types';
import { blocksTouching, copySelection, parseClipboard, paste, setCollapsed, ungroupBlocks } from '../../src/state/commands';
import { createEditorStore } from '../../src/state/store';
import { suggestBlockName } from '../../src/ui/model/blockNames';
import { collapsedRouting, frameBox, FRAME_HEAD, FRAME_PAD, routedEdge, selectedBlock } from '../../src/ui/model/blockView';
import type { OpFlowNode, ShapeFlowEdge } from '../../src/ui/model/flowModel';

const paper = (): GraphDoc => {
  const result = parseGraph(buildUNet());
  if (!result.ok) throw new Error('paper template does not parse');
  return result.doc;
};
const flowEdge = (doc: GraphDoc, id: string): ShapeFlowEdge => {
  const e = doc.edges.find((x) => x.id === id)!;
  return { id, type: 'shape', source: e.source, target: e.target, sourceHandle: 'out', targetHandle: `in-${e.targetPort}`, data: { error: false } };
};

describe('collapsed blocks on the canvas', () => {
  it('edges crossing a collapsed block end at its port handles; edges inside it are not drawn', () => {
    const doc = paper();
    for (const b of doc.blocks!) b.collapsed = true;
    const routing = collapsedRouting(doc, inferShapes(doc));
    const route = (id: string) => {
      const r = routedEdge(flowEdge(doc, id), routing);
      return r && `${r.source}.${r.sourceHandle} → ${r.target}.${r.targetHandle}`;
    };
    expect(route('e_input_enc0_conv1')).toBe('input.out → enc0_block.in-0');
    expect(route('e_enc0_conv1_enc0_conv2')).toBeNull();
    expect(route('e_enc0_conv2_down0')).toBe('enc0_block.out-0 → down0_block.in-0');
    // Up reads (decoder, skip): the skip enters on port 1.
    expect(route('e_enc0_conv2_crop0')).toBe('enc0_block.out-0 → up0_block.in-1');
    expect(route('e_dec1_conv2_up0')).toBe('up1_block.out-0 → up0_block.in-0');
    expect(route('e_up0_crop0')).toBeNull();
    expect(route('e_dec0_conv2_head')).toBe('up0_block.out-0 → head.in-0');
    expect(route('e_head_output')).toBe('head.out → output.in-0');
    const drawn = doc.edges.filter((e) => routedEdge(flowEdge(doc, e.id), routing));
    expect(drawn).toHaveLength(15);
    // A re-ended edge drops the detour worked out for its members' positions.
    expect(routedEdge({ ...flowEdge(doc, 'e_enc0_conv2_down0'), data: { error: false, detour: { axis: 'h', lane: 3 } } }, routing)!.data!.detour).toBeUndefined();
  });

  it('an expanded block is framed around its members as drawn, with room for the header', () => {
    const node = (x: number, y: number, width?: number): OpFlowNode =>
      ({ id: `${x}`, type: 'op', position: { x, y }, data: {} as OpFlowNode['data'], ...(width ? { measured: { width, height: 50 } } : {}) });
    const box = frameBox([node(0, 100, 200), node(40, 300), undefined]);
    expect(box).toEqual({ position: { x: -FRAME_PAD, y: 100 - FRAME_PAD - FRAME_HEAD }, width: 40 + 196 + 2 * FRAME_PAD, height: 200 + 64 + 2 * FRAME_PAD + FRAME_HEAD });
    expect(frameBox([])).toBeUndefined();
  });

  it('a selection that is exactly a block selects the block', () => {
    const doc = paper();
    expect(selectedBlock(doc, ['enc0_conv2', 'enc0_conv1'])?.id).toBe('enc0_block');
    expect(selectedBlock(doc, ['enc0_conv2'])).toBeUndefined();
    expect(selectedBlock(doc, ['enc0_conv1', 'enc0_conv2', 'input'])).toBeUndefined();
  });
});

describe('copy/paste of blocks', () => {
  it('copying all of a block’s members pastes a new instance with a fresh id, as one undoable step', () => {
    const store = createEditorStore(paper());
    setCollapsed(store, true, ['down0_block']);
    store.setSelection({ nodes: ['down0', 'enc1_conv1', 'enc1_conv2', 'input'], edges: [] });
    const clip = copySelection(store);
    expect(clip.blocks?.map((b) => b.id)).toEqual(['down0_block']);
    // Through the system clipboard's text too.
    const parsed = parseClipboard(JSON.stringify(clip));
    expect(parsed.ok && parsed.clipboard.blocks).toEqual(clip.blocks);
    const ids = paste(store, parsed.ok ? parsed.clipboard : clip, { x: 500, y: 0 });
    const { doc } = store.getState();
    const added = doc.blocks!.at(-1)!;
    expect(doc.blocks).toHaveLength(10);
    // Moved with its members: by the paste offset.
    const source = doc.blocks!.find((b) => b.id === 'down0_block')!;
    expect(added).toMatchObject({ name: 'Down', collapsed: true, position: { x: source.position.x + 500, y: source.position.y } });
    expect(added.id).not.toBe('down0_block');
    expect(added.nodes).toEqual(ids.filter((id) => !id.startsWith('input')));
    store.undo();
    expect(store.getState().doc.blocks).toHaveLength(9);
    expect(store.getState().doc.nodes).toHaveLength(37);
  });

  it('a partial copy carries no block; an old clipboard without blocks still pastes', () => {
    const store = createEditorStore(paper());
    store.setSelection({ nodes: ['down0', 'enc1_conv1'], edges: [] });
    const clip = copySelection(store);
    expect(clip.blocks).toBeUndefined();
    expect(parseClipboard(JSON.stringify(clip)).ok).toBe(true);
    expect(paste(store, clip)).toHaveLength(2);
    expect(store.getState().doc.blocks).toHaveLength(9);
  });
});

describe('ungroup and names', () => {
  it('ungrouping the blocks a selection touches is one step', () => {
    const store = createEditorStore(paper());
    const blocks = blocksTouching(store.getState().doc, ['enc0_conv1', 'down1', 'input']);
    expect(blocks).toEqual(['enc0_block', 'down1_block']);
    expect(ungroupBlocks(store, blocks).ok).toBe(true);
    expect(store.getState().doc.blocks!.map((b) => b.id)).not.toContain('down1_block');
    expect(store.getState().doc.blocks).toHaveLength(7);
    expect(store.getState().selection.nodes).toEqual(['enc0_conv1', 'enc0_conv2', 'down1', 'enc2_conv1', 'enc2_conv2']);
    store.undo();
    expect(store.getState().doc.blocks).toHaveLength(9);
  });

  it('suggests the names U-Net code uses', () => {
    const doc = paper();
    const members = (id: string) => doc.blocks!.find((b) => b.id === id)!.nodes;
    const plain = { ...doc, blocks: undefined };
    expect(suggestBlockName(plain, members('enc0_block'))).toBe('DoubleConv');
    expect(suggestBlockName(plain, members('down2_block'))).toBe('Down');
    expect(suggestBlockName(plain, members('up1_block'))).toBe('Up');
    expect(suggestBlockName(plain, ['head', 'output'])).toBe('Block');
    // "Down" is taken by blocks of these ops: a pool + one conv is another type.
    expect(suggestBlockName(doc, ['down0', 'enc1_conv1'])).toBe('Down2');
  });
});
