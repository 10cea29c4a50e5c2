import type { UnsupportedOp } from '../../compile/import';
import type { FormatError } from '../../core/format';
import { Dialog } from './Dialog';

export interface ImportFailure {
  fileName: string;
  errors: FormatError[];
  /** A model from another tool: the op types it uses that have no equivalent here, with their nodes. */
  unsupported?: UnsupportedOp[];
  /** What the rest of that model would need. */
  summary?: string[];
}

/** Why a file was refused, one `path: message` per line; the graph on the canvas was left as it was. */
export function ImportErrorsDialog({ failure, onClose }: { failure: ImportFailure; onClose(): void }) {
  const { fileName, errors, unsupported = [], summary = [] } = failure;
  const count = errors.length + unsupported.length;
  return (
    <Dialog
      title={`Could not open “${fileName}”`}
      onClose={onClose}
      testId="import-errors"
      tone="error"
      width={560}
      footer={
        <button type="button" className="btn primary" onClick={onClose} data-autofocus>
          OK
        </button>
      }
    >
      <p className="dialog-lead">
        {unsupported.length
          ? `The model uses ${unsupported.reduce((n, u) => n + u.nodes.length, 0)} nodes of ${unsupported.length} unsupported kind${unsupported.length === 1 ? '' : 's'}`
          : count === 1
            ? 'The file has a problem'
            : `The file has ${count} problems`}
        , so nothing was imported and your graph is unchanged.
      </p>
      {unsupported.length > 0 && (
        <table className="unsupported-ops" data-testid="import-unsupported">
          <thead>
            <tr>
              <th>Op</th>
              <th className="num">Count</th>
              <th>Nodes</th>
            </tr>
          </thead>
          <tbody>
            {unsupported.map((u, i) => (
              <tr key={i} data-testid={`import-unsupported-${u.opType}`}>
                <td className="mono">
                  {u.opType}
                  {u.reason && <div className="unsupported-reason">{u.reason}</div>}
                </td>
                <td className="num">{u.nodes.length}</td>
                <td className="mono">{u.nodes.slice(0, 6).join(', ') + (u.nodes.length > 6 ? `, … ${u.nodes.length - 6} more` : '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {summary.map((line, i) => (
        <p key={i} className="dialog-note" data-testid={`import-summary-${i}`}>
          {line}
        </p>
      ))}
      {errors.length > 0 && <ul className="error-list" data-testid="import-error-list">
        {errors.map((e, i) => (
          <li key={i} data-testid={`import-error-${i}`}>
            {e.path && <span className="error-path mono">{e.path}:</span>} <span>{e.message}</span>
          </li>
        ))}
      </ul>}
    </Dialog>
  );
}
