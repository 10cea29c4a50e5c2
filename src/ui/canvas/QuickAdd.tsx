import { useEffect, useMemo, useRef, useState } from 'react';
import { OPS } from '../../core/ops';

export interface QuickAddRequest {
  /** Where to show the picker, relative to the canvas element. */
  at: { x: number; y: number };
  /** The node whose output was dropped on empty canvas. */
  source: string;
}

/** Ops that can take an input (everything but `input`), filtered as the user types. */
export function QuickAdd({ request, onPick, onClose }: { request: QuickAddRequest; onPick(op: string): void; onClose(): void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  const ops = useMemo(() => {
    const q = query.trim().toLowerCase();
    return OPS.filter((op) => op.type !== 'input' && (!q || [op.label, op.type, op.description].some((t) => t.toLowerCase().includes(q))));
  }, [query]);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    const onDown = (e: MouseEvent) => !root.current?.contains(e.target as Node) && onClose();
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [onClose]);

  return (
    <div ref={root} className="quick-add" style={{ left: request.at.x, top: request.at.y }} data-testid="quick-add" role="dialog" aria-label={`Add a node after ${request.source}`}>
      <input
        autoFocus
        className="field-input"
        placeholder={`Add after ${request.source}…`}
        value={query}
        data-testid="quick-add-search"
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, ops.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter' && ops[active]) onPick(ops[active]!.type);
        }}
      />
      <div className="quick-add-list">
        {ops.length === 0 && <div className="quick-add-empty">No op matches</div>}
        {ops.map((op, i) => (
          <button
            key={op.type}
            type="button"
            className={`quick-add-item cat-${op.category}${i === active ? ' active' : ''}`}
            data-testid={`quick-add-${op.type}`}
            onMouseEnter={() => setActive(i)}
            onClick={() => onPick(op.type)}
          >
            <span className="palette-dot" aria-hidden="true" />
            {op.label}
          </button>
        ))}
      </div>
    </div>
  );
}
