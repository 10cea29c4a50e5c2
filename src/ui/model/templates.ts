import { parseGraph } from '../../core/format';
import type { GraphDoc } from '../../core/types';

export interface Template {
  /** The file name without `.json`: `paper-572`. */
  id: string;
  name: string;
  description: string;
  nodeCount: number;
  doc: GraphDoc;
}

export const DEFAULT_TEMPLATE_ID = 'paper-572';

// Bundled at build time; every file in templates/ shows up in the menu without a code change.
const modules = import.meta.glob<unknown>('../../../templates/*.json', { eager: true, import: 'default' });

function load(): Template[] {
  const out: Template[] = [];
  for (const [path, value] of Object.entries(modules)) {
    const id = path.replace(/^.*\//, '').replace(/\.json$/, '');
    const parsed = parseGraph(value);
    // A broken template is a build problem, reported in the console rather than offered to users.
    if (!parsed.ok) {
      console.error(`templates/${id}.json is not a valid graph:`, parsed.errors);
      continue;
    }
    const { doc } = parsed;
    out.push({ id, name: doc.name, description: doc.description ?? '', nodeCount: doc.nodes.length, doc });
  }
  // The paper network first, then by name.
  return out.sort((a, b) => (a.id === DEFAULT_TEMPLATE_ID ? -1 : b.id === DEFAULT_TEMPLATE_ID ? 1 : a.name.localeCompare(b.name)));
}

export const TEMPLATES: readonly Template[] = load();

export const getTemplate = (id: string): Template | undefined => TEMPLATES.find((t) => t.id === id);
