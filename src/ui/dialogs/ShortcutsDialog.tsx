import { SHORTCUTS } from '../shortcuts';
import { Dialog } from './Dialog';

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-help" width={520}>
      <dl className="shortcut-list">
        {SHORTCUTS.map((s) => (
          <div key={s.action} className="shortcut-row">
            <dt>
              {s.keys.map((k, i) => (
                <span key={i}>
                  {i > 0 && <span className="key-plus">+</span>}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{s.action}</dd>
          </div>
        ))}
      </dl>
      <p className="dialog-note">Shortcuts are off while you type in a field.</p>
    </Dialog>
  );
}
