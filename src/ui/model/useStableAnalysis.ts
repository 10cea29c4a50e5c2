import { useRef } from 'react';
import type { GraphDoc } from '../../core/types';
import { analyze, type UiAnalysis } from './analysis';

/**
 * Whether two documents can differ in analysis. Moving nodes changes only positions, and the store's immer
 * documents share every untouched object, so identity checks on edges and params are exact and cheap.
 */
export function sameForAnalysis(a: GraphDoc, b: GraphDoc): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i]!;
    return n.id === m.id && n.op === m.op && n.params === m.params && n.label === m.label;
  });
}

/** The analysis of `doc`, recomputed only when something other than positions changed. */
export function useStableAnalysis(doc: GraphDoc): UiAnalysis {
  const last = useRef<{ doc: GraphDoc; analysis: UiAnalysis } | null>(null);
  if (!last.current || !sameForAnalysis(last.current.doc, doc)) last.current = { doc, analysis: analyze(doc) };
  else last.current.doc = doc;
  return last.current.analysis;
}
