import { serializeGraph } from '../format/serialize';
import type { GraphDoc } from '../types';

/**
 * The checked-in text of a template: the document exactly as the editor saves it (stable field order, no
 * inferred shapes), so regenerating is byte-stable and opening then saving a template changes nothing.
 */
export const templateText = (doc: GraphDoc): string => serializeGraph(doc);
