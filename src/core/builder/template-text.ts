import type { GraphDoc } from '../types';

/**
 * The checked-in text of a template: the document only (no inferred shapes), 2-space JSON, trailing newline,
 * so regenerating is byte-stable and diffs stay readable.
 */
export const templateText = (doc: GraphDoc): string => `${JSON.stringify(doc, null, 2)}\n`;
