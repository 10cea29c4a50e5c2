import type { Problem } from './problem';

export type { Fix, FixAction, Severity } from './problem';

/** A problem shape inference found in the graph (core/problem.ts: the one problem type). */
export type Diagnostic = Problem;

/** What an op's shape rule reports; the engine attaches the node id. */
export type OpIssue = Omit<Diagnostic, 'nodeId'>;
