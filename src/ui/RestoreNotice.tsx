import { useState } from 'react';
import { capLines } from '../core/text';
import { discardKeptAutosave, type KeyValueStorage, type RestoreResult } from '../state/autosave';
import { IconClose } from './icons';
import { downloadText } from './model/files';
import { formatTime } from './model/format';

interface RestoreNoticeProps {
  restore: RestoreResult;
  /** Whether the restored document is what the editor shows (false when `?template=` asked for a template). */
  restored: boolean;
  storage: KeyValueStorage;
  templateName?: string;
  loadTemplate?: () => void;
  onDismiss(): void;
}

const MAX_REPAIRS_SHOWN = 8;

/**
 * The banner above the canvas about the last session's autosave: restored (and what was repaired to restore it),
 * or not restored and why — with the original entry offered for download, since nothing is silently dropped.
 */
export function RestoreNotice({ restore, restored, storage, templateName, loadTemplate, onDismiss }: RestoreNoticeProps) {
  const [showRepairs, setShowRepairs] = useState(false);
  const [kept, setKept] = useState(restore.kept);
  // Migrated params (renamed, dropped) first, then repairs: each says what happened to which param.
  const repaired = restore.kind === 'restored' && restored ? [...(restore.saved.updated ?? []), ...restore.saved.repaired] : [];
  if (!(restore.kind === 'restored' && restored) && restore.kind !== 'unreadable' && !kept) return null;

  const download = () => kept && downloadText(kept.text, 'unet-studio-autosave.json');
  const discard = () => {
    discardKeptAutosave(storage);
    setKept(undefined);
    if (restore.kind !== 'restored' || !restored) onDismiss();
  };
  const updates = restore.kind === 'restored' ? (restore.saved.updated?.length ?? 0) : 0;
  const repairCount =
    updates === repaired.length
      ? `updating ${updates} param${updates === 1 ? '' : 's'} from an older version`
      : `repairing ${repaired.length} problem${repaired.length === 1 ? '' : 's'}`;

  return (
    <div className={`restore-notice${restore.kind === 'unreadable' ? ' failed' : ''}`} data-testid="restore-notice" role="status">
      <div className="restore-lines">
        <span>
          {restore.kind === 'restored' && restored ? (
            <>
              Restored your last graph ({formatTime(restore.saved.savedAt)})
              {repaired.length > 0 && (
                <>
                  {' '}after {repairCount}{' '}
                  <button type="button" className="link" data-testid="restore-show-repairs" onClick={() => setShowRepairs((s) => !s)}>
                    {showRepairs ? 'hide' : 'show'}
                  </button>
                </>
              )}
              {loadTemplate && templateName && (
                <>
                  {' — '}
                  <button type="button" className="link" data-testid="restore-load-template" onClick={loadTemplate}>
                    Load the template instead
                  </button>
                </>
              )}
            </>
          ) : restore.kind === 'unreadable' ? (
            <span data-testid="restore-failed">Your last autosave could not be restored: {restore.reason}.</span>
          ) : (
            <span>An autosave that could not be restored is still kept.</span>
          )}
          {kept && (
            <>
              {' '}
              <button type="button" className="link" data-testid="restore-download" onClick={download}>
                {restore.kind === 'restored' && repaired.length > 0 ? 'Download the original' : 'Download it to recover your work'}
              </button>
              {kept.stored ? (
                <>
                  {' · '}
                  <button type="button" className="link" data-testid="restore-discard" onClick={discard}>
                    Discard it
                  </button>
                </>
              ) : (
                ' (storage is full: this page holds the only copy)'
              )}
            </>
          )}
        </span>
        {showRepairs && (
          <ul className="restore-repairs" data-testid="restore-repairs">
            {capLines(repaired, MAX_REPAIRS_SHOWN, 'repair').map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </div>
      <button type="button" className="icon-btn" aria-label="Dismiss" data-testid="restore-dismiss" onClick={onDismiss}>
        <IconClose size={12} />
      </button>
    </div>
  );
}

/** A lasting warning while autosave cannot save (storage full, blocked): the work is only in this page until exported. */
export function SaveWarning({ message, onExport }: { message: string; onExport(): void }) {
  return (
    <div className="restore-notice failed" data-testid="save-warning" role="alert">
      <span>
        {message}{' '}
        <button type="button" className="link" data-testid="save-warning-export" onClick={onExport}>
          Export JSON now
        </button>
      </span>
    </div>
  );
}
