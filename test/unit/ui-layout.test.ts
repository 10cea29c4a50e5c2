import { describe, expect, it } from 'vitest';
import { buildUNet } from '../../src/core/builder';
import type { GraphDoc } from '../../src/core/types';
import { analyze } from '../../src/ui/model/analysis';
import { computeHandleSides, facingSide, type Box } from '../../src/ui/model/handleSides';
import { layoutLeftToRight } from '../../src/ui/model/layout';
import { TEMPLATES, getTemplate } from '../../src/ui/model/templates';
import { layoutAsU } from '../../src/ui/model/uLayout';

const boxesOf = (doc: GraphDoc) => new Map<string, Box>(doc.nodes.map((n) => [n.id, { position: n.position, width: 196, height: 64 }]));

describe('templates', () => {
  it('bundles every template, the paper network first', () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(8);
    expect(TEMPLATES[0]!.id).toBe('paper-572');
    expect(TEMPLATES.map((t) => t.id)).toEqual(expect.arrayContaining(['milesial-transposed', 'milesial-bilinear', 'keras-get_unet', 'slim-3X']));
  });
});

describe('arrange as a U', () => {
  it.each(TEMPLATES.map((t) => [t.id, t.doc] as const))('%s: reading the graph back gives the builder’s own U', (_id, doc) => {
    const positions = layoutAsU(doc, analyze(doc));
    expect(positions).toBeDefined();
    for (const n of doc.nodes) expect(positions![n.id], n.id).toEqual(n.position);
  });

  // Blocks that stride themselves (no separate down step) and gates on the skips still read as the builder's U.
  it.each([
    ['residual units', { depth: 3, base: 8, block: 'residual', down: 'strided-block', padding: 'same', concatMode: 'none', upConvChannels: 'same', inputSize: { h: 32, w: 32 } }],
    ['attention gates', { depth: 3, base: 8, skipGate: 'attention', padding: 'same', concatMode: 'none', inputSize: { h: 32, w: 32 } }],
  ] as const)('a built U with %s reads back as itself', (_name, options) => {
    const doc = buildUNet(options);
    const positions = layoutAsU(doc, analyze(doc));
    expect(positions).toBeDefined();
    for (const n of doc.nodes) expect(positions![n.id], n.id).toEqual(n.position);
  });

  it('puts a scrambled U back where it was', () => {
    const doc = structuredClone(getTemplate('milesial-transposed')!.doc);
    const original = new Map(doc.nodes.map((n) => [n.id, n.position]));
    doc.nodes.forEach((n, i) => (n.position = { x: (i * 37) % 500, y: (i * 91) % 700 }));
    const positions = layoutAsU(doc, analyze(doc))!;
    for (const n of doc.nodes) expect(positions[n.id]).toEqual(original.get(n.id));
  });

  it('declines graphs that are not a U', () => {
    const doc = structuredClone(getTemplate('paper-572')!.doc);
    const cut = doc.edges.findIndex((e) => e.id === 'e_enc2_conv1_enc2_conv2');
    doc.edges.splice(cut, 1); // unknown shapes below the cut
    expect(layoutAsU(doc, analyze(doc))).toBeUndefined();
  });
});

describe('handle sides', () => {
  const at = (x: number, y: number): Box => ({ position: { x, y }, width: 196, height: 64 });
  it('faces the other node: rows flow left/right, columns up/down', () => {
    expect(facingSide(at(0, 0), at(300, 0))).toBe('right');
    expect(facingSide(at(300, 0), at(0, 20))).toBe('left');
    expect(facingSide(at(0, 0), at(0, 100))).toBe('bottom');
    expect(facingSide(at(140, 760), at(0, 500))).toBe('top');
  });

  it('moves a second input off the output side (the paper crop’s `like` comes from below)', () => {
    const doc = getTemplate('paper-572')!.doc;
    const sides = computeHandleSides(boxesOf(doc), doc.edges);
    expect(sides.outputs.get('crop3')).toBe('right');
    expect(sides.inputs.get('crop3')).toEqual(new Map([[0, 'left'], [1, 'bottom']]));
    // The encoder flows down its column, the decoder up.
    expect(sides.inputs.get('enc0_conv2')!.get(0)).toBe('top');
    expect(sides.inputs.get('dec0_conv2')!.get(0)).toBe('bottom');
  });
});

describe('arrange left to right (ELK)', () => {
  it('places every node, none overlapping', async () => {
    const doc = getTemplate('keras-get_unet')!.doc;
    const positions = await layoutLeftToRight(doc, {});
    expect(Object.keys(positions).sort()).toEqual(doc.nodes.map((n) => n.id).sort());
    const boxes = Object.values(positions);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        expect(Math.abs(a.x - b.x) >= 196 || Math.abs(a.y - b.y) >= 64, `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`).toBe(true);
      }
  });
});
