import { useRef, useState, type DragEvent } from 'react';
import { LOSS_LABELS, LOSSES, SAMPLE_SETS, type LossName, type SampleSetName } from '../../runtime';
import { readPairs } from './files';
import type { TrainPanelState, TrainSession, TrainSettings } from './trainSession';

interface Props {
  state: TrainPanelState;
  session: TrainSession;
  busy: boolean;
}

function NumberField({ label, value, min, step, disabled, onCommit, testId, hint }: { label: string; value: number; min: number; step?: number; disabled: boolean; onCommit(v: number): void; testId: string; hint?: string }) {
  const [text, setText] = useState<string | undefined>();
  const commit = () => {
    if (text === undefined) return;
    const v = Number(text);
    if (Number.isFinite(v) && v >= min) onCommit(v);
    setText(undefined);
  };
  return (
    <label className="tp-field" title={hint}>
      <span>{label}</span>
      <input
        className="field-input num"
        type="number"
        min={min}
        step={step}
        disabled={disabled}
        data-testid={testId}
        value={text ?? value}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
}

/** Data and settings of the Train tab: what to learn from and how. */
export function TrainSetup({ state, session, busy }: Props) {
  const { settings: s, data } = state;
  const input = useRef<HTMLInputElement>(null);
  const [reading, setReading] = useState(false);
  const set = (patch: Partial<TrainSettings>) => session.setSettings(patch);

  const take = async (files: File[]) => {
    setReading(true);
    try {
      const { pairs, unpaired } = await readPairs(files);
      session.setPairs(pairs, unpaired, pairs.length === 0 ? 'No image + mask pairs: name masks like cell1-mask.png next to cell1.png, or put them in images/ and masks/ folders.' : undefined);
    } catch (err) {
      session.setPairs([], [], err instanceof Error ? err.message : String(err));
    } finally {
      setReading(false);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    if (!busy && e.dataTransfer.files.length) void take(Array.from(e.dataTransfer.files));
  };

  return (
    <>
      <section className="rp-section" data-testid="train-data" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
        <div className="rp-section-head">
          <h3 className="section-title">Data</h3>
        </div>
        <div className="tp-choices" role="radiogroup" aria-label="Training data">
          {(Object.keys(SAMPLE_SETS) as SampleSetName[]).map((name) => (
            <label key={name} className="tp-choice">
              <input type="radio" name="train-data" disabled={busy} checked={data.kind === 'samples' && data.set === name} data-testid={`train-data-${name}`} onChange={() => session.setData({ kind: 'samples', set: name })} />
              <span>{SAMPLE_SETS[name].title}</span>
            </label>
          ))}
          <label className="tp-choice">
            <input type="radio" name="train-data" disabled={busy} checked={data.kind === 'files'} data-testid="train-data-files" onChange={() => session.setData({ kind: 'files' })} />
            <span>Your images + masks</span>
          </label>
        </div>
        {data.kind === 'files' && (
          <div className="tp-drop" data-testid="train-drop">
            <p>
              Drop image + mask pairs here, or{' '}
              <button type="button" className="link" disabled={busy} onClick={() => input.current?.click()}>
                pick files
              </button>
              . Pairs by name: <span className="mono">cell1.png</span> + <span className="mono">cell1-mask.png</span>, or <span className="mono">images/</span> + <span className="mono">masks/</span>. Masks: binary or indexed PNG.
            </p>
            {reading && <p className="rp-muted">Reading…</p>}
            {state.pairs.length > 0 && (
              <p data-testid="train-pairs">
                {state.pairs.length} pair{state.pairs.length === 1 ? '' : 's'}: {state.pairs.slice(0, 6).map((p) => p.name).join(', ')}
                {state.pairs.length > 6 ? ', …' : ''}
              </p>
            )}
            {state.unpaired.length > 0 && <p className="rp-note">Without a partner (ignored): {state.unpaired.slice(0, 6).join(', ')}{state.unpaired.length > 6 ? ', …' : ''}</p>}
          </div>
        )}
        {state.dataError && (
          <p className="rp-callout error" role="alert" data-testid="train-data-error">
            {state.dataError}
          </p>
        )}
        <input ref={input} type="file" multiple accept="image/png,image/jpeg" hidden data-testid="train-files-input" onChange={(e) => {
          if (e.target.files?.length) void take(Array.from(e.target.files));
          e.target.value = '';
        }} />
      </section>

      <section className="rp-section" data-testid="train-settings">
        <div className="rp-section-head">
          <h3 className="section-title">Settings</h3>
        </div>
        <div className="tp-grid">
          <label className="tp-field wide">
            <span>Loss</span>
            <select className="field-input" disabled={busy} value={s.loss} data-testid="train-loss" onChange={(e) => set({ loss: e.target.value as LossName })}>
              {LOSSES.map((l) => (
                <option key={l} value={l}>
                  {LOSS_LABELS[l]}
                </option>
              ))}
            </select>
          </label>
          <label className="tp-field">
            <span>Optimiser</span>
            <select className="field-input" disabled={busy} value={s.optimizer} data-testid="train-optimizer" onChange={(e) => set({ optimizer: e.target.value as TrainSettings['optimizer'] })}>
              <option value="adam">Adam</option>
              <option value="sgd">SGD, momentum 0.99</option>
            </select>
          </label>
          <NumberField label="Learning rate" value={s.lr} min={1e-7} step={0.0001} disabled={busy} testId="train-lr" onCommit={(lr) => set({ lr })} />
          <NumberField label="Steps" value={s.steps} min={1} disabled={busy} testId="train-steps" onCommit={(steps) => set({ steps: Math.round(steps) })} />
          <NumberField label="Batch" value={s.batch} min={1} disabled={busy} testId="train-batch" onCommit={(batch) => set({ batch: Math.round(batch) })} />
          <NumberField label="Patch (0 = auto)" value={s.patch} min={0} disabled={busy} testId="train-patch" onCommit={(patch) => set({ patch: Math.round(patch) })} hint="Input patch side in px; the nearest size the graph accepts is used" />
          <NumberField label="Validate every" value={s.validateEvery} min={1} disabled={busy} testId="train-val-every" onCommit={(v) => set({ validateEvery: Math.round(v) })} />
          <NumberField label="Seed" value={s.seed} min={0} disabled={busy} testId="train-seed" onCommit={(seed) => set({ seed: Math.round(seed) })} />
          <NumberField label="Checkpoint every (s)" value={s.checkpointEverySec} min={1} disabled={busy} testId="train-checkpoint-every" onCommit={(v) => set({ checkpointEverySec: v })} />
          <label className="tp-check">
            <input type="checkbox" disabled={busy} checked={s.flips} onChange={(e) => set({ flips: e.target.checked })} /> Flips
          </label>
          <label className="tp-check">
            <input type="checkbox" disabled={busy} checked={s.rotations} onChange={(e) => set({ rotations: e.target.checked })} /> 90° rotations
          </label>
          <label className="tp-field">
            <span>Backend</span>
            <select className="field-input" disabled={busy} value={s.backend} data-testid="train-backend" onChange={(e) => set({ backend: e.target.value as TrainSettings['backend'] })}>
              <option value="auto">Auto</option>
              <option value="webgpu">WebGPU</option>
              <option value="webgl">WebGL</option>
              <option value="wasm">WebAssembly</option>
              <option value="cpu">CPU (plain JS)</option>
            </select>
          </label>
        </div>
      </section>
    </>
  );
}
