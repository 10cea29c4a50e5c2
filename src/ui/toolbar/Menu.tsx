import { useCallback, useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
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
  const close = useCallback(() => setOpen(false), []);
  useDismiss(root, open, close);
  return (
    <div className="menu" ref={root}>
      <button type="button" className={`btn ghost${open ? ' pressed' : ''}`} aria-haspopup="menu" aria-expanded={open} data-testid={testId} title={title} aria-label={title} onClick={() => setOpen((o) => !o)}>
        {icon}
        {label}
        <IconChevronDown size={13} className="menu-caret" />
      </button>
      {open && (
        <div className="menu-list" role="menu" style={{ width }} data-testid={`${testId}-list`}>
          <MenuItems items={items} onPicked={close} />
        </div>
      )}
    </div>
  );
}

/** While `active`, a mouse-down outside `root` or Escape calls `onClose` (Escape goes no further). */
export function useDismiss(root: RefObject<HTMLElement | null>, active: boolean, onClose: () => void): void {
  useEffect(() => {
    if (!active) return;
    const onDown = (e: MouseEvent) => !root.current?.contains(e.target as Node) && onClose();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      onClose();
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey, true);
    };
  }, [root, active, onClose]);
}

/** A menu's items: `onPicked` (closing the menu) runs before the item's action. */
export function MenuItems({ items, onPicked }: { items: MenuItem[]; onPicked(): void }) {
  return (
    <>
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
            onPicked();
            item.onSelect();
          }}
        >
          <span className="menu-item-label">{item.label}</span>
          {item.hint && <span className="menu-item-hint">{item.hint}</span>}
        </button>
      ))}
    </>
  );
}
