import { emptyDocument } from '../state/commands';
import { browserStorage, loadAutosave, type KeyValueStorage } from '../state/autosave';
import { createEditorStore, type EditorStore } from '../state/store';
import { exposeDebugHook } from './debugHook';
import { DEFAULT_TEMPLATE_ID, getTemplate } from './model/templates';

export interface Startup {
  store: EditorStore;
  storage: KeyValueStorage;
  /** Set when the last session's autosave was restored instead of the template. */
  restored?: { savedAt: number };
  /** The template shown on a fresh start (and offered by the restore notice). */
  templateId: string;
}

/**
 * What the editor opens with: `?template=<id>` if given (no restore), else the last autosave if there is one,
 * else the classic U-Net template.
 */
export function startEditor(search = '', storage: KeyValueStorage = browserStorage()): Startup {
  const asked = new URLSearchParams(search).get('template');
  const requested = asked ? getTemplate(asked) : undefined;
  const templateId = requested?.id ?? DEFAULT_TEMPLATE_ID;
  const template = getTemplate(templateId)?.doc ?? emptyDocument('Untitled');
  const saved = requested ? null : loadAutosave(storage);
  const store = createEditorStore(saved?.doc ?? template, { historyLimit: 200 });
  exposeDebugHook(store);
  return { store, storage, templateId, restored: saved ? { savedAt: saved.savedAt } : undefined };
}
