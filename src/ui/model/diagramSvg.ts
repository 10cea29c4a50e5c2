import { formatShape, type GraphDoc, type XY } from '../../core/types';
import type { UiAnalysis } from './analysis';
import { bezierControls, computeDetours, detourLabelPoint, detourPoints, handleAnchors, roundedPath } from './edgeGeometry';
import { createNodeDataCache, incomingPorts, toFlowEdges } from './flowModel';
import { formatCompact } from './format';
import { computeHandleSides, NODE_HEIGHT, NODE_WIDTH, type Box } from './handleSides';

/**
 * The diagram as real vector SVG: every node a <rect> with <text>, every edge a <path> with an arrowhead and its
 * C×H×W label, drawn from the document and the analysis with the canvas's own geometry (handle sides, detours) —
 * not a screenshot of the page. Opens in browsers, Inkscape and librsvg; about 1 KB per node.
 */

export const CATEGORY_COLOURS: Record<string, string> = {
  io: '#6b7280',
  conv: '#3461e0',
  pool: '#0f8b8d',
  resize: '#7c4dcc',
  merge: '#c2410c',
  norm: '#2f855a',
  activation: '#b7791f',
  regularize: '#9f3a7a',
  reshape: '#4f6b8a',
  unknown: '#d1343d',
};

const SANS = "Inter, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";
const MONO = "'JetBrains Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace";
const PADDING = 40;

export const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

const n = (v: number) => String(Math.round(v * 10) / 10);

/** Cuts a text to about `width` px at `charWidth` px a character, with an ellipsis. */
function fit(text: string, width: number, charWidth: number): string {
  const max = Math.max(1, Math.floor(width / charWidth));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface DiagramSvg {
  svg: string;
  width: number;
  height: number;
}

/** Node sizes as measured on the canvas (defaults where unknown). */
export type Sizes = Record<string, { width: number; height: number } | undefined>;

export function diagramSvg(doc: GraphDoc, analysis: UiAnalysis, sizes: Sizes = {}): DiagramSvg {
  if (doc.nodes.length === 0) throw new Error('there is nothing on the canvas to export');
  const boxes = new Map<string, Box>(
    doc.nodes.map((node) => [node.id, { position: node.position, width: sizes[node.id]?.width ?? NODE_WIDTH, height: sizes[node.id]?.height ?? NODE_HEIGHT }]),
  );
  const sides = computeHandleSides(boxes, doc.edges);
  const incoming = incomingPorts(doc);
  const cache = createNodeDataCache();
  const datas = doc.nodes.map((node) => cache.get(node, doc, analysis, sides, incoming));
  const anchors = handleAnchors(boxes, sides, new Map(datas.map((d) => [d.nodeId, d.ports])));
  const detours = computeDetours(boxes, doc.edges, sides, anchors);
  const edges = toFlowEdges(doc, analysis, detours, new Set());

  const paths: string[] = [];
  const labels: string[] = [];
  const points: XY[] = [];
  const colours = new Set<string>();
  for (const e of edges) {
    const s = anchors.get(e.source)?.get('out');
    const t = anchors.get(e.target)?.get(`in-${portOf(e.targetHandle)}`);
    const sourceSide = sides.outputs.get(e.source);
    const targetSide = sides.inputs.get(e.target)?.get(portOf(e.targetHandle));
    if (!s || !t || !sourceSide || !targetSide) continue;
    const error = e.data!.error;
    const colour = error ? '#d1343d' : '#8d95a3';
    colours.add(colour);
    let d: string;
    let label: XY;
    if (e.data!.detour) {
      const pts = detourPoints(s, sourceSide, t, targetSide, e.data!.detour);
      d = roundedPath(pts);
      label = detourLabelPoint(pts);
      points.push(...pts);
    } else {
      const [p0, p1, p2, p3] = bezierControls(s, sourceSide, t, targetSide);
      d = `M${n(p0.x)} ${n(p0.y)} C${n(p1.x)} ${n(p1.y)} ${n(p2.x)} ${n(p2.y)} ${n(p3.x)} ${n(p3.y)}`;
      label = { x: 0.125 * p0.x + 0.375 * p1.x + 0.375 * p2.x + 0.125 * p3.x, y: 0.125 * p0.y + 0.375 * p1.y + 0.375 * p2.y + 0.125 * p3.y };
      points.push(p0, p3);
    }
    paths.push(
      `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6"${error ? ' stroke-dasharray="6 4"' : ''} marker-end="url(#arrow-${colour.slice(1)})"><title>${escapeXml(`${e.source} → ${e.target}`)}</title></path>`,
    );
    const text = formatShape(e.data!.shape);
    const w = text.length * 6.4 + 12;
    labels.push(
      `<g class="edge-label"><rect x="${n(label.x - w / 2)}" y="${n(label.y - 8.5)}" width="${n(w)}" height="17" rx="8.5" fill="${error ? '#fdecec' : '#ffffff'}" stroke="${error ? '#f1b5b9' : '#dfe3e8'}"/>` +
        `<text x="${n(label.x)}" y="${n(label.y + 3.6)}" text-anchor="middle" font-family="${MONO}" font-size="10.5" fill="${error ? '#d1343d' : '#4b5563'}">${escapeXml(text)}</text></g>`,
    );
  }

  const nodes = datas.map((data) => {
    const box = boxes.get(data.nodeId)!;
    const { x, y } = box.position;
    const colour = CATEGORY_COLOURS[data.category] ?? CATEGORY_COLOURS.unknown!;
    const fill = data.severity === 'error' ? '#fdecec' : data.severity === 'warning' ? '#fff5e0' : '#ffffff';
    const stroke = data.severity === 'error' ? '#d1343d' : data.severity === 'warning' ? '#b86e00' : '#c9ced6';
    const kind = data.opLabel.toUpperCase();
    const params = data.params > 0 ? formatCompact(data.params) : '';
    return (
      `<g class="node" id="node-${escapeXml(data.nodeId)}">` +
      `<rect x="${n(x)}" y="${n(y)}" width="${n(box.width)}" height="${n(box.height)}" rx="6" fill="${fill}" stroke="${stroke}"/>` +
      `<path d="M${n(x + 6)} ${n(y)} h-1 a5 5 0 0 0 -5 5 v${n(box.height - 10)} a5 5 0 0 0 5 5 h1 z" fill="${colour}"/>` +
      `<text x="${n(x + 13)}" y="${n(y + 20)}" font-family="${SANS}" font-size="12.5" font-weight="600" fill="#1f2430">${escapeXml(fit(data.title, box.width - 90, 7.2))}</text>` +
      `<text x="${n(x + box.width - 8)}" y="${n(y + 19)}" text-anchor="end" font-family="${SANS}" font-size="8.5" font-weight="600" letter-spacing="0.4" fill="${colour}">${escapeXml(fit(kind, 80, 6))}</text>` +
      `<text x="${n(x + 13)}" y="${n(y + 36)}" font-family="${SANS}" font-size="11" fill="#5b6472">${escapeXml(fit(data.summary, box.width - 22, 5.9))}</text>` +
      `<text x="${n(x + 13)}" y="${n(y + box.height - 9)}" font-family="${MONO}" font-size="10.5" fill="${data.shape ? '#1f2430' : '#9aa1ad'}">${escapeXml(formatShape(data.shape))}</text>` +
      (params ? `<text x="${n(x + box.width - 8)}" y="${n(y + box.height - 9)}" text-anchor="end" font-family="${SANS}" font-size="10" fill="#7b8391">${escapeXml(params)} params</text>` : '') +
      `</g>`
    );
  });

  for (const b of boxes.values()) points.push(b.position, { x: b.position.x + b.width, y: b.position.y + b.height });
  const minX = Math.min(...points.map((p) => p.x)) - PADDING;
  const minY = Math.min(...points.map((p) => p.y)) - PADDING;
  const width = Math.ceil(Math.max(...points.map((p) => p.x)) + PADDING - minX);
  const height = Math.ceil(Math.max(...points.map((p) => p.y)) + PADDING - minY);
  const markers = [...colours].map(
    (c) =>
      `<marker id="arrow-${c.slice(1)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${c}"/></marker>`,
  );
  const svg =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${n(minX)} ${n(minY)} ${width} ${height}">\n` +
    `<title>${escapeXml(doc.name)}</title>\n` +
    (doc.description ? `<desc>${escapeXml(doc.description)}</desc>\n` : '') +
    `<defs>${markers.join('')}</defs>\n` +
    `<rect x="${n(minX)}" y="${n(minY)}" width="${width}" height="${height}" fill="#fbfbfc"/>\n` +
    `<g class="edges">\n${paths.join('\n')}\n</g>\n<g class="nodes">\n${nodes.join('\n')}\n</g>\n<g class="labels">\n${labels.join('\n')}\n</g>\n</svg>\n`;
  return { svg, width, height };
}

const portOf = (handle: string | null | undefined) => Number(/^in-(\d+)$/.exec(handle ?? '')?.[1] ?? 0);
