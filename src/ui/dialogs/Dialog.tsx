import { useEffect, useRef, type ReactNode } from 'react';
import { IconClose } from '../icons';
import './dialogs.css';

interface DialogProps {
  title: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  width?: number;
  tone?: 'default' | 'error';
}

/** A modal: Escape or the backdrop closes it; focus moves into it and back out when it closes. */
export function Dialog({ title, onClose, children, footer, testId, width = 480, tone = 'default' }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = panel.current?.querySelector<HTMLElement>('[data-autofocus], input, select, button.primary, button');
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        closeRef.current();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      previous?.focus?.();
    };
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={panel} className={`dialog tone-${tone}`} role="dialog" aria-modal="true" aria-label={typeof title === 'string' ? title : undefined} data-testid={testId} style={{ width }}>
        <header className="dialog-head">
          <h2 className="dialog-title">{title}</h2>
          <button type="button" className="icon-btn" aria-label="Close" data-testid="dialog-close" onClick={onClose}>
            <IconClose size={14} />
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-foot">{footer}</footer>}
      </div>
    </div>
  );
}
