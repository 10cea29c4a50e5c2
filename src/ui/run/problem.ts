import { errorProblem, type Problem } from '../../core/problem';
import type { HostError } from '../../runtime';

/** What the panel shows for a failure: a title over the problems (core/problem.ts), and what to try. */
export interface PanelProblem {
  title: string;
  problems: Problem[];
  hint?: string;
}

/** Turns a runtime failure into words for the panel: compile and weight problems list each node. */
export function describeProblem(err: HostError | unknown, fallbackTitle = 'The run failed'): PanelProblem {
  const e = err as Partial<HostError>;
  if (e && typeof e === 'object' && typeof e.kind === 'string' && Array.isArray(e.problems)) {
    if (e.kind === 'compile') return { title: 'The graph cannot be compiled', problems: e.problems };
    if (e.kind === 'weights') return { title: 'The weights do not fit this graph', problems: e.problems };
    if (e.kind === 'memory') return { title: 'Not enough memory for this', problems: e.problems };
    if (e.kind === 'backend') return { title: 'The backend could not start', problems: e.problems, hint: 'Choose Auto to use the fastest backend this browser has.' };
    return { title: fallbackTitle, problems: [errorProblem('failed', e.message ?? 'unknown error')] };
  }
  return { title: fallbackTitle, problems: [errorProblem('failed', err instanceof Error ? err.message : String(err))] };
}
