/**
 * When a long operation shows its progress line (issue 11: an indication for anything over 300 ms): once it has
 * taken `afterMs` (a timer, which fires while work runs off the page's thread), or before a step that blocks the
 * page for long enough to take it past that. Not by input size: a small file that is slow to open shows it too.
 */
export interface ProgressGate {
  /** The operation moved on to `step`; `blocksForMs` is how long it expects to block the page next. True when the line is (now) shown. */
  step(step: string, blocksForMs?: number): boolean;
  /** The operation ended; true when the line had been shown (and must be taken down). */
  end(): boolean;
}

export interface ProgressGateOptions {
  afterMs: number;
  /** Shows (or updates) the line. */
  show(step: string): void;
  now?: () => number;
}

export function progressGate(firstStep: string, { afterMs, show, now = () => performance.now() }: ProgressGateOptions): ProgressGate {
  const started = now();
  let current = firstStep;
  let shown = false;
  const reveal = () => {
    shown = true;
    show(current);
  };
  const timer = setTimeout(reveal, afterMs);
  return {
    step(step, blocksForMs = 0) {
      current = step;
      if (!shown && now() - started + blocksForMs < afterMs) return false;
      clearTimeout(timer);
      reveal();
      return true;
    },
    end() {
      clearTimeout(timer);
      return shown;
    },
  };
}
