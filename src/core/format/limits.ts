/**
 * Bounds on what the importer accepts. A graph file comes from anywhere (a download, a paste, a URL), so every
 * stage that could be made slow or stack-hungry by hostile input has a bound checked before that stage runs.
 */
export const FORMAT_LIMITS = {
  /**
   * Text longer than this (UTF-16 code units, about bytes for JSON) is refused before parsing. Pretty-printed,
   * a node takes ~420 characters (~560 with shapes), so a document at the node limit still fits.
   */
  maxTextChars: 32 * 1024 * 1024,
  /** Objects/arrays nested deeper than this are refused before any recursive code sees them. A graph needs 5. */
  maxDepth: 32,
  /** JSON values (objects, arrays, primitives) in the whole document, so shared references cannot explode. */
  maxValues: 4_000_000,
  maxNodes: 50_000,
  maxEdges: 50_000,
  /** Composite blocks; each holds at least one node, so this never binds before the node limit does. */
  maxBlocks: 50_000,
  maxIdLength: 128,
  maxNameLength: 200,
  maxLabelLength: 200,
  maxDescriptionLength: 20_000,
  /** Errors (and warnings) reported at most; the rest are counted in one closing line. */
  maxErrors: 20,
} as const;

/** Keys that can reach or replace an object's prototype when copied by naive code. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
