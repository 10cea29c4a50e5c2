import { problemLine } from '../../core/problem';
import { capLines } from '../../core/text';
import { useRef } from 'react';
import type { BackendChoice } from '../../runtime';
import { IconError } from '../icons';
import type { RunPlan } from './plan';
import type { RunProgress } from '../../runtime';
import type { PanelProblem, PanelWeights, RunPanelState, RunSession } from './session';

const BACKENDS: [BackendChoice, string][] = [
  ['auto', 'Auto (fastest real device)'],
  ['webgpu', 'WebGPU'],
  ['webgl', 'WebGL'],
  ['wasm', 'WebAssembly'],
  ['cpu', 'CPU (plain JS)'],
];

export const formatMs = (ms: number | undefined): string =>
  ms === undefined ? '—' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;

function progressText(p: RunProgress): string {
  if (p.phase === 'backend') return 'Starting the backend…';
  if (p.phase === 'compile') return 'Compiling the graph…';
  const percent = `${Math.round((100 * p.done) / Math.max(1, p.total))} %`;
  return p.total > 1 ? `Tile ${Math.min(Math.floor(p.done) + 1, p.total)} of ${p.total} · ${percent}` : `Running… ${percent}`;
}

/** Problems listed at most in the box; the rest are counted. */
const MAX_LINES = 12;

export function ProblemBox({ problem, testId }: { problem: PanelProblem; testId?: string }) {
  const lines = capLines(problem.problems.map(problemLine), MAX_LINES);
  if (problem.hint) lines.push(problem.hint);
  return (
    <div className="rp-callout error" role="alert" data-testid={testId}>
      <IconError size={14} />
      <div>
        <p className="rp-callout-title">{problem.title}</p>
        <ul>
          {lines.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

interface Props {
  state: RunPanelState;
  session: RunSession;
  plan: RunPlan | undefined;
  canRun: boolean;
  onRun(): void;
  onLoadWeights(files: FileList): void;
  onRandomWeights(): void;
  /** Whether the Train tab has weights to offer. */
  hasTrained: boolean;
  /** The weights the next run uses (the trained ones may stand in for the panel's own). */
  shownWeights: PanelWeights;
}

/** What the badge says: plainly untrained, trained (here or by our CLI, with its numbers), or loaded from a file. */
function weightsBadge(weights: PanelWeights): { text: string; kind: 'untrained' | 'trained' | 'loaded'; title: string } {
  if (weights.kind === 'random')
    return { text: 'untrained — random weights', kind: 'untrained', title: 'Random initial weights (Glorot uniform, zero biases): the output shows what an untrained network does' };
  if (weights.kind === 'trained') return { text: weights.label, kind: 'trained', title: 'Weights trained in the Train tab' };
  if (weights.trained) return { text: `${weights.label} · ${weights.trained}`, kind: 'trained', title: `Weights from ${weights.label}, trained by UNet Studio` };
  return { text: weights.label, kind: 'loaded', title: `Weights from ${weights.label}; UNet Studio cannot tell whether they were trained` };
}

export function ModelSection({ state, session, plan, canRun, onRun, onLoadWeights, onRandomWeights, hasTrained, shownWeights }: Props) {
  const weightsInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const running = state.status === 'running';
  const { result, progress } = state;
  const weights = shownWeights;
  const timings = result?.timings;
  const badge = weightsBadge(weights);
  const share = progress && progress.phase === 'run' ? progress.done / Math.max(1, progress.total) : 0;

  return (
    <section className="rp-section" data-testid="run-model">
      <div className="rp-section-head">
        <h3 className="section-title">Model</h3>
        <span className={`rp-badge ${badge.kind}`} data-testid="run-weights-label" title={badge.title}>
          {badge.text}
        </span>
      </div>
      <div className="rp-row">
        <span className="rp-label">Weights</span>
        <div className="rp-row-controls">
          <button type="button" className="btn small" disabled={state.weightsBusy || running} data-testid="run-load-weights" onClick={() => weightsInput.current?.click()} title="model.json + its .bin file, a weights.json state dict, or PyTorch weights (.pth, .pt, .safetensors: the mapping is shown before it is applied)">
            {state.weightsBusy ? 'Loading…' : 'Load files…'}
          </button>
          <button type="button" className="btn small ghost" disabled={state.weightsBusy || running} onClick={() => folderInput.current?.click()} title="A folder exported from here or by the CLI (graph.json, model.json, weights.bin)">
            Folder…
          </button>
          {weights.kind !== 'random' && (
            <button type="button" className="btn small ghost" disabled={running} data-testid="run-random-weights" onClick={onRandomWeights}>
              Random
            </button>
          )}
          {hasTrained && weights.kind !== 'trained' && (
            <button type="button" className="btn small ghost" disabled={running} data-testid="run-trained-weights" onClick={session.useTrainedWeights}>
              Trained
            </button>
          )}
        </div>
      </div>
      {state.weightsError && <ProblemBox problem={state.weightsError} testId="run-weights-error" />}
      <div className="rp-row">
        <label className="rp-label" htmlFor="rp-backend">
          Backend
        </label>
        <div className="rp-row-controls">
          <select id="rp-backend" className="field-input rp-backend" value={state.backend} disabled={running} data-testid="run-backend" onChange={(e) => session.setBackend(e.target.value as BackendChoice)}>
            {BACKENDS.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
          {running ? (
            <button type="button" className="btn" data-testid="run-cancel" onClick={session.cancel}>
              Cancel
            </button>
          ) : (
            <button type="button" className="btn primary rp-run-btn" disabled={!canRun} data-testid="run-button" onClick={onRun}>
              <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
                <path d="M3 1.8v8.4L10 6z" fill="currentColor" />
              </svg>
              Run{plan?.tiles ? ` · ${plan.tiles.tiles.length} tile${plan.tiles.tiles.length === 1 ? '' : 's'}` : ''}
            </button>
          )}
        </div>
      </div>
      {running && progress && (
        <div className="rp-progress" data-testid="run-progress">
          <div className={`rp-meter${progress.phase !== 'run' ? ' indeterminate' : ''}`}>
            <span style={{ width: `${Math.max(3, share * 100)}%` }} />
          </div>
          <span className="rp-muted">{progressText(progress)}</span>
        </div>
      )}
      {state.status === 'cancelled' && <p className="rp-note">Cancelled.</p>}
      {state.status === 'error' && state.error && <ProblemBox problem={state.error} testId="run-error" />}
      {result && !running && (
        <>
          {result.notes.map((n) => (
            <p key={n} className="rp-callout warning" data-testid="run-note">
              {n}
            </p>
          ))}
          <dl className="rp-stats" data-testid="run-stats">
            <div className="wide">
              <dt>Backend</dt>
              <dd>
                <span data-testid="run-backend-used">{result.backend.name}</span>
                <span className="rp-muted"> · {result.backend.device}</span>
              </dd>
            </div>
            <div>
              <dt>Compile</dt>
              <dd className="num" data-testid="run-compile-ms">{timings?.compileMs === undefined ? 'cached' : formatMs(timings.compileMs)}</dd>
            </div>
            <div>
              <dt>First run</dt>
              <dd className="num" data-testid="run-first-ms">{formatMs(timings?.firstPassMs)}</dd>
            </div>
            <div>
              <dt>Warm</dt>
              <dd className="num" data-testid="run-warm-ms">{formatMs(timings?.warmPassMs)}</dd>
            </div>
            <div>
              <dt>This run</dt>
              <dd className="num">
                {formatMs(timings?.totalMs)}
                {timings && timings.passes > 1 ? ` · ${timings.passes} passes` : ''}
              </dd>
            </div>
          </dl>
          {result.backend.skipped.length > 0 && state.backend === 'auto' && <p className="rp-note">Skipped: {result.backend.skipped.join('; ')}.</p>}
        </>
      )}
      <input ref={weightsInput} type="file" multiple accept=".json,.bin,.pth,.pt,.safetensors" hidden data-testid="run-weights-input" onChange={(e) => {
        if (e.target.files?.length) onLoadWeights(e.target.files);
        e.target.value = '';
      }} />
      <input
        ref={(el) => {
          folderInput.current = el;
          el?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        data-testid="run-weights-folder"
        onChange={(e) => {
          if (e.target.files?.length) onLoadWeights(e.target.files);
          e.target.value = '';
        }}
      />
    </section>
  );
}
