import type { Analysis } from '../../core/analysis';
import { nearestValid, sizeIndependentErrors } from '../../core/solver';
import { formatShape, type GraphDoc } from '../../core/types';

/** The flattened dialog values ("inputSize.h", "head.classes", …) the texts below read. */
type Values = Record<string, unknown>;

const size = (v: Values) => `${String(v['inputSize.h'])}×${String(v['inputSize.w'])}`;

/**
 * A name that says what was built: "U-Net (depth 3, base 16, same, 568×568)". Used until the user types a name
 * of their own; a preset's own name is kept only while its options are untouched.
 */
export function autoName(v: Values): string {
  return `U-Net (depth ${String(v.depth)}, base ${String(v.base)}, ${String(v.padding)}, ${size(v)})`;
}

/** A plain description of what the options build, stored in the document in place of a preset's text. */
export function autoDescription(v: Values, analysis: Analysis | undefined): string {
  const io = analysis?.input ? `; ${formatShape(analysis.input.shape)} → ${formatShape(analysis.mainPath.at(-1)?.output)}` : '';
  const parts = [
    `Built with New U-Net: depth ${String(v.depth)}, base width ${String(v.base)}`,
    `${String(v.padding)}-padded 3×3 convs${v.norm === 'batch' ? ' + BatchNorm' : ''} + ${String(v.activation)}`,
    `down by ${String(v.down)}, up by ${String(v.upMode)}`,
    `skips joined by ${v.concatMode === 'none' ? 'plain concat' : `concat after ${String(v.concatMode)}`}`,
    `head to ${String(v['head.classes'])} channels${io}.`,
  ];
  return parts.join(', ');
}

export type SizeVerdict =
  | { kind: 'valid'; h: number; w: number }
  | { kind: 'invalid'; h: number; w: number; errors: number; warnings: number; nearest: { h: number; w: number }[] }
  | { kind: 'blocked'; message: string };

/**
 * Whether the net runs cleanly at its input size, and if not, the nearest sizes that do (the same search as the
 * input node's inspector). Errors that no input size can cure are reported as they are.
 */
export function sizeVerdict(doc: GraphDoc, analysis: Analysis): SizeVerdict {
  const h = analysis.input?.shape.h ?? 0;
  const w = analysis.input?.shape.w ?? 0;
  const problems = analysis.errorCount + analysis.warningCount;
  if (problems === 0) return { kind: 'valid', h, w };
  const blocking = sizeIndependentErrors(analysis.shapes);
  if (blocking.length) return { kind: 'blocked', message: blocking[0]!.message };
  return { kind: 'invalid', h, w, errors: analysis.errorCount, warnings: analysis.warningCount, nearest: nearestValid(doc, { h, w }).suggestions };
}
