import { useMemo } from 'react';
import { graphKey } from '../../runtime';
import { useEditorState } from '../EditorContext';
import { DrawCanvas, pixelCanvas } from '../run/canvas';
import { drawAlone } from '../run/drawResult';
import { ProblemBox } from '../run/ModelSection';
import { classPixels } from '../run/render';
import { runtime } from '../run/runtimeClient';
import '../run/run.css';
import { downloadBytes } from './files';
import { TrainChart } from './TrainChart';
import { TrainSetup } from './TrainSetup';
import { useTrainSession, type TrainPanelState } from './trainSession';
import './train.css';

const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
};
const perStep = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

function Preview({ state }: { state: TrainPanelState }) {
  const preview = state.lastVal?.preview;
  const layers = useMemo(
    () => (preview ? { predicted: pixelCanvas(classPixels(preview.predicted, preview.w, preview.h)), truth: pixelCanvas(classPixels(preview.truth, preview.w, preview.h)) } : undefined),
    [preview],
  );
  if (!preview || !layers) return null;
  const scale = Math.max(1, Math.floor(150 / Math.max(preview.w, preview.h)));
  const size = { width: preview.w * scale, height: preview.h * scale };
  return (
    <div className="rp-figures two tp-preview" data-testid="train-preview">
      <figure>
        <DrawCanvas {...size} pixelated className="rp-canvas" testId="train-preview-predicted" deps={[layers]} draw={(ctx, w, h) => drawAlone(ctx, w, h, layers.predicted)} />
        <figcaption>Prediction (validation)</figcaption>
      </figure>
      <figure>
        <DrawCanvas {...size} pixelated className="rp-canvas" testId="train-preview-truth" deps={[layers]} draw={(ctx, w, h) => drawAlone(ctx, w, h, layers.truth)} />
        <figcaption>Ground truth</figcaption>
      </figure>
    </div>
  );
}

/**
 * The Train tab: data, settings, Start / Pause / Stop, live loss and validation charts, a validation mask
 * preview, checkpoints and exports. Training runs in the runtime worker and goes on when other tabs are open.
 */
export function TrainPanel() {
  const { doc } = useEditorState();
  const [state, session] = useTrainSession();
  const { status, progress, start, history, checkpoint, best, settings } = state;
  const active = status === 'preparing' || status === 'running' || status === 'paused' || status === 'stopping';
  const key = useMemo(() => graphKey(doc), [doc]);
  const trainedHere = !!checkpoint && checkpoint.graphKey === key;
  const hasTrained = state.weightsVersion > 0;
  const share = progress ? progress.step / progress.steps : 0;
  const lossSeries = useMemo(
    () => [{ label: 'loss', stroke: '#2563eb', values: history.loss }],
    [history.loss],
  );
  const valSeries = useMemo(
    () => [
      { label: 'val Dice', stroke: '#16a34a', values: history.dice },
      { label: 'val IoU', stroke: '#9333ea', values: history.iou, dash: [4, 3] },
    ],
    [history.dice, history.iou],
  );

  const exportWeights = async (format: 'tfjs' | 'state-dict') => {
    const outcome = await runtime().exportTrained(doc, format);
    if (!outcome.ok) {
      alert(outcome.error.message);
      return;
    }
    const value = outcome.value;
    if (value.format === 'state-dict') downloadBytes('weights.json', value.json, 'application/json');
    else {
      downloadBytes('model.json', JSON.stringify(value.files.modelJson), 'application/json');
      downloadBytes('weights.bin', value.files.weights, 'application/octet-stream');
    }
  };

  return (
    <div className="run-panel train-panel" data-testid="train-panel">
      <TrainSetup state={state} session={session} busy={active} />
      <section className="rp-section" data-testid="train-controls">
        <div className="rp-section-head">
          <h3 className="section-title">Training</h3>
          <span className={`rp-badge ${hasTrained ? 'trained' : 'untrained'}`} data-testid="train-status">
            {status === 'preparing' ? 'preparing…' : status === 'stopping' ? 'stopping…' : status}
          </span>
        </div>
        <div className="tp-buttons">
          {!active && (
            <>
              <button type="button" className="btn primary" data-testid="train-start" onClick={() => void session.start(doc, hasTrained)}>
                {hasTrained ? 'Continue training' : 'Start'}
              </button>
              {hasTrained && (
                <button type="button" className="btn ghost" data-testid="train-restart" onClick={() => void session.start(doc, false)}>
                  Start over
                </button>
              )}
            </>
          )}
          {status === 'running' && (
            <button type="button" className="btn" data-testid="train-pause" onClick={session.pause}>
              Pause
            </button>
          )}
          {status === 'paused' && (
            <button type="button" className="btn primary" data-testid="train-resume" onClick={session.resume}>
              Resume
            </button>
          )}
          {active && (
            <button type="button" className="btn" data-testid="train-stop" disabled={status === 'stopping'} onClick={session.stop}>
              Stop
            </button>
          )}
        </div>
        {state.error && <ProblemBox problem={state.error} testId="train-error" />}
        {start && (
          <p className="rp-muted" data-testid="train-start-info">
            {start.params.toLocaleString('en-US')} parameters · patches {start.geometry.input.w}×{start.geometry.input.h} → {start.geometry.output.w}×{start.geometry.output.h} ·{' '}
            {start.classes === 1 ? 'binary head' : `${start.classes} classes`} ({start.headActivation === 'none' ? 'logits' : start.headActivation}) · {start.images} images ({start.split})
          </p>
        )}
        {start?.carried && start.carried.reinitialised.length > 0 && (
          <p className="rp-callout warning" data-testid="train-reinitialised">
            The graph changed since the last training: re-initialised {start.carried.reinitialised.join(', ')}; the other {start.carried.kept.length} nodes keep their trained weights.
          </p>
        )}
        {progress && (
          <>
            <div className="rp-progress" data-testid="train-progress">
              <div className="rp-meter">
                <span style={{ width: `${Math.max(2, share * 100)}%` }} />
              </div>
              <span className="rp-muted">
                Step {progress.step} of {progress.steps}
              </span>
            </div>
            <dl className="rp-stats" data-testid="train-stats">
              <div>
                <dt>Loss</dt>
                <dd className="num" data-testid="train-loss-value">{progress.loss.toFixed(4)}</dd>
              </div>
              <div>
                <dt>Val Dice</dt>
                <dd className="num" data-testid="train-dice">{state.lastVal ? state.lastVal.dice.toFixed(3) : '—'}</dd>
              </div>
              <div>
                <dt>Per step</dt>
                <dd className="num" data-testid="train-step-time">{perStep(progress.msPerStep)}</dd>
              </div>
              <div>
                <dt>ETA</dt>
                <dd className="num" data-testid="train-eta">{active ? duration(progress.etaMs) : '—'}</dd>
              </div>
            </dl>
          </>
        )}
        {history.steps.length > 0 && (
          <div className="tp-charts">
            <TrainChart title="Training loss" x={history.steps} series={lossSeries} testId="train-loss-chart" />
            <TrainChart title="Validation" x={history.valSteps} series={valSeries} range={[0, 1]} testId="train-val-chart" />
          </div>
        )}
        <Preview state={state} />
      </section>
      <section className="rp-section" data-testid="train-checkpoints">
        <div className="rp-section-head">
          <h3 className="section-title">Weights</h3>
        </div>
        {checkpoint ? (
          <p data-testid="train-checkpoint">
            {state.restored ? 'Restored after reload: ' : 'Checkpoint: '}step {checkpoint.steps}, {duration(checkpoint.elapsedMs)} of training
            {checkpoint.valDice !== undefined ? `, val Dice ${checkpoint.valDice.toFixed(3)}` : ''}
            {best?.valDice !== undefined ? ` · best ${best.valDice.toFixed(3)} at step ${best.steps}` : ''}
            {!trainedHere && ' · trained on an earlier version of this graph'}
          </p>
        ) : (
          <p className="rp-muted">Nothing trained yet: the run panel uses random weights and says so.</p>
        )}
        {state.checkpointError && (
          <p className="rp-callout warning" role="alert" data-testid="train-checkpoint-error">
            {state.checkpointError}
          </p>
        )}
        <div className="tp-buttons">
          <button type="button" className="btn small" disabled={!hasTrained || active} data-testid="train-export-tfjs" onClick={() => void exportWeights('tfjs')}>
            Export tfjs (model.json + weights.bin)
          </button>
          <button type="button" className="btn small" disabled={!hasTrained || active} data-testid="train-export-state-dict" onClick={() => void exportWeights('state-dict')}>
            Export state dict (weights.json)
          </button>
        </div>
        <p className="rp-muted">Checkpoints are kept in this browser (IndexedDB): the latest every {settings.checkpointEverySec} s and the best by validation Dice.</p>
      </section>
    </div>
  );
}
