import { emptyDocument } from '../state/commands';
import { browserStorage, restoreAutosave, type KeyValueStorage, type RestoreResult } from '../state/autosave';
import { createEditorStore, type EditorStore } from '../state/store';
import { exposeDebugHook } from './debugHook';
import { DEFAULT_TEMPLATE_ID, getTemplate } from './model/templates';

export interface Startup {
  store: EditorStore;
  storage: KeyValueStorage;
  /** What became of the last session's autosave: restored (maybe repaired), unreadable (kept), or none. */
  restore?: RestoreResult;
  /** Whether the document on screen is the restored autosave (not the template). */
  restored?: boolean;
  /** The template shown on a fresh start (and offered by the restore notice). */
  templateId: string;
}

/**
 * What the editor opens with: `?template=<id>` if given (no restore), else the last autosave if there is one,
 * else the classic U-Net template. The autosave is read either way, so an entry that cannot be restored is kept
 * aside before the first save of this session could overwrite it.
 */
export function startEditor(search = '', storage: KeyValueStorage = browserStorage()): Startup {
  const asked = new URLSearchParams(search).get('template');
  const requested = asked ? getTemplate(asked) : undefined;
  const templateId = requested?.id ?? DEFAULT_TEMPLATE_ID;
  const template = getTemplate(templateId)?.doc ?? emptyDocument('Untitled');
  const restore = restoreAutosave(storage);
  const saved = !requested && restore.kind === 'restored' ? restore.saved : undefined;
  const store = createEditorStore(saved?.doc ?? template, { historyLimit: 200 });
  exposeDebugHook(store);
  return { store, storage, templateId, restore, restored: saved !== undefined };
}
