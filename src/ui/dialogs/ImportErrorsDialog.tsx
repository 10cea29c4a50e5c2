import type { FormatError } from '../../core/format';
import { Dialog } from './Dialog';

export interface ImportFailure {
  fileName: string;
  errors: FormatError[];
}

/** Why a file was refused, one `path: message` per line; the graph on the canvas was left as it was. */
export function ImportErrorsDialog({ failure, onClose }: { failure: ImportFailure; onClose(): void }) {
  const { fileName, errors } = failure;
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
        {errors.length === 1 ? 'The file has a problem' : `The file has ${errors.length} problems`}, so nothing was imported and
        your graph is unchanged.
      </p>
      <ul className="error-list" data-testid="import-error-list">
        {errors.map((e, i) => (
          <li key={i} data-testid={`import-error-${i}`}>
            {e.path && <span className="error-path mono">{e.path}:</span>} <span>{e.message}</span>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
