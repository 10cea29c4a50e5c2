import type { Diagnostic } from '../core/diagnostics';
import { errorProblem, type Problem, problemLine } from '../core/problem';

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

/** Why a tensor does not fit: absent, of another shape, or not a weight of the model (or its BatchNorm fold failed). */
export type WeightsProblemCode = 'weight-missing' | 'weight-shape' | 'weight-unknown' | 'weight-fold-failed';

/**
 * One tensor that does not fit, where it was found: `nodeId` the node it belongs to (for a state dict, the node
 * it is filed under; absent for a tfjs weight of a layer no node has), `field` the tensor (torch name `weight`,
 * `running_mean`, … or the tfjs weight name `enc0_conv1/kernel`). The message is the full line users read
 * (`enc0_conv1.weight: missing (expected OIHW [64, 1, 3, 3])`), so `problemLine` gives it back unchanged.
 */
export const weightsProblem = (code: WeightsProblemCode, message: string, where: { nodeId?: string; field?: string }): Problem =>
  errorProblem(code, message, where);

/** Weights that do not fit the model: missing, misshaped or unknown entries, each named. */
export class WeightsError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[], headline = 'the weights do not fit the model') {
    super(`${headline}:\n${problems.map((p) => `  - ${problemLine(p)}`).join('\n')}`);
    this.name = 'WeightsError';
    this.problems = problems;
  }
}
