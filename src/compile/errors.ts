import type { Diagnostic } from '../core/diagnostics';
import type { Problem } from '../core/problem';

/** Why a node cannot be compiled: the core's one problem type (always an error here). */
export type CompileProblem = Problem;

/** A graph that cannot become a tfjs model; `problems` names each node and why. */
export class CompileError extends Error {
  readonly problems: CompileProblem[];

  constructor(problems: CompileProblem[], headline = 'the graph cannot be compiled') {
    super(`${headline}:\n${problems.map((p) => `  - ${line(p)}`).join('\n')}`);
    this.name = 'CompileError';
    this.problems = problems;
  }

  static fromDiagnostics(diagnostics: Diagnostic[]): CompileError {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    return new CompileError(
      errors.map((d) => ({ severity: 'error' as const, nodeId: d.nodeId, code: d.code, message: d.message })),
      `the graph has ${errors.length} error${errors.length === 1 ? '' : 's'}`,
    );
  }
}

/** Core messages often start with the node id already ("enc0_conv1.filters: …"); do not print it twice. */
function line(p: CompileProblem): string {
  if (!p.nodeId) return p.message;
  const named = p.message.startsWith(`${p.nodeId}:`) || p.message.startsWith(`${p.nodeId}.`);
  return named ? p.message : `${p.nodeId}: ${p.message}`;
}

/** Weights that do not fit the model: missing, misshaped or unknown entries, each named. */
export class WeightsError extends Error {
  readonly problems: string[];

  constructor(problems: string[], headline = 'the weights do not fit the model') {
    super(`${headline}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WeightsError';
    this.problems = problems;
  }
}
