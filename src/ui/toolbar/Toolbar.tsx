import { useReactFlow } from '@xyflow/react';
import { useState } from 'react';
import { shallow } from 'zustand/shallow';
import type { EditorState } from '../../state/store';
import { setCollapsed } from '../../state/commands';
import type { XY } from '../../core/types';
import { useAnalysis, useEditor, useEditorState } from '../EditorContext';
import {
  IconDownload,
  IconError,
  IconBlocks,
  IconFit,
  IconKeyboard,
  IconLayout,
  IconLogo,
  IconOpen,
  IconPlus,
  IconRedo,
  IconTemplates,
  IconUndo,
  IconWarning,
} from '../icons';
import { exportGraphJson } from '../model/files';
import { formatBytes } from '../model/format';
import { canWriteFolders, exportModel, type ModelFormat } from '../model/modelExport';
import { exportPicture, type PictureKind, type PictureProgress } from '../model/pictures';
import { layoutLeftToRight } from '../model/layout';
import { layoutAsU } from '../model/uLayout';
import { TEMPLATES } from '../model/templates';
import { MOD } from '../shortcuts';
import { Menu } from './Menu';
import './toolbar.css';

/** What the toolbar shows: not the selection (it does not re-render when the selection changes). */
const selectToolbar = ({ doc, canUndo, canRedo, undoLabel, redoLabel }: EditorState) => ({ doc, canUndo, canRedo, undoLabel, redoLabel });

export function Toolbar() {
  const { store, notify, openNewUNet, openImport, openShortcuts, loadDocument, focusNodes, showProblems, groupSelection, ungroupSelection } = useEditor();
  const { doc, canUndo, canRedo, undoLabel, redoLabel } = useEditorState(selectToolbar, shallow);
  const analysis = useAnalysis();
  const { getNodes } = useReactFlow();

  // What an export in progress is doing (a PNG of a big graph takes seconds), shown beside the Export menu.
  const [exporting, setExporting] = useState<PictureProgress | null>(null);

  const exportImage = async (kind: PictureKind) => {
    const sizes = Object.fromEntries(getNodes().map((n) => [n.id, n.measured?.width ? { width: n.measured.width, height: n.measured.height ?? 0 } : undefined]));
    try {
      const saved = await exportPicture(kind, store.getState().doc, analysis, sizes, setExporting);
      notify(`Saved ${saved.fileName} (${saved.width}×${saved.height}, ${formatBytes(saved.bytes)})`, 'success');
    } catch (err) {
      notify(`Could not export the picture: ${err instanceof Error ? err.message : String(err)}`, 'error');
    } finally {
      setExporting(null);
    }
  };

  const exportAs = async (format: ModelFormat, into: 'download' | 'folder' = 'download') => {
    const name = { pytorch: 'PyTorch', onnx: 'ONNX', tfjs: 'the tfjs model' }[format];
    // The tfjs folder has no code to write: compiling is the slow part, worth a progress line (PyTorch, ONNX: quick after).
    if (format === 'tfjs') setExporting({ step: 'Compiling the model…', done: 0.3 });
    try {
      const done = await exportModel(store.getState().doc, format, into);
      if (!done) return;
      const weights = done.fresh
        ? ` with freshly initialised weights (${done.note ?? 'load or train weights in the Run panel to export those'})`
        : ` with the Run panel’s weights (${done.note})`;
      notify(`Exported ${name}: ${done.saved}${weights}`, 'info');
    } catch (err) {
      notify(`Could not export ${name}: ${err instanceof Error ? err.message : String(err)}`, 'error');
    } finally {
      if (format === 'tfjs') setExporting(null);
    }
  };

  const applyPositions = (label: string, positions: Record<string, XY>) => {
    store.apply(label, (draft) => {
      for (const node of draft.nodes) {
        const p = positions[node.id];
        if (p && (p.x !== node.position.x || p.y !== node.position.y)) node.position = { x: p.x, y: p.y };
      }
    });
    focusNodes([]);
  };

  const arrangeLeftToRight = async () => {
    const sizes = Object.fromEntries(getNodes().map((n) => [n.id, n.measured?.width ? { width: n.measured.width, height: n.measured.height ?? 0 } : undefined]));
    try {
      applyPositions('Arrange left to right', await layoutLeftToRight(store.getState().doc, sizes));
    } catch (err) {
      notify(`Auto-layout failed: ${err instanceof Error ? err.message : String(err)}`, 'error');
    }
  };

  const arrangeAsU = async () => {
    const positions = layoutAsU(store.getState().doc, analysis);
    if (positions) return applyPositions('Arrange as a U', positions);
    notify('This graph does not read as a U (it needs known shapes and one encoder–decoder path), so it was arranged left to right', 'info');
    await arrangeLeftToRight();
  };

  const firstProblem = analysis.diagnostics.find((d) => d.nodeId);

  return (
    <header className="toolbar" data-testid="toolbar">
      <div className="brand">
        <span className="brand-mark">
          <IconLogo size={16} />
        </span>
        <span className="brand-name">UNet Studio</span>
      </div>
      <div className="toolbar-doc" title={doc.description || doc.name} data-testid="toolbar-doc-name">
        {doc.name}
      </div>
      <span className="toolbar-sep" />
      <Menu
        label={<span className="btn-text">Templates</span>}
        title="Templates"
        icon={<IconTemplates size={15} />}
        testId="menu-templates"
        width={380}
        items={TEMPLATES.map((t) => ({
          id: `template-${t.id}`,
          label: t.name,
          hint: `${t.nodeCount} nodes`,
          title: t.description,
          onSelect: () => loadDocument(t.doc, `Load template “${t.name}”`),
        }))}
      />
      <button type="button" className="btn ghost" data-testid="new-unet" onClick={openNewUNet} title="New U-Net…" aria-label="New U-Net…">
        <IconPlus size={15} /> <span className="btn-text">New U-Net…</span>
      </button>
      <button type="button" className="btn ghost" data-testid="import-button" onClick={openImport} title="Open a UNet Studio .json graph, an .onnx model, or a Keras / tfjs model.json with its .bin files (or drop them on the canvas)" aria-label="Open">
        <IconOpen size={15} /> <span className="btn-text">Open</span>
      </button>
      <Menu
        label={<span className="btn-text">Export</span>}
        title="Export"
        icon={<IconDownload size={15} />}
        testId="menu-export"
        items={[
          { id: 'export-json', label: 'Graph (.json)', hint: 'with shapes', onSelect: () => exportGraphJson(store.getState().doc) },
          { id: 'export-svg', label: 'Picture (.svg)', hint: 'vector', onSelect: () => void exportImage('svg') },
          { id: 'export-png', label: 'Picture (.png)', onSelect: () => void exportImage('png') },
          { id: 'export-u-svg', label: 'U diagram (.svg)', hint: 'paper figure', onSelect: () => void exportImage('u-svg') },
          { id: 'export-u-png', label: 'U diagram (.png)', onSelect: () => void exportImage('u-png') },
          {
            id: 'export-tfjs',
            label: 'tfjs model folder',
            hint: 'model.json + weights.bin',
            title: 'model.json + weights.bin (the Run panel’s loaded or trained weights, else fresh ones) + graph.json: tf.loadLayersModel reads it; the Run tab opens it with Folder…',
            onSelect: () => void exportAs('tfjs'),
          },
          ...(canWriteFolders()
            ? [{ id: 'export-tfjs-folder', label: 'tfjs model (folder…)', hint: 'writes the files', onSelect: () => void exportAs('tfjs', 'folder') }]
            : []),
          { id: 'export-pytorch', label: 'PyTorch (.zip)', hint: 'model.py, weights, train.py', disabled: analysis.errorCount > 0, onSelect: () => void exportAs('pytorch') },
          ...(canWriteFolders()
            ? [{ id: 'export-pytorch-folder', label: 'PyTorch (folder…)', hint: 'writes the files', disabled: analysis.errorCount > 0, onSelect: () => void exportAs('pytorch', 'folder') }]
            : []),
          { id: 'export-onnx', label: 'ONNX (.onnx)', hint: 'opset 17', disabled: analysis.errorCount > 0, onSelect: () => void exportAs('onnx') },
        ]}
        width={300}
      />
      {exporting && (
        <span className="export-progress" role="status" data-testid="export-progress">
          <span className="export-progress-bar" style={{ width: `${Math.round(exporting.done * 100)}%` }} />
          <span className="export-progress-text">{exporting.step}</span>
        </span>
      )}
      <span className="toolbar-sep" />
      <button type="button" className="icon-btn" aria-label="Undo" title={canUndo ? `Undo ${undoLabel ?? ''} (${MOD}+Z)` : 'Nothing to undo'} disabled={!canUndo} data-testid="undo" onClick={() => store.undo()}>
        <IconUndo />
      </button>
      <button type="button" className="icon-btn" aria-label="Redo" title={canRedo ? `Redo ${redoLabel ?? ''} (${MOD}+Shift+Z)` : 'Nothing to redo'} disabled={!canRedo} data-testid="redo" onClick={() => store.redo()}>
        <IconRedo />
      </button>
      <span className="toolbar-sep" />
      <Menu
        label={<span className="btn-text">Arrange</span>}
        title="Arrange"
        icon={<IconLayout size={15} />}
        testId="auto-layout"
        width={260}
        items={[
          { id: 'layout-u', label: 'As a U', hint: 'encoder ↓ decoder ↑', onSelect: () => void arrangeAsU() },
          { id: 'layout-ltr', label: 'Left to right', hint: 'ELK layered', onSelect: () => void arrangeLeftToRight() },
        ]}
      />
      <Menu
        label={<span className="btn-text">Blocks</span>}
        title="Blocks"
        icon={<IconBlocks size={15} />}
        testId="menu-blocks"
        width={270}
        items={[
          { id: 'block-group', label: 'Group selection…', hint: `${MOD}+G`, onSelect: groupSelection },
          { id: 'block-ungroup', label: 'Ungroup', hint: `${MOD}+Shift+G`, onSelect: ungroupSelection },
          { id: 'block-collapse-all', label: 'Collapse all', hint: `${doc.blocks?.length ?? 0} blocks`, disabled: !doc.blocks, onSelect: () => void setCollapsed(store, true) },
          { id: 'block-expand-all', label: 'Expand all', disabled: !doc.blocks, onSelect: () => void setCollapsed(store, false) },
        ]}
      />
      <button type="button" className="icon-btn" aria-label="Fit view" title="Fit the graph to the view (F)" data-testid="fit-view" onClick={() => focusNodes([])}>
        <IconFit />
      </button>
      <div className="toolbar-spacer" />
      <button
        type="button"
        className={`status-chip ${analysis.errorCount ? 'error' : analysis.warningCount ? 'warning' : 'ok'}`}
        data-testid="status-problems"
        title={firstProblem ? `Show the problems (first: ${firstProblem.message})` : 'No problems'}
        onClick={() => {
          if (analysis.diagnostics.length) showProblems();
          if (!firstProblem?.nodeId) return;
          store.setSelection({ nodes: [firstProblem.nodeId], edges: [] });
          focusNodes([firstProblem.nodeId]);
        }}
      >
        {analysis.errorCount > 0 && (
          <span>
            <IconError size={13} /> {analysis.errorCount} {analysis.errorCount === 1 ? 'error' : 'errors'}
          </span>
        )}
        {analysis.warningCount > 0 && (
          <span>
            <IconWarning size={13} /> {analysis.warningCount} {analysis.warningCount === 1 ? 'warning' : 'warnings'}
          </span>
        )}
        {analysis.errorCount + analysis.warningCount === 0 && <span>All shapes check out</span>}
      </button>
      <button type="button" className="icon-btn" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="shortcuts-button" onClick={openShortcuts}>
        <IconKeyboard />
      </button>
    </header>
  );
}
