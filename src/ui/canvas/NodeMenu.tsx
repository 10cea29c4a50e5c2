import { useCallback, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import { blockOfNode, checkGroupable } from '../../core/blocks';
import { setCollapsed, ungroup } from '../../state/commands';
import { useEditor } from '../EditorContext';
import { MOD } from '../shortcuts';
import { MenuItems, useDismiss, type MenuItem } from '../toolbar/Menu';
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
  useDismiss(root, true, onClose);

  const { doc, selection } = store.getState();
  const block = doc.blocks?.find((b) => b.id === at.id) ?? blockOfNode(doc).get(at.id);
  const items: MenuItem[] = [
    { id: 'ctx-group', label: 'Group selection…', hint: `${MOD}+G`, disabled: !checkGroupable(doc, selection.nodes).ok, onSelect: groupSelection },
    ...(block
      ? [
          { id: 'ctx-toggle', label: `${block.collapsed ? 'Expand' : 'Collapse'} ${block.name}`, hint: block.id, onSelect: () => void setCollapsed(store, !block.collapsed, [block.id]) },
          { id: 'ctx-ungroup', label: `Ungroup ${block.name}`, hint: `${MOD}+Shift+G`, onSelect: () => void ungroup(store, block.id) },
        ]
      : [{ id: 'ctx-ungroup', label: 'Ungroup', hint: `${MOD}+Shift+G`, disabled: true, onSelect: ungroupSelection }]),
    ...(doc.blocks
      ? [
          { id: 'ctx-collapse-all', label: 'Collapse all blocks', onSelect: () => void setCollapsed(store, true) },
          { id: 'ctx-expand-all', label: 'Expand all blocks', onSelect: () => void setCollapsed(store, false) },
        ]
      : []),
  ];
  return (
    <div ref={root} className="menu-list node-menu" role="menu" style={{ position: 'fixed', left: at.x, top: at.y, width: 250 }} data-testid="node-menu">
      <MenuItems items={items} onPicked={onClose} />
    </div>
  );
}
