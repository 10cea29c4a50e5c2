import { useDeferredValue, useMemo } from 'react';
import { DEFAULT_MAX_DISTANCE, INTERACTIVE_BUDGET_MS, nearestValid, sizeIndependentErrors, validSizes } from '../../core/solver';
import type { GraphDoc } from '../../core/types';
import { setParams } from '../../state/commands';
import { useAnalysis, useEditor } from '../EditorContext';
import { IconCheck } from '../icons';

const sizeText = (h: number, w: number) => (h === w ? `${h}` : `${h}×${w}`);
const NEARBY = 64;

/** The input node's size check: is this H×W valid for the whole network, and if not, which sizes are. */
export function InputSizeSection({ nodeId, ...current }: { doc: GraphDoc; nodeId: string; h: number; w: number }) {
  const { store } = useEditor();
  // The search runs the shape inference at many sizes (tens of ms on a 1,000-node graph). Deferred, an edit's
  // shapes reach the canvas first and the verdict follows in a background render that a next edit can interrupt.
  const doc = useDeferredValue(current.doc);
  const h = useDeferredValue(current.h);
  const w = useDeferredValue(current.w);
  const analysis = useDeferredValue(useAnalysis());
  const stale = doc !== current.doc || h !== current.h || w !== current.w;
  const blocked = useMemo(() => sizeIndependentErrors(analysis.shapes).length > 0, [analysis]);
  const sizesOk = Number.isInteger(h) && Number.isInteger(w) && h >= 1 && w >= 1;
  const nearest = useMemo(() => (sizesOk && !blocked ? nearestValid(doc, { h, w }, { budgetMs: INTERACTIVE_BUDGET_MS }) : undefined), [doc, h, w, sizesOk, blocked]);
  const valid = !!nearest && nearest.h.below === h && nearest.h.above === h && nearest.w.below === w && nearest.w.above === w;
  const nearby = useMemo(
    () => (sizesOk && !blocked && h === w ? validSizes(doc, { min: h - NEARBY, max: h + NEARBY }, { budgetMs: INTERACTIVE_BUDGET_MS }).filter((s) => s !== h) : []),
    [doc, h, w, sizesOk, blocked],
  );
  const setSize = (size: { h: number; w: number }) => setParams(store, nodeId, { height: size.h, width: size.w });

  return (
    <div className={`solver ${valid ? 'ok' : blocked ? 'blocked' : 'bad'}${stale ? ' stale' : ''}`} data-testid="input-solver" aria-busy={stale}>
      {blocked ? (
        <div className="solver-line">Fix the other errors first; then the valid input sizes can be searched.</div>
      ) : valid ? (
        <div className="solver-line" data-testid="solver-valid">
          <IconCheck size={14} /> {sizeText(h, w)} is valid: every layer gets a size it can handle.
        </div>
      ) : (
        <div className="solver-line" data-testid="solver-invalid">
          <span className="solver-verdict">
            <strong>{sizeText(h, w)}</strong> is not valid
            {nearest?.suggestions.length
              ? ' — nearest:'
              : nearest?.partial
                ? ` — none within ${nearest.partial.radius} px (the search stopped at its ${nearest.partial.budgetMs} ms budget)`
                : ` — no valid size within ${DEFAULT_MAX_DISTANCE} px`}
          </span>
          {nearest?.suggestions.map((s, i) => (
            <span key={`${s.h}x${s.w}`} className="solver-choice">
              {i > 0 && <span className="solver-sep">/</span>}
              <button type="button" className="btn small" data-testid={`solver-suggestion-${s.h}x${s.w}`} onClick={() => setSize(s)}>
                {sizeText(s.h, s.w)}
              </button>
            </span>
          ))}
        </div>
      )}
      {nearby.length > 0 && (
        <div className="solver-nearby">
          <span className="solver-nearby-label">Valid near {h}:</span>
          {nearby.slice(0, 8).map((s) => (
            <button key={s} type="button" className="chip-btn mono" data-testid={`solver-nearby-${s}`} onClick={() => setSize({ h: s, w: s })}>
              {s}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
