import { useCallback, useEffect, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import { blockOfNode, checkGroupable } from '../../core/blocks';
import { setCollapsed, ungroup } from '../../state/commands';
import { useEditor } from '../EditorContext';
import { MOD } from '../shortcuts';
import '../toolbar/toolbar.css';

interface MenuAt {
  x: number;
  y: number;
  /** The op node, collapsed box or block frame right-clicked (boxes and frames carry their block's id). */
  id: string;
}

/**
 * The right-click menu of nodes and blocks: group the selection, collapse / expand / ungroup the block under the
 * pointer, collapse or expand all. Right-clicking outside the selection selects what was clicked first.
 */
export function useNodeMenu() {
  const { store } = useEditor();
  const [menu, setMenu] = useState<MenuAt | null>(null);
  const onNodeContextMenu = useCallback(
    (event: ReactMouseEvent, node: { id: string }) => {
      event.preventDefault();
      const { doc, selection } = store.getState();
      const block = doc.blocks?.find((b) => b.id === node.id);
      const ids = block ? block.nodes : [node.id];
      if (!ids.every((id) => selection.nodes.includes(id))) store.setSelection({ nodes: ids, edges: [] });
      setMenu({ x: event.clientX, y: event.clientY, id: node.id });
    },
    [store],
  );
  const close = useCallback(() => setMenu(null), []);
  return { menu, onNodeContextMenu, close };
}

export function NodeMenu({ at, onClose }: { at: MenuAt; onClose(): void }) {
  const { store, groupSelection, ungroupSelection } = useEditor();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
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
  }, [onClose]);

  const { doc, selection } = store.getState();
  const block = doc.blocks?.find((b) => b.id === at.id) ?? blockOfNode(doc).get(at.id);
  const items = [
    { id: 'ctx-group', label: 'Group selection…', hint: `${MOD}+G`, disabled: !checkGroupable(doc, selection.nodes).ok, run: groupSelection },
    ...(block
      ? [
          { id: 'ctx-toggle', label: `${block.collapsed ? 'Expand' : 'Collapse'} ${block.name}`, hint: block.id, run: () => void setCollapsed(store, !block.collapsed, [block.id]) },
          { id: 'ctx-ungroup', label: `Ungroup ${block.name}`, hint: `${MOD}+Shift+G`, run: () => void ungroup(store, block.id) },
        ]
      : [{ id: 'ctx-ungroup', label: 'Ungroup', hint: `${MOD}+Shift+G`, disabled: true, run: ungroupSelection }]),
    ...(doc.blocks
      ? [
          { id: 'ctx-collapse-all', label: 'Collapse all blocks', run: () => void setCollapsed(store, true) },
          { id: 'ctx-expand-all', label: 'Expand all blocks', run: () => void setCollapsed(store, false) },
        ]
      : []),
  ];
  return (
    <div ref={root} className="menu-list node-menu" role="menu" style={{ position: 'fixed', left: at.x, top: at.y, width: 250 }} data-testid="node-menu">
      {items.map((item) => (
        <button
          key={item.id}
          type="button"
          role="menuitem"
          className="menu-item"
          disabled={item.disabled}
          data-testid={item.id}
          onClick={() => {
            onClose();
            item.run();
          }}
        >
          <span className="menu-item-label">{item.label}</span>
          <span className="menu-item-hint">{item.hint}</span>
        </button>
      ))}
    </div>
  );
}
