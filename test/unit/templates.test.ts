import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildUNet, getVariant, templateText, UNET_VARIANTS, unetRole } from '../../src/core/builder';
import { parseGraph } from '../../src/core/format/parse';
import { compileGraph } from '../../src/compile/compile';
import { inferShapes, type NodeInfo } from '../../src/core/infer';
import { formatShape, type GraphDoc, type Params } from '../../src/core/types';
import { handGraph } from './compile-helpers';
import { expectULayout } from './unet-layout';

interface Reference {
  input: number[];
  output: number[];
  params: number;
  gmac: number;
  convs: [string, number[], number][];
}
// From /work/shared/reference via scripts/gen-reference-fixture.py (PyTorch figures).
const reference: Record<string, Reference> = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8'));
const dir = new URL('../../templates/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');

const TORCH_CLASS: Record<string, string> = { conv2d: 'Conv2d', conv2dTranspose: 'ConvTranspose2d' };
const TFJS_TO_TORCH: Record<string, string> = { Conv2D: 'Conv2d', Conv2DTranspose: 'ConvTranspose2d' };

/**
 * The convs inside a node whose op is a small layer graph (attention gate, residual block), in the op's layer
 * order, as [torch class, C×H×W, parameters]: the node compiled on its own, read off its tfjs layers.
 */
function innerConvs(info: NodeInfo, params: Params): [string, number[], number][] {
  const inputs = info.inputs.map((s, i): [string, string, Params] => [`in${i}`, 'input', { channels: s!.c, height: s!.h, width: s!.w }]);
  const doc = handGraph(
    [...inputs, ['n', info.op!.type, params], ['out', 'output']],
    [...inputs.map(([id], port): [string, string, number] => [id, 'n', port]), ['n', 'out']],
  );
  const compiled = compileGraph(doc);
  try {
    return compiled.layerNames
      .get('n')!
      .map((name) => compiled.model.getLayer(name))
      .filter((layer) => layer.getClassName() in TFJS_TO_TORCH)
      .map((layer) => {
        const [, h, w, c] = layer.outputShape as number[];
        return [TFJS_TO_TORCH[layer.getClassName()]!, [c!, h!, w!], layer.countParams()];
      });
  } finally {
    compiled.model.dispose();
  }
}

it('there is one template per variant, and a reference entry for each', () => {
  expect(files).toEqual(UNET_VARIANTS.map((v) => `${v.id}.json`).sort());
  expect(Object.keys(reference).sort()).toEqual(UNET_VARIANTS.map((v) => v.id).sort());
});

describe.each(files)('templates/%s', (file) => {
  const id = file.replace(/\.json$/, '');
  const text = read(file);
  const doc = JSON.parse(text) as GraphDoc;
  const ref = reference[id]!;
  const inference = inferShapes(doc);
  const infos = inference.order.map((nodeId) => inference.nodes.get(nodeId)!);

  it('is exactly what the builder generates from the variant table', () => {
    const variant = getVariant(id);
    expect(variant, `variant ${id} in src/core/builder/variants.ts`).toBeDefined();
    expect(text).toBe(templateText(buildUNet(variant!.options)));
  });

  it('is a plain document: our format, a name, its source, no inferred info', () => {
    expect(doc.format).toBe('unet-studio/graph');
    expect(doc.version).toBe(2);
    expect(doc.name.length).toBeGreaterThan(0);
    // Says what the design is and where it comes from.
    expect((doc.description ?? '').length).toBeGreaterThan(80);
    for (const n of doc.nodes) expect(Object.keys(n).sort()).toEqual(['id', 'op', 'params', 'position']);
    for (const e of doc.edges) {
      expect(Object.keys(e).sort()).toEqual(['id', 'source', 'target', 'targetPort']);
      expect(e.id).toBe(`e_${e.source}_${e.target}`);
    }
    for (const b of doc.blocks ?? []) expect(Object.keys(b).sort()).toEqual(['collapsed', 'id', 'name', 'nodes', 'position']);
  });

  it('reads back through the format reader without errors or warnings', () => {
    const parsed = parseGraph(text);
    expect(parsed.ok ? parsed.warnings : parsed.errors).toEqual([]);
  });

  it('infers with no errors and no warnings', () => {
    expect(inference.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`)).toEqual([]);
  });

  it('matches the reference: input, output C×H×W and trainable parameters', () => {
    const input = inference.nodes.get('input')!.output!;
    const output = inference.nodes.get('output')!.output!;
    expect([input.c, input.h, input.w]).toEqual(ref.input);
    expect([output.c, output.h, output.w]).toEqual(ref.output);
    expect(infos.reduce((n, i) => n + i.paramCount.trainable, 0)).toBe(ref.params);
  });

  it('has the reference conv / transposed-conv sequence (shapes and parameters, in execution order)', () => {
    const holdsKernels = (i: NodeInfo) => (i.op!.weights?.(i.params!) ?? []).some((w) => w.layout !== 'vector');
    const convs = infos.flatMap((i) =>
      i.op!.type in TORCH_CLASS
        ? [[TORCH_CLASS[i.op!.type], [i.output!.c, i.output!.h, i.output!.w], i.paramCount.trainable]]
        : holdsKernels(i)
          ? innerConvs(i, i.params!)
          : [],
    );
    expect(convs).toEqual(ref.convs);
  });

  it("concatenates in the source's channel order", () => {
    const upFirst = ['keras-get_unet', 'strided-nearest', 'slim-1X', 'slim-3X', 'res-unet'].includes(id);
    const side = (source: string) => (unetRole(source)!.part === 'up' || source.startsWith('pad') ? 'up' : 'skip');
    for (const cat of doc.nodes.filter((n) => n.op === 'concat')) {
      const ports = doc.edges.filter((e) => e.target === cat.id).sort((a, b) => a.targetPort - b.targetPort);
      expect(ports.map((e) => side(e.source)), cat.id).toEqual(upFirst ? ['up', 'skip'] : ['skip', 'up']);
    }
  });

  it('has the reference GMAC (to 2 decimals)', () => {
    const macs = infos.reduce((n, i) => n + i.macs, 0);
    expect((macs / 1e9).toFixed(2)).toBe(ref.gmac.toFixed(2));
  });

  it('is laid out as a U', () => expectULayout(doc));
});

describe('paper-572 shapes along the paths', () => {
  const doc = JSON.parse(read('paper-572.json')) as GraphDoc;
  const inference = inferShapes(doc);
  const edgeShape = (source: string, target: string) => formatShape(inference.edges.get(`e_${source}_${target}`));

  it('main path reads 1×572×572 → … → 2×388×388, as in the paper', () => {
    const path = ['input'];
    for (let i = 0; i <= 4; i++) path.push(`enc${i}_conv1`, `enc${i}_conv2`, ...(i < 4 ? [`down${i}`] : []));
    for (let i = 3; i >= 0; i--) path.push(`up${i}`, `cat${i}`, `dec${i}_conv1`, `dec${i}_conv2`);
    path.push('head', 'output');
    const trace = path.slice(1).map((target, k) => edgeShape(path[k]!, target));
    expect(trace).toEqual([
      '1×572×572', '64×570×570', '64×568×568', '64×284×284',
      '128×282×282', '128×280×280', '128×140×140',
      '256×138×138', '256×136×136', '256×68×68',
      '512×66×66', '512×64×64', '512×32×32',
      '1024×30×30', '1024×28×28',
      '512×56×56', '1024×56×56', '512×54×54', '512×52×52',
      '256×104×104', '512×104×104', '256×102×102', '256×100×100',
      '128×200×200', '256×200×200', '128×198×198', '128×196×196',
      '64×392×392', '128×392×392', '64×390×390', '64×388×388',
      '2×388×388',
    ]);
  });

  it('skips are center-cropped to the up-sampled size (64→56, 136→104, 280→200, 568→392)', () => {
    const crops = [3, 2, 1, 0].map((i) => `${edgeShape(`enc${i}_conv2`, `crop${i}`)} → ${edgeShape(`crop${i}`, `cat${i}`)}`);
    expect(crops).toEqual(['512×64×64 → 512×56×56', '256×136×136 → 256×104×104', '128×280×280 → 128×200×200', '64×568×568 → 64×392×392']);
    // The concat takes [cropped skip, up] (paper order); the crop is sized "like" the up-conv output.
    expect(doc.edges.filter((e) => e.target === 'cat3').map((e) => [e.source, e.targetPort])).toEqual([['crop3', 0], ['up3', 1]]);
    expect(doc.edges.filter((e) => e.target === 'crop3').map((e) => [e.source, e.targetPort])).toEqual([['enc3_conv2', 0], ['up3', 1]]);
  });
});
