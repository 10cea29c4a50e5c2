import { useCallback, useMemo, useState } from 'react';
import { useAnalysis, useEditor, useEditorState, type SummaryTab } from '../EditorContext';
import { IconChevronDown, IconError, IconWarning } from '../icons';
import { formatBytes, formatInt, formatMacs } from '../model/format';
import { DiagnosticItem } from './DiagnosticItem';
import { SummaryTable } from './SummaryTable';
import type { EditorState } from '../../state/store';
import './summary.css';

const selectSelection = (s: EditorState) => s.selection;

/** Bottom panel: totals, the layer table and every diagnostic. */
export function SummaryPanel() {
  const analysis = useAnalysis();
  const selection = useEditorState(selectSelection);
  const { store, focusNodes, summaryTab, setSummaryTab } = useEditor();
  // The panel remembers its tab while collapsed.
  const [lastTab, setLastTab] = useState<SummaryTab>('layers');
  const open = summaryTab !== null;
  const tab = summaryTab ?? lastTab;
  const show = (next: SummaryTab) => {
    setLastTab(next);
    setSummaryTab(next);
  };
  const selected = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const { totals, errorCount, warningCount } = analysis;
  // Stable, so the memoised table rows skip re-rendering.
  const select = useCallback(
    (id: string) => {
      store.setSelection({ nodes: [id], edges: [] });
      focusNodes([id]);
    },
    [store, focusNodes],
  );
  // Nodes of unknown size add nothing to the sums: say so, and show the sums as lower bounds.
  const incomplete = totals.unknown.length > 0;
  const lowerBound = incomplete ? '≥ ' : '';
  const trace = analysis.mainPath.filter((p, i, all) => p.output && (i === 0 || all[i - 1]!.output?.h !== p.output.h));

  return (
    <section className={`summary-panel${open ? ' open' : ''}`} data-testid="summary-panel">
      <div className="summary-bar">
        <div className="tabs compact" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'layers'} className={`tab${tab === 'layers' ? ' active' : ''}`} data-testid="tab-layers" onClick={() => show('layers')}>
            Layers <span className="tab-count">{analysis.rows.length}</span>
          </button>
          <button type="button" role="tab" aria-selected={tab === 'problems'} className={`tab${tab === 'problems' ? ' active' : ''}`} data-testid="tab-problems" onClick={() => show('problems')}>
            Problems
            {errorCount > 0 && (
              <span className="tab-count error">
                <IconError size={11} /> {errorCount}
              </span>
            )}
            {warningCount > 0 && (
              <span className="tab-count warning">
                <IconWarning size={11} /> {warningCount}
              </span>
            )}
            {errorCount + warningCount === 0 && <span className="tab-count">0</span>}
          </button>
        </div>
        <dl className="totals" data-testid="totals">
          <div title={`${formatInt(totals.params.trainable)} trainable · ${formatInt(totals.params.nonTrainable)} non-trainable`}>
            <dt>Params</dt>
            <dd data-testid="total-params">
              {lowerBound}
              {formatInt(totals.params.total)}
            </dd>
          </div>
          {incomplete && (
            <div className="totals-incomplete" title={`Sizes unknown for ${totals.unknown.join(', ')}: their params, mult-adds and memory are not counted, so the totals are lower bounds.`}>
              <dd data-testid="totals-incomplete">
                {totals.unknown.length} {totals.unknown.length === 1 ? 'node' : 'nodes'} unknown
              </dd>
            </div>
          )}
          <div className="totals-minor">
            <dt>Trainable</dt>
            <dd data-testid="total-trainable">{formatInt(totals.params.trainable)}</dd>
          </div>
          <div className="totals-minor">
            <dt>Non-trainable</dt>
            <dd data-testid="total-nontrainable">{formatInt(totals.params.nonTrainable)}</dd>
          </div>
          <div>
            <dt>Mult-adds</dt>
            <dd data-testid="total-macs">
              {lowerBound}
              {formatMacs(totals.macs)}
            </dd>
          </div>
          <div title="Sum of every layer's output for one batch (what training keeps for backprop)">
            <dt>Activations</dt>
            <dd data-testid="total-activations">
              {lowerBound}
              {formatBytes(totals.activationBytes)}
            </dd>
          </div>
          <div title="Most memory held at once during one inference, freeing each tensor after its last use">
            <dt>Peak</dt>
            <dd data-testid="total-peak">
              {lowerBound}
              {formatBytes(totals.peakBytes)}
            </dd>
          </div>
        </dl>
        <button type="button" className="icon-btn" aria-label={open ? 'Collapse panel' : 'Expand panel'} data-testid="summary-toggle" onClick={() => (open ? (setLastTab(tab), setSummaryTab(null)) : setSummaryTab(lastTab))}>
          <IconChevronDown size={16} style={{ transform: open ? undefined : 'rotate(180deg)' }} />
        </button>
      </div>
      {open && (
        <div className="summary-body">
          {tab === 'layers' ? (
            <>
              {trace.length > 1 && (
                <div className="size-trace mono" data-testid="size-trace" title="Spatial size along the longest path, input to output">
                  {trace.map((p) => p.output!.h === p.output!.w ? p.output!.h : `${p.output!.h}×${p.output!.w}`).join(' → ')}
                </div>
              )}
              <SummaryTable analysis={analysis} selected={selected} onSelect={select} />
            </>
          ) : (
            <div className="problems" data-testid="problems-list">
              {analysis.diagnostics.length === 0 && <div className="problems-empty">No problems: every shape checks out.</div>}
              {analysis.diagnostics.map((d, i) => (
                <DiagnosticItem key={`${d.nodeId}-${d.code}-${i}`} diagnostic={d} onSelectNode={select} showNode testId={`problem-${i}`} />
              ))}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
