import { ReactFlowProvider, useReactFlow, useStoreApi } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { GraphDoc } from '../core/types';
import { createAutosave } from '../state/autosave';
import { blockOfNode, checkGroupable } from '../core/blocks';
import { blocksTouching, groupNodes, ungroupBlocks, type Clipboard } from '../state/commands';
import { suggestBlockName } from './model/blockNames';
import type { Startup } from './bootstrap';
import { Canvas } from './canvas/Canvas';
import { ImportErrorsDialog, type ImportFailure } from './dialogs/ImportErrorsDialog';
import { NewUNetDialog } from './dialogs/NewUNetDialog';
import { GroupDialog } from './dialogs/GroupDialog';
import { ShortcutsDialog } from './dialogs/ShortcutsDialog';
import { EditorProvider, useStoreState, type EditorServices, type SummaryTab } from './EditorContext';
import { exportGraphJson, readGraphFile } from './model/files';
import { warmParseWorker } from './model/parseInBackground';
import { progressGate } from './model/progressGate';
import { openModelFiles } from './model/openModel';
import { openingViewport } from './model/openingView';
import { OpenProgress, type OpenProgressState } from './OpenProgress';
import { newWeightsId } from './run/runtimeClient';
import { runSession } from './run/session';
import type { EditorState, ReplaceOptions } from '../state/store';
import { getTemplate } from './model/templates';
import { useStableAnalysis } from './model/useStableAnalysis';
import { Palette } from './panels/Palette';
import { RightPanel } from './panels/RightPanel';
import { RestoreNotice, SaveWarning } from './RestoreNotice';
import { SummaryPanel } from './panels/SummaryPanel';
import { useShortcuts } from './shortcuts';
import { Toasts, useToasts } from './Toasts';
import { Toolbar } from './toolbar/Toolbar';
import './app.css';

const selectDoc = (s: EditorState) => s.doc;

export function App(props: Startup) {
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}

type DialogName = 'shortcuts' | 'new-unet' | null;

/** An open that has taken this long shows a progress line (issue 11: an indication for anything over 300 ms). */
const SHOW_PROGRESS_AFTER_MS = 300;
/**
 * Drawing a graph blocks the page, so whether it will pass SHOW_PROGRESS_AFTER_MS has to be judged before it
 * starts: about this long per node (bench/editor.bench.ts: a 10,000-node graph draws in 1.5–2.5 s).
 */
const DRAW_MS_PER_NODE = 0.15;

/** Resolves after the next frame is painted, so a progress line set just before is on screen during the work. */
const afterNextPaint = () =>
  new Promise<void>((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    }),
  );

function Editor({ store, storage, restore = { kind: 'none' }, restored = false, templateId }: Startup) {
  const doc = useStoreState(store, selectDoc);
  const analysis = useStableAnalysis(doc);
  const { fitView, setViewport } = useReactFlow();
  const flowStore = useStoreApi();
  const { toasts, notify, dismiss } = useToasts();
  const [dialog, setDialog] = useState<DialogName>(null);
  const [importFailure, setImportFailure] = useState<ImportFailure | null>(null);
  const [restoreNotice, setRestoreNotice] = useState(true);
  /** Set while autosave cannot save (storage full): shown until a save succeeds, not as a toast that fades. */
  const [saveProblem, setSaveProblem] = useState<string | null>(null);
  const [summaryTab, setSummaryTab] = useState<SummaryTab | null>(null);
  const [opening, setOpening] = useState<OpenProgressState | null>(null);
  /** The nodes the Group dialog is asking a name for. */
  const [grouping, setGrouping] = useState<{ nodes: string[]; suggested: string } | null>(null);
  const clipboard = useRef<Clipboard | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // An edit the format would refuse is not made; say why instead of losing it on the next reload.
  useEffect(() => store.onRefuse((refusal) => notify(refusal.message, 'error')), [store, notify]);

  useEffect(() => {
    const autosave = createAutosave(store, storage, {
      delayMs: 400,
      onError: (e) => {
        notify(e.message, 'error');
        setSaveProblem(e.message);
      },
      onSaved: () => setSaveProblem(null),
    });
    const flush = () => autosave.flush();
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      autosave.dispose();
    };
  }, [store, storage, notify]);

  const focusNodes = useCallback(
    (ids: string[]) => {
      // A node inside a collapsed block is not drawn: show its block's box.
      const owner = blockOfNode(store.getState().doc);
      const shown = [...new Set(ids.map((id) => (owner.get(id)?.collapsed ? owner.get(id)!.id : id)))];
      void fitView(shown.length ? { nodes: shown.map((id) => ({ id })), duration: 250, maxZoom: 1, padding: 0.6 } : { duration: 250, padding: 0.08 });
    },
    [fitView, store],
  );

  const loadDocument = useCallback(
    (next: GraphDoc, label: string, opts?: ReplaceOptions) => {
      if (!store.replaceDocument(next, label, opts).ok) return;
      setRestoreNotice(false);
      // A large graph opens on its inputs (openingViewport); a small one is fitted whole, which React Flow queues
      // until the new nodes are measured.
      const { width, height } = flowStore.getState();
      const view = openingViewport(next, width, height);
      if (view) void setViewport(view);
      else void fitView({ padding: 0.08 });
    },
    [store, fitView, setViewport, flowStore],
  );

  /**
   * Opens picked files as a model from another tool or as our graph JSON; `showStep` says what it is doing (and
   * how long a step that blocks the page is expected to take).
   */
  const openFiles = useCallback(
    async (files: File[], showStep: (step: string, blocksForMs?: number) => Promise<void>) => {
      const drawing = (nodes: number) => showStep(`drawing ${nodes.toLocaleString('en-US')} nodes…`, nodes * DRAW_MS_PER_NODE);
      const model = await openModelFiles(files);
      if (model) {
        if (!model.ok) {
          setImportFailure({ fileName: model.name, ...model.failure });
          return;
        }
        const { doc, weights, warnings, format } = model.imported;
        await drawing(doc.nodes.length);
        loadDocument(doc, `Open “${model.name}”`);
        // The model's own weights go to the Run panel, as if loaded there.
        if (Object.keys(weights).length) runSession().useWeights({ kind: 'state-dict', label: model.name, dict: weights, id: newWeightsId() });
        const note = warnings.length ? ` (${warnings[0]})` : '';
        notify(`Opened ${model.name} from ${format === 'onnx' ? 'ONNX' : format === 'tfjs' ? 'tfjs' : 'Keras'}: ${doc.nodes.length} nodes${note}`, 'success');
        return;
      }
      const file = files.find((f) => /\.json$/i.test(f.name)) ?? files[0]!;
      const result = await readGraphFile(file);
      if (!result.ok) {
        setImportFailure({ fileName: file.name, errors: result.errors });
        return;
      }
      await drawing(result.doc.nodes.length);
      // Fresh from the parser (in its worker): the store adopts it without copying or checking it again.
      loadDocument(result.doc, `Open “${file.name}”`, { parsed: true });
      notify(
        result.warnings.length ? `Opened ${file.name} (${result.warnings.length} warnings: ${result.warnings[0]})` : `Opened ${file.name}`,
        'success',
      );
    },
    [loadDocument, notify],
  );

  const importFile = useCallback(
    async (picked: File | File[]) => {
      const files = Array.isArray(picked) ? picked : [picked];
      const fileName = files.length === 1 ? files[0]!.name : `${files.length} files`;
      // The progress line appears once the open has taken SHOW_PROGRESS_AFTER_MS (reading and parsing run off the
      // page's thread, so the timer fires during them), or before a step that blocks the page would take it past that.
      const gate = progressGate('reading and checking the file…', {
        afterMs: SHOW_PROGRESS_AFTER_MS,
        show: (step) => flushSync(() => setOpening({ fileName, step })),
      });
      const showStep = async (step: string, blocksForMs = 0) => {
        // Painted before the blocking work starts.
        if (gate.step(step, blocksForMs)) await afterNextPaint();
      };
      try {
        await openFiles(files, showStep);
      } finally {
        if (gate.end()) {
          // Gone once the new graph has been drawn.
          await afterNextPaint();
          setOpening(null);
        }
      }
    },
    [openFiles],
  );

  const groupSelection = useCallback(() => {
    const { doc, selection } = store.getState();
    const check = checkGroupable(doc, selection.nodes);
    if (!check.ok) return notify(`Cannot group: ${check.reason}`, 'error');
    setGrouping({ nodes: check.members, suggested: suggestBlockName(doc, check.members) });
  }, [store, notify]);

  const ungroupSelection = useCallback(() => {
    const { doc, selection } = store.getState();
    const blocks = blocksTouching(doc, selection.nodes);
    if (blocks.length === 0) return notify('Select a block’s nodes to ungroup it', 'info');
    ungroupBlocks(store, blocks);
  }, [store, notify]);

  const services = useMemo<EditorServices>(
    () => ({
      store,
      notify,
      clipboard,
      openShortcuts: () => setDialog('shortcuts'),
      openNewUNet: () => setDialog('new-unet'),
      groupSelection,
      ungroupSelection,
      openImport: () => {
        warmParseWorker();
        fileInput.current?.click();
      },
      importFile,
      loadDocument,
      focusNodes,
      showProblems: () => setSummaryTab('problems'),
      summaryTab,
      setSummaryTab,
    }),
    [store, notify, importFile, loadDocument, focusNodes, summaryTab, groupSelection, ungroupSelection],
  );

  useShortcuts({
    store,
    clipboard,
    notify,
    toggleHelp: () => setDialog((d) => (d === 'shortcuts' ? null : 'shortcuts')),
    fitView: () => focusNodes([]),
    groupSelection,
    ungroupSelection,
    enabled: dialog === null && importFailure === null && grouping === null,
  });

  const template = getTemplate(templateId);

  return (
    <EditorProvider services={services} analysis={analysis}>
      <div className="app">
        <Toolbar />
        <div className="workspace">
          <Palette />
          <main className="center">
            {restoreNotice && (
              <RestoreNotice
                restore={restore}
                restored={restored}
                storage={storage}
                templateName={template?.name}
                loadTemplate={template && (() => loadDocument(template.doc, `Load template “${template.name}”`))}
                onDismiss={() => setRestoreNotice(false)}
              />
            )}
            {saveProblem && <SaveWarning message={saveProblem} onExport={() => exportGraphJson(store.getState().doc)} />}
            <Canvas />
            {opening && <OpenProgress progress={opening} />}
            <SummaryPanel />
          </main>
          <RightPanel />
        </div>
        <Toasts toasts={toasts} dismiss={dismiss} />
        <input
          ref={fileInput}
          type="file"
          accept=".json,.onnx,.bin,application/json"
          multiple
          hidden
          data-testid="import-file-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length) void importFile(files);
          }}
        />
        {dialog === 'shortcuts' && <ShortcutsDialog onClose={() => setDialog(null)} />}
        {dialog === 'new-unet' && (
          <NewUNetDialog
            onClose={() => setDialog(null)}
            onCreate={(created) => {
              setDialog(null);
              loadDocument(created, `New U-Net “${created.name}”`);
            }}
          />
        )}
        {grouping && (
          <GroupDialog
            count={grouping.nodes.length}
            suggested={grouping.suggested}
            onClose={() => setGrouping(null)}
            onGroup={(name) => {
              setGrouping(null);
              const result = groupNodes(store, grouping.nodes, name);
              if (!result.ok) notify(`Cannot group: ${result.reason}`, 'error');
            }}
          />
        )}
        {importFailure && <ImportErrorsDialog failure={importFailure} onClose={() => setImportFailure(null)} />}
      </div>
    </EditorProvider>
  );
}
