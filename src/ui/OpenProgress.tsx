/** What a long open is doing, shown over the canvas while the page works (parsing, checking, drawing). */
export interface OpenProgressState {
  fileName: string;
  step: string;
}

export function OpenProgress({ progress }: { progress: OpenProgressState }) {
  return (
    <div className="open-progress" role="status" aria-live="polite" data-testid="open-progress">
      <span className="open-progress-spinner" aria-hidden="true" />
      <span>
        Opening <strong>{progress.fileName}</strong>: {progress.step}
      </span>
    </div>
  );
}
