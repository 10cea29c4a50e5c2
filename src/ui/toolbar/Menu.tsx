import { useEffect, useRef, useState, type ReactNode } from 'react';
import { IconChevronDown } from '../icons';

export interface MenuItem {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Shown on hover (a template's description). */
  title?: string;
  onSelect(): void;
  disabled?: boolean;
}

/** A toolbar dropdown: click to open, click an item or outside (or press Escape) to close. */
export function Menu({
  label,
  title,
  icon,
  items,
  testId,
  width = 240,
}: {
  label: ReactNode;
  /** The button's name when its text is hidden on a narrow window. */
  title?: string;
  icon?: ReactNode;
  items: MenuItem[];
  testId: string;
  width?: number;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        setOpen(false);
      }
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey, true);
    };
  }, [open]);
  return (
    <div className="menu" ref={root}>
      <button type="button" className={`btn ghost${open ? ' pressed' : ''}`} aria-haspopup="menu" aria-expanded={open} data-testid={testId} title={title} aria-label={title} onClick={() => setOpen((o) => !o)}>
        {icon}
        {label}
        <IconChevronDown size={13} className="menu-caret" />
      </button>
      {open && (
        <div className="menu-list" role="menu" style={{ width }} data-testid={`${testId}-list`}>
          {items.map((item) => (
            <button
              key={item.id}
              type="button"
              role="menuitem"
              className="menu-item"
              disabled={item.disabled}
              data-testid={item.id}
              title={item.title}
              onClick={() => {
                setOpen(false);
                item.onSelect();
              }}
            >
              <span className="menu-item-label">{item.label}</span>
              {item.hint && <span className="menu-item-hint">{item.hint}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
