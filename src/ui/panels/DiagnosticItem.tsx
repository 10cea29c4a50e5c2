import type { Diagnostic } from '../../core/diagnostics';
import { applyDiagnosticFix } from '../../state/commands';
import { useEditor } from '../EditorContext';
import { IconError, IconWarning } from '../icons';
import './diagnostics.css';

interface Props {
  diagnostic: Diagnostic;
  /** Clicking the message selects (and shows) the node. */
  onSelectNode?: (nodeId: string) => void;
  testId?: string;
  showNode?: boolean;
}

/** A diagnostic with its one-click fixes; used by the inspector and the problems list. */
export function DiagnosticItem({ diagnostic: d, onSelectNode, testId, showNode = false }: Props) {
  const { store, notify } = useEditor();
  const clickable = !!(onSelectNode && d.nodeId);
  return (
    <div className={`diagnostic ${d.severity}`} data-testid={testId} data-code={d.code} data-node={d.nodeId ?? ''}>
      <span className={`diagnostic-icon sev-icon-${d.severity}`}>{d.severity === 'error' ? <IconError size={14} /> : <IconWarning size={14} />}</span>
      <div className="diagnostic-body">
        {clickable ? (
          <button type="button" className="diagnostic-message" onClick={() => onSelectNode!(d.nodeId!)}>
            {showNode && <span className="node-chip mono">{d.nodeId}</span>}
            {d.message}
          </button>
        ) : (
          <div className="diagnostic-message">
            {showNode && d.nodeId && <span className="node-chip mono">{d.nodeId}</span>}
            {d.message}
          </div>
        )}
        {d.fixes && d.fixes.length > 0 && (
          <div className="diagnostic-fixes">
            {d.fixes.map((fix, i) => (
              <button
                key={i}
                type="button"
                className="btn small fix-btn"
                data-testid={`fix-${d.code}-${i}`}
                data-node={d.nodeId ?? ''}
                onClick={() => {
                  const result = applyDiagnosticFix(store, fix);
                  if (result.ok) notify(`Applied: ${fix.label}`, 'success');
                  else notify(result.reason, 'error');
                }}
              >
                {fix.label}
              </button>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
