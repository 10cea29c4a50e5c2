import { formatBytes } from '../model/format';
import { IconWarning } from '../icons';
import type { RgbaImage } from '../../runtime';
import { describeMemory, type PlanOutcome, type SizeMode } from './plan';
import { PlanPreview } from './PlanPreview';
import type { RunPanelState, RunSession } from './session';

const MODES: [SizeMode, string, string][] = [
  ['auto', 'Auto', 'Overlap-tile when the network has a border or the image is larger than its input; else as it is'],
  ['tile', 'Tile', 'Mirror-pad the image and run tile by tile so the output covers all of it (U-Net paper)'],
  ['resize', 'Resize', 'Resize the whole image to the input size and run once'],
];

const BUDGETS = [0.25e9, 0.5e9, 1e9, 1.5e9, 2e9, 4e9, 8e9];

interface Props {
  outcome: PlanOutcome | undefined;
  image: RgbaImage | undefined;
  state: RunPanelState;
  session: RunSession;
}

export function PlanSection({ outcome, image, state, session }: Props) {
  if (!outcome) return null;
  if (!outcome.ok)
    return (
      <section className="rp-section" data-testid="run-plan">
        <h3 className="section-title">Plan</h3>
        <p className="rp-callout error" data-testid="run-plan-blocked">
          {outcome.reason}
        </p>
      </section>
    );
  const { plan } = outcome;
  const { memory } = plan;
  const share = Math.min(1, memory.totalBytes / memory.budgetBytes);
  return (
    <section className="rp-section" data-testid="run-plan">
      <div className="rp-section-head">
        <h3 className="section-title">Plan</h3>
        <div className="rp-segmented" role="radiogroup" aria-label="Image size">
          {MODES.map(([mode, label, help]) => (
            <button
              key={mode}
              type="button"
              role="radio"
              aria-checked={state.mode === mode}
              className={state.mode === mode ? 'on' : ''}
              title={help}
              data-testid={`run-mode-${mode}`}
              disabled={mode === 'tile' && !!plan.tilingUnavailable}
              onClick={() => session.setMode(mode)}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      <ol className="rp-steps" data-testid="run-plan-steps">
        {plan.steps.map((s) => (
          <li key={s.title}>
            <span className="rp-step-title">{s.title}</span>
            <span className="rp-step-detail">{s.detail}</span>
          </li>
        ))}
      </ol>
      {image && <PlanPreview image={image} plan={plan} />}
      {plan.tilingUnavailable && state.mode !== 'resize' && <p className="rp-note">Overlap-tiling is not available: {plan.tilingUnavailable}.</p>}
      {plan.fittedInput && !memory.over && (
        <p className="rp-note" data-testid="run-fitted">
          This image needs only a {plan.fittedInput.w}×{plan.fittedInput.h} input ({Math.round((100 * plan.fittedInput.w * plan.fittedInput.h) / (plan.runInput.w * plan.runInput.h))}% of the work).{' '}
          <button type="button" className="link" data-testid="run-use-fitted" onClick={() => session.setRunSize(plan.fittedInput)}>
            Run at {plan.fittedInput.w}×{plan.fittedInput.h}
          </button>
        </p>
      )}
      {plan.overridden && (
        <p className="rp-note" data-testid="run-size-override">
          Running at {plan.runInput.w}×{plan.runInput.h} instead of the input node's size.{' '}
          <button type="button" className="link" onClick={() => session.setRunSize(undefined)}>
            Use the input node's size
          </button>
        </p>
      )}
      <div className="rp-memory" data-testid="run-memory" title={describeMemory(memory)}>
        <div className="rp-memory-label">
          <span>Memory estimate</span>
          <span className="mono">
            {formatBytes(memory.totalBytes)} of{' '}
            <select
              className="rp-inline-select"
              aria-label="Memory budget"
              value={memory.budgetBytes}
              data-testid="run-budget"
              onChange={(e) => session.setBudget(Number(e.target.value))}
            >
              {[...new Set([...BUDGETS, memory.budgetBytes])].sort((a, b) => a - b).map((b) => (
                <option key={b} value={b}>
                  {formatBytes(b)}
                </option>
              ))}
            </select>
          </span>
        </div>
        <div className={`rp-meter${memory.over ? ' over' : share > 0.7 ? ' high' : ''}`}>
          <span style={{ width: `${Math.max(1, share * 100)}%` }} />
        </div>
      </div>
      {memory.over && (
        <div className="rp-callout warning" data-testid="run-memory-guard">
          <IconWarning size={14} />
          <div>
            <p>
              One pass at {plan.runInput.w}×{plan.runInput.h} needs {describeMemory(memory)}. Running it could freeze or crash this tab.
              {!plan.smallerInput && ' No smaller input the graph accepts fits the budget either: raise the budget, or make the network narrower.'}
            </p>
            <div className="rp-callout-actions">
              {plan.smallerInput && (
                <button
                  type="button"
                  className="btn small"
                  data-testid="run-use-smaller"
                  onClick={() => {
                    session.setRunSize(plan.smallerInput);
                    if (state.mode === 'resize') session.setMode('auto');
                  }}
                >
                  Run at {plan.smallerInput.w}×{plan.smallerInput.h}
                  {plan.tilingUnavailable ? '' : ', overlap-tiled'}
                </button>
              )}
              {BUDGETS.some((b) => b >= memory.totalBytes && b > memory.budgetBytes) && (
                <button
                  type="button"
                  className="btn small ghost"
                  onClick={() => session.setBudget(BUDGETS.find((b) => b >= memory.totalBytes && b > memory.budgetBytes)!)}
                >
                  Raise the budget to {formatBytes(BUDGETS.find((b) => b >= memory.totalBytes && b > memory.budgetBytes)!)}
                </button>
              )}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
