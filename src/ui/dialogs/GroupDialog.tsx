import { useState } from 'react';
import { FORMAT_LIMITS } from '../../core/format';
import { Dialog } from './Dialog';

/** Asks for a new block's name (its type: blocks with the same name are instances of one another). */
export function GroupDialog({ count, suggested, onGroup, onClose }: { count: number; suggested: string; onGroup(name: string): void; onClose(): void }) {
  const [name, setName] = useState(suggested);
  const submit = () => name.trim() && onGroup(name.trim());
  return (
    <Dialog
      title={`Group ${count} nodes`}
      onClose={onClose}
      testId="group-dialog"
      width={380}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" data-testid="group-confirm" disabled={!name.trim()} onClick={submit}>
            Group
          </button>
        </>
      }
    >
      <div className="field wide">
        <label className="field-label" htmlFor="group-name">
          Block name
        </label>
        <div className="field-control">
        <input
          id="group-name"
          className="field-input"
          value={name}
          data-autofocus
          data-testid="group-name"
          maxLength={FORMAT_LIMITS.maxLabelLength}
          onChange={(e) => setName(e.target.value)}
          onFocus={(e) => e.target.select()}
          onKeyDown={(e) => e.key === 'Enter' && submit()}
        />
        </div>
      </div>
      <p className="dialog-note">Blocks with the same name are instances of one type: “apply to all instances” edits them together.</p>
    </Dialog>
  );
}
