import { useCallback, useRef, useState } from 'react';
import type { ToastKind } from './EditorContext';
import { IconClose } from './icons';

interface Toast {
  id: number;
  message: string;
  kind: ToastKind;
}

const LIFETIME: Record<ToastKind, number> = { info: 2500, success: 3000, error: 7000 };

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const notify = useCallback(
    (message: string, kind: ToastKind = 'info') => {
      const id = next.current++;
      // The same message twice in a row replaces the first instead of stacking.
      setToasts((t) => [...t.filter((x) => x.message !== message).slice(-3), { id, message, kind }]);
      setTimeout(() => dismiss(id), LIFETIME[kind]);
    },
    [dismiss],
  );
  return { toasts, notify, dismiss };
}

export function Toasts({ toasts, dismiss }: { toasts: Toast[]; dismiss(id: number): void }) {
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid="toast" data-kind={t.kind}>
          <span>{t.message}</span>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            <IconClose size={12} />
          </button>
        </div>
      ))}
    </div>
  );
}
