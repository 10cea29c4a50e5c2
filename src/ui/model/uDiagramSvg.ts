import { getOp } from '../../core/ops';
import type { GraphDoc, Shape } from '../../core/types';
import type { UiAnalysis } from './analysis';
import { escapeXml } from './diagramSvg';

/**
 * The figure every U-Net paper redraws by hand (Ronneberger et al. 2015, fig. 1): one box per feature map along
 * the main path, its channel count on top and its H×W at its side, box height by resolution and width by
 * channels; each resolution level on its own row, so the encoder goes down the left and the decoder comes up the
 * right; arrows by op kind (conv, down, up, 1×1 conv, copy/crop of the skips) with a legend. Shape-only ops
 * (norm, activation, dropout) fold into the arrow before them.
 */

type Kind = 'conv' | 'conv1' | 'down' | 'up' | 'copy' | 'other';

const KIND_COLOURS: Record<Kind, string> = {
  conv: '#3461e0',
  conv1: '#0f8b8d',
  down: '#c0392b',
  up: '#2f855a',
  copy: '#7b8391',
  other: '#b7791f',
};

interface Tensor {
  id: string;
  shape: Shape;
  level: number;
  /** Channels of the skip half of a concat (drawn as a white box beside the rest). */
  skip?: { channels: number; first: boolean; from: string };
}

const FOLDED = new Set(['norm', 'activation', 'regularize']);
const SANS = "Inter, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";
const n = (v: number) => String(Math.round(v * 10) / 10);

function kindOf(doc: GraphDoc, nodeId: string, fromLevel: number, toLevel: number): Kind {
  const node = doc.nodes.find((x) => x.id === nodeId)!;
  if (toLevel > fromLevel) return 'down';
  if (toLevel < fromLevel) return 'up';
  const op = getOp(node.op);
  if (op?.category === 'conv') return node.params.kernel === 1 ? 'conv1' : 'conv';
  return 'other';
}

function legendText(doc: GraphDoc, kind: Kind, example: string | undefined, copyVerb: string): string {
  if (kind === 'copy') return copyVerb;
  const node = doc.nodes.find((x) => x.id === example);
  const op = node && getOp(node.op);
  if (!node || !op) return kind;
  let summary = '';
  try {
    summary = op.summary({ ...Object.fromEntries(Object.entries(op.params).map(([k, s]) => [k, s.default])), ...node.params } as never);
  } catch {
    summary = op.label;
  }
  // The kind, not one layer's width: "3×3 conv · 64 · valid · relu" → "3×3 conv, valid, relu".
  const text = summary
    .split(' · ')
    .filter((part) => !/^\d+$/.test(part.trim()))
    .join(', ');
  return text.length > 46 ? `${text.slice(0, 45)}…` : text;
}

export function uDiagramSvg(doc: GraphDoc, analysis: UiAnalysis): { svg: string; width: number; height: number } {
  const rows = analysis.rowById;
  // Crops and pads that size one input like another are the "copy and crop" of the figure, not feature maps of
  // the main path (the longest path runs through a skip crop's `like` input).
  const sizing = (id: string) => {
    const op = doc.nodes.find((x) => x.id === id)?.op;
    return (op === 'crop' || op === 'pad') && doc.edges.some((e) => e.target === id && e.targetPort === 1);
  };
  const path = analysis.mainPath.map((p) => p.id).filter((id) => !sizing(id));
  const onPath = new Set(path);
  const opOf = new Map(doc.nodes.map((x) => [x.id, x.op]));
  const levelOf = (id: string) => Math.round(Math.log2(rows.get(id)?.jump ?? 1));
  if (path.some((id) => !rows.get(id)?.output && getOp(opOf.get(id) ?? '')?.type !== 'output'))
    throw new Error('the U diagram needs every size along the main path: fix the errors first');

  // Feature maps along the main path; shape-only ops fold into the arrow that produced the map before them.
  const tensors: Tensor[] = [];
  const arrows: { from: number; to: number; kind: Kind; node: string; folded: string[] }[] = [];
  for (const id of path) {
    const op = getOp(opOf.get(id) ?? '');
    const out = rows.get(id)?.output;
    if (!out || op?.type === 'output') continue;
    if (tensors.length && op && FOLDED.has(op.category)) {
      tensors[tensors.length - 1] = { ...tensors[tensors.length - 1]!, shape: out };
      const into = arrows.at(-1);
      const node = doc.nodes.find((x) => x.id === id)!;
      const label = op.type === 'activation' ? String(node.params.activation ?? op.label) : op.label;
      if (into && !into.folded.includes(label)) into.folded.push(label);
      continue;
    }
    const tensor: Tensor = { id, shape: out, level: levelOf(id) };
    if (op?.category === 'merge') {
      // The skip half: the concat's input that is not the main path, traced back through crops/pads.
      const ins = doc.edges.filter((e) => e.target === id).sort((a, b) => a.targetPort - b.targetPort);
      // Each input traced back (through crops and pads) to the main path; the one not coming from the map just
      // before is the skip.
      const origin = (source: string) => {
        let at = source;
        for (let guard = 0; guard < 8 && !onPath.has(at); guard++) {
          const up = doc.edges.find((e) => e.target === at && e.targetPort === 0);
          if (!up) break;
          at = up.source;
        }
        return at;
      };
      const previous = path[path.indexOf(id) - 1];
      const side = ins.find((e) => origin(e.source) !== previous);
      if (side) {
        const from = origin(side.source);
        const channels = analysis.edgeShapes.get(side.id)?.c ?? 0;
        tensor.skip = { channels, first: side.targetPort === 0, from };
      }
    }
    if (tensors.length) {
      const prev = tensors[tensors.length - 1]!;
      arrows.push({ from: tensors.length - 1, to: tensors.length, kind: op?.category === 'merge' ? 'other' : kindOf(doc, id, prev.level, tensor.level), node: id, folded: [] });
    }
    tensors.push(tensor);
  }
  if (tensors.length < 2) throw new Error('the U diagram needs a path from the input to an output');

  const maxH = Math.max(...tensors.map((t) => t.shape.h));
  const boxH = (t: Tensor) => Math.max(18, Math.round(150 * Math.sqrt(t.shape.h / maxH)));
  const boxW = (c: number) => Math.max(5, Math.round(4 + 3.2 * Math.log2(Math.max(1, c))));
  const levels = Math.max(...tensors.map((t) => t.level)) + 1;
  const rowHeight = Array.from({ length: levels }, (_, l) => Math.max(0, ...tensors.filter((t) => t.level === l).map(boxH)) + 80);
  const rowTop = rowHeight.map((_, l) => 40 + rowHeight.slice(0, l).reduce((a, b) => a + b, 0));

  // x along the path: right within a level, straight down or up when the level changes.
  const GAP = 34;
  const placed: { x: number; y: number; w: number; h: number; skipX?: number; skipW?: number }[] = [];
  let x = 60;
  tensors.forEach((t, i) => {
    if (i > 0) {
      const prev = placed[i - 1]!;
      x = t.level === tensors[i - 1]!.level ? prev.x + prev.w + GAP : prev.x + Math.max(0, prev.w - boxW(t.shape.c)) / 2;
    }
    const h = boxH(t);
    const y = rowTop[t.level]! + 20;
    if (t.skip) {
      const skipW = boxW(t.skip.channels);
      const restW = boxW(t.shape.c - t.skip.channels);
      // The concat sits where the up step's map was drawn; the skip half goes beside it.
      const prev = placed[i - 1]!;
      const at = prev.x;
      placed.push(t.skip.first ? { x: at - skipW, y, w: skipW + restW, h, skipX: at - skipW, skipW } : { x: at, y, w: restW + skipW, h, skipX: at + restW, skipW });
      return;
    }
    placed.push({ x, y, w: boxW(t.shape.c), h });
  });
  // A concat reuses the map before it: the up step's arrow then points at the concat, not at a box of its own.
  const drawn = tensors.map((t, i) => !(tensors[i + 1]?.skip));

  const parts: string[] = [];
  const used = new Map<Kind, string>();
  const foldedInto = new Map<Kind, string[]>();
  const arrow = (x1: number, y1: number, x2: number, y2: number, kind: Kind) =>
    `<path d="M${n(x1)} ${n(y1)} L${n(x2)} ${n(y2)}" stroke="${KIND_COLOURS[kind]}" stroke-width="2.2" fill="none" marker-end="url(#u-${kind})"/>`;
  tensors.forEach((t, i) => {
    const p = placed[i]!;
    if (!drawn[i]) return;
    const fill = t.skip ? '#9fb4ee' : '#9fb4ee';
    if (t.skip) {
      parts.push(`<rect x="${n(p.skipX!)}" y="${n(p.y)}" width="${n(p.skipW!)}" height="${p.h}" fill="#ffffff" stroke="#3b4252" stroke-width="1"/>`);
      const restX = p.skipX === p.x ? p.x + p.skipW! : p.x;
      parts.push(`<rect x="${n(restX)}" y="${n(p.y)}" width="${n(p.w - p.skipW!)}" height="${p.h}" fill="${fill}" stroke="#3b4252" stroke-width="1"/>`);
    } else parts.push(`<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${p.h}" fill="${fill}" stroke="#3b4252" stroke-width="1"/>`);
    parts.push(`<text x="${n(p.x + p.w / 2)}" y="${n(p.y - 6)}" text-anchor="middle" font-family="${SANS}" font-size="12" fill="#1f2430">${t.shape.c}</text>`);
    parts.push(`<text x="${n(p.x + p.w / 2)}" y="${n(p.y + p.h + 13)}" text-anchor="middle" font-family="${SANS}" font-size="10" fill="#4b5563">${t.shape.h}×${t.shape.w}</text>`);
  });
  for (const a of arrows) {
    const from = placed[a.from]!;
    const to = placed[a.to]!;
    const kind = a.kind;
    if (!drawn[a.from]) continue;
    if (!used.has(kind)) {
      used.set(kind, a.node);
      foldedInto.set(kind, a.folded);
    }
    if (kind === 'down') parts.push(arrow(from.x + from.w / 2, from.y + from.h + 18, from.x + from.w / 2, to.y - 20, kind));
    else if (kind === 'up') parts.push(arrow(from.x + from.w / 2, from.y - 20, from.x + from.w / 2, to.y + to.h + 18, kind));
    else if (tensors[a.to]!.skip) continue;
    else parts.push(arrow(from.x + from.w + 2, to.y + to.h / 2, to.x - 3, to.y + to.h / 2, kind));
  }
  // Copy (and crop/pad) of every skip: from the encoder map at that level across to the concat's skip half.
  const cropped = doc.nodes.some((x) => x.op === 'crop');
  const padded = doc.nodes.some((x) => x.op === 'pad');
  tensors.forEach((t, i) => {
    if (!t.skip) return;
    const src = tensors.findIndex((s) => s.id === t.skip!.from);
    // The source may have been folded into a later map (conv → BN → ReLU): take the map that absorbed it.
    const from = placed[src >= 0 ? src : tensors.findIndex((s) => path.indexOf(s.id) > path.indexOf(t.skip!.from)) - 1];
    if (!from) return;
    const p = placed[i]!;
    used.set('copy', t.id);
    const y = p.y + p.h / 2;
    parts.push(`<path d="M${n(from.x + from.w + 2)} ${n(y)} L${n(p.skipX! - 3)} ${n(y)}" stroke="${KIND_COLOURS.copy}" stroke-width="2.2" stroke-dasharray="7 4" fill="none" marker-end="url(#u-copy)"/>`);
  });

  const right = Math.max(...placed.map((p) => p.x + p.w)) + 60;
  const bottom = rowTop[levels - 1]! + rowHeight[levels - 1]! + 20;
  const copyVerb = cropped ? 'copy and crop' : padded ? 'copy (decoder padded)' : 'copy';
  const legend = [...used.keys()].map((kind, k) => {
    const y = bottom + 22 * k;
    return (
      `<path d="M${n(right - 300)} ${n(y)} L${n(right - 260)} ${n(y)}" stroke="${KIND_COLOURS[kind]}" stroke-width="2.2"${kind === 'copy' ? ' stroke-dasharray="7 4"' : ''} marker-end="url(#u-${kind})"/>` +
      `<text x="${n(right - 250)}" y="${n(y + 4)}" font-family="${SANS}" font-size="12" fill="#1f2430">${escapeXml([legendText(doc, kind, used.get(kind), copyVerb), ...(foldedInto.get(kind) ?? [])].join(' + '))}</text>`
    );
  });
  const width = Math.ceil(right + 20);
  const height = Math.ceil(bottom + 22 * used.size + 20);
  const markers = (Object.keys(KIND_COLOURS) as Kind[]).map(
    (k) => `<marker id="u-${k}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0L10 5L0 10z" fill="${KIND_COLOURS[k]}"/></marker>`,
  );
  const svg =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n` +
    `<title>${escapeXml(doc.name)} — U diagram</title>\n<defs>${markers.join('')}</defs>\n` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>\n` +
    `${parts.join('\n')}\n${legend.join('\n')}\n</svg>\n`;
  return { svg, width, height };
}
