import { lazy, Suspense, useState } from 'react';
import { Inspector } from './Inspector';
import { RunPanel } from './RunSlot';
import './inspector.css';

type Tab = 'inspector' | 'run' | 'train';

/** Loaded when first opened: it brings the chart library (uPlot), which the editor does not need otherwise. */
const TrainPanel = lazy(() => import('../train/TrainPanel').then((m) => ({ default: m.TrainPanel })));

export function RightPanel() {
  const [tab, setTab] = useState<Tab>('inspector');
  return (
    <aside className="right-panel" data-testid="right-panel">
      <div className="tabs" role="tablist">
        {(
          [
            ['inspector', 'Inspector'],
            ['run', 'Run'],
            ['train', 'Train'],
          ] as const
        ).map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={`tab${tab === id ? ' active' : ''}`}
            data-testid={`tab-${id}`}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="right-panel-body">
        {tab === 'inspector' ? (
          <div data-testid="inspector">
            <Inspector />
          </div>
        ) : tab === 'run' ? (
          <RunPanel />
        ) : (
          <Suspense fallback={<p className="rp-muted">Loading…</p>}>
            <TrainPanel />
          </Suspense>
        )}
      </div>
    </aside>
  );
}
