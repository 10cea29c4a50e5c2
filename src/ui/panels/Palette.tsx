import { useReactFlow } from '@xyflow/react';
import { useMemo, useState } from 'react';
import type { OpCategory, OpDef } from '../../core/op';
import { OPS } from '../../core/ops';
import { addNode } from '../../state/commands';
import { OP_DRAG_TYPE } from '../canvas/Canvas';
import { useEditor } from '../EditorContext';
import { IconClose, IconSearch } from '../icons';
import { NODE_HEIGHT, NODE_WIDTH } from '../model/handleSides';
import './palette.css';

const CATEGORY_NAMES: Record<OpCategory, string> = {
  io: 'Input & output',
  conv: 'Convolution',
  pool: 'Pooling',
  resize: 'Resize',
  merge: 'Merge',
  norm: 'Normalisation',
  activation: 'Activation',
  regularize: 'Regularisation',
  reshape: 'Reshape',
};

function matches(op: OpDef, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [op.type, op.label, op.description, CATEGORY_NAMES[op.category]].some((s) => s.toLowerCase().includes(q));
}

/** Every op in the registry: click to add at the centre of the view, or drag onto the canvas. */
export function Palette() {
  const { store } = useEditor();
  const { screenToFlowPosition } = useReactFlow();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const out = new Map<OpCategory, OpDef[]>();
    for (const op of OPS) if (matches(op, query)) out.set(op.category, [...(out.get(op.category) ?? []), op]);
    return [...out.entries()];
  }, [query]);

  const addAtCentre = (op: string) => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    if (!canvas) return;
    const centre = screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 });
    let at = { x: Math.round((centre.x - NODE_WIDTH / 2) / 10) * 10, y: Math.round((centre.y - NODE_HEIGHT / 2) / 10) * 10 };
    // Clicking twice should not stack two nodes exactly on top of each other.
    const taken = (p: { x: number; y: number }) =>
      store.getState().doc.nodes.some((n) => Math.abs(n.position.x - p.x) < 20 && Math.abs(n.position.y - p.y) < 20);
    for (let i = 0; i < 20 && taken(at); i++) at = { x: at.x + 30, y: at.y + 30 };
    addNode(store, op, at);
  };

  return (
    <aside className="palette" data-testid="palette">
      <div className="palette-search">
        <IconSearch size={14} className="palette-search-icon" />
        <input
          type="search"
          className="field-input"
          placeholder="Search ops"
          value={query}
          data-testid="palette-search"
          aria-label="Search ops"
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
            if (e.key === 'Enter') {
              const first = groups[0]?.[1][0];
              if (first) addAtCentre(first.type);
            }
          }}
        />
        {query && (
          <button type="button" className="palette-clear" aria-label="Clear search" onClick={() => setQuery('')}>
            <IconClose size={12} />
          </button>
        )}
      </div>
      <div className="palette-list">
        {groups.length === 0 && <div className="palette-empty">No op matches “{query}”.</div>}
        {groups.map(([category, ops]) => (
          <section key={category} className="palette-group">
            <h4 className="palette-group-title">{CATEGORY_NAMES[category]}</h4>
            {ops.map((op) => (
              <button
                key={op.type}
                type="button"
                className={`palette-item cat-${op.category}`}
                data-testid={`palette-item-${op.type}`}
                title={`${op.type}: ${op.description}`}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(OP_DRAG_TYPE, op.type);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onClick={(e) => {
                  addAtCentre(op.type);
                  // Space pans the canvas; a still-focused palette button would take it as another click.
                  e.currentTarget.blur();
                }}
              >
                <span className="palette-dot" aria-hidden="true" />
                <span className="palette-label">{op.label}</span>
              </button>
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}
