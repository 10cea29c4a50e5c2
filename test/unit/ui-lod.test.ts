import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/ui/model/analysis';
import { computeDetours, handleAnchors } from '../../src/ui/model/edgeGeometry';
import { computeHandleSides, type Box } from '../../src/ui/model/handleSides';
import { labelLod, labelScale, zoomStep } from '../../src/ui/model/labelLod';
import { layoutLeftToRight } from '../../src/ui/model/layout';
import { getTemplate } from '../../src/ui/model/templates';
import type { GraphDoc } from '../../src/core/types';

function geometry(doc: GraphDoc) {
  const boxes = new Map<string, Box>(doc.nodes.map((n) => [n.id, { position: n.position, width: 196, height: 64 }]));
  const sides = computeHandleSides(boxes, doc.edges);
  const ports = new Map(doc.nodes.map((n) => [n.id, [...(sides.inputs.get(n.id) ?? [])].map(([index, side]) => ({ index, side }))]));
  const anchors = handleAnchors(boxes, sides, ports);
  return { boxes, sides, anchors, detours: computeDetours(boxes, doc.edges, sides, anchors) };
}

describe('edge routing', () => {
  it('routes the skips of the left-to-right paper U-Net around the row, nested skips on separate lanes above it', async () => {
    const doc = structuredClone(getTemplate('paper-572')!.doc);
    const positions = await layoutLeftToRight(doc, {});
    for (const n of doc.nodes) n.position = positions[n.id]!;
    const { detours } = geometry(doc);
    const skips = ['e_enc0_conv2_crop0', 'e_enc1_conv2_crop1', 'e_enc2_conv2_crop2', 'e_enc3_conv2_crop3'];
    for (const id of skips) expect(detours.get(id)?.axis, id).toBe('h');
    const lanes = skips.map((id) => detours.get(id)!.lane);
    expect(new Set(lanes).size).toBe(4);
    for (const lane of lanes) expect(lane).toBeLessThan(0); // above the row
    // The outermost skip (level 0) arcs over the others.
    expect(Math.min(...lanes)).toBe(lanes[0]);
    // Neighbours on the main path go straight.
    expect(detours.has('e_input_enc0_conv1')).toBe(false);
  });
});

describe('label level of detail', () => {
  it('keeps labels at their on-screen size below zoom 1, in steps of 2^¼', () => {
    expect(labelScale(0.25)).toBe(4);
    expect(labelScale(2)).toBe(1);
    expect(zoomStep(0.4)).toBeCloseTo(2 ** -1.5);
    expect(zoomStep(3)).toBe(1);
  });

  it('shows every label from zoom 1, fewer when zoomed out, the input and the level boundaries first', () => {
    const doc = getTemplate('paper-572')!.doc;
    const analysis = analyze(doc);
    const g = geometry(doc);
    const inputs = {
      doc,
      ...g,
      edgeShapes: analysis.edgeShapes,
      nodeOutput: new Map(analysis.rows.map((r) => [r.id, r.output])),
      mainPath: analysis.mainPath.map((p) => p.id),
      keep: new Set<string>(),
    };
    expect(labelLod(inputs, 1).hidden.size).toBe(0);
    const far = labelLod(inputs, 0.2).hidden;
    const mid = labelLod(inputs, 0.4).hidden;
    expect(far.size).toBeGreaterThan(mid.size);
    expect(mid.size).toBeGreaterThan(0);
    for (const id of ['e_input_enc0_conv1', 'e_down0_enc1_conv1', 'e_down1_enc2_conv1']) expect(far.has(id), id).toBe(false);
    // An edge the user must see (selected, or into an error) is never hidden.
    const kept = labelLod({ ...inputs, keep: new Set([...far]) }, 0.2).hidden;
    for (const id of far) expect(kept.has(id), id).toBe(false);
  });
});
