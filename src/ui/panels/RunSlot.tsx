/**
 * ─── RUN PANEL SLOT ─────────────────────────────────────────────────────────────────────────────────────────
 * The "Run" tab of the right panel: RightPanel renders this when the tab is active. The panel itself lives in
 * src/ui/run/ (its state outlives the tab, so switching tabs keeps the last run). Keep the export name and the
 * `run-panel` test id.
 * ────────────────────────────────────────────────────────────────────────────────────────────────────────────
 */
export { RunPanel } from '../run/RunPanel';
