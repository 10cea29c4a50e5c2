import { analyzeGraph, type Analysis, type NodeRow } from '../../core/analysis';
import { INTERACTIVE_BUDGET_MS } from '../../core/solver';
import type { Diagnostic, Severity } from '../../core/diagnostics';
import type { GraphDoc, Shape } from '../../core/types';

export type { NodeRow, Totals } from '../../core/analysis';

/** The core analysis plus the look-ups the UI renders from. */
export interface UiAnalysis extends Analysis {
  rowById: Map<string, NodeRow>;
  edgeShapes: Map<string, Shape | undefined>;
  byNode: Map<string, Diagnostic[]>;
  /** Worst severity per node. */
  severity: Map<string, Severity>;
}

export function analyze(doc: GraphDoc): UiAnalysis {
  return indexAnalysis(analyzeGraph(doc, { sizeSearchBudgetMs: INTERACTIVE_BUDGET_MS }));
}

export function indexAnalysis(analysis: Analysis): UiAnalysis {
  const byNode = new Map<string, Diagnostic[]>();
  const severity = new Map<string, Severity>();
  for (const d of analysis.diagnostics) {
    if (!d.nodeId) continue;
    byNode.set(d.nodeId, [...(byNode.get(d.nodeId) ?? []), d]);
    if (d.severity === 'error' || !severity.has(d.nodeId)) severity.set(d.nodeId, d.severity);
  }
  return {
    ...analysis,
    rowById: new Map(analysis.rows.map((r) => [r.id, r])),
    edgeShapes: analysis.shapes.edges,
    byNode,
    severity,
  };
}
