/**
 * Training patch sizes for a graph: the input patch the network is compiled at and the output it gives there.
 * Training needs an output at the input's resolution (stride 1), centred in the patch (valid convs shrink it
 * by the same border on each side, as in the paper).
 */
import { inferShapes } from '../../core/infer';
import { nearestValid } from '../../core/solver';
import type { GraphDoc } from '../../core/types';
import type { Size } from '../tiling';
import type { PatchGeometry } from './data';

/** The patch side used when none is asked for: a little context around a 128-px output keeps steps quick. */
export const DEFAULT_PATCH = 128;

function geometryAt(doc: GraphDoc, input: Size): PatchGeometry | string {
  const shapes = inferShapes(doc, { input });
  const errors = shapes.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return `the graph does not accept a ${input.w}×${input.h} input (${errors[0]!.message})`;
  const outputs = [...shapes.nodes.values()].filter((n) => n.op?.type === 'output');
  const out = outputs[0] ?? [...shapes.nodes.values()].find((n) => n.output && !doc.edges.some((e) => e.source === n.id));
  if (!out?.output) return 'the graph has no output with a known shape';
  if (out.jump !== undefined && out.jump !== 1)
    return `the output is at 1/${out.jump} of the input's resolution; training compares it pixel by pixel with the mask, so it must be at the input's resolution`;
  const border = { h: (input.h - out.output.h) / 2, w: (input.w - out.output.w) / 2 };
  if (!Number.isInteger(border.h) || !Number.isInteger(border.w) || border.h < 0 || border.w < 0)
    return `a ${input.w}×${input.h} input gives a ${out.output.w}×${out.output.h} output, which is not centred in it`;
  return { input, output: { h: out.output.h, w: out.output.w }, border };
}

/**
 * The patch geometry for a requested input side (or the default): the requested size when the graph takes it,
 * else the nearest valid size at or below it (above when none is below).
 */
export function patchGeometry(doc: GraphDoc, requested?: number): PatchGeometry {
  const input = doc.nodes.find((n) => n.op === 'input');
  if (!input) throw new Error('the graph has no input node');
  const own = { h: Number(input.params.height), w: Number(input.params.width) };
  const side = requested ?? Math.min(DEFAULT_PATCH, Math.max(own.h, own.w));
  let size: Size = { h: side, w: side };
  let geometry = geometryAt(doc, size);
  if (typeof geometry === 'string') {
    const near = nearestValid(doc, size, { maxDistance: 256 });
    const h = near.h.below ?? near.h.above;
    const w = near.w.below ?? near.w.above;
    if (h === undefined || w === undefined) throw new Error(`no valid training patch near ${side}×${side}: ${geometry}`);
    size = { h, w };
    geometry = geometryAt(doc, size);
    if (typeof geometry === 'string') throw new Error(geometry);
  }
  return geometry;
}

/** How many classes the labels may use: the output's channels, 2 for a one-channel (binary) head. */
export function labelClassesOf(doc: GraphDoc): number {
  const shapes = inferShapes(doc);
  const out = [...shapes.nodes.values()].find((n) => n.op?.type === 'output')?.output;
  return Math.max(2, out?.c ?? 2);
}
