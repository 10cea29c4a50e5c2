/**
 * ─── RUN PANEL SLOT ─────────────────────────────────────────────────────────────────────────────────────────
 * Placeholder for the "Run" tab of the right panel (compile the graph with tfjs, run it on an image). A later
 * task replaces this component's body; RightPanel renders it when the "Run" tab is active, and nothing else in
 * the UI depends on what it shows. Keep the export name and the `run-panel` test id.
 * ────────────────────────────────────────────────────────────────────────────────────────────────────────────
 */
export function RunPanel() {
  return (
    <div className="run-slot" data-testid="run-panel">
      <div className="run-slot-title">Run in the browser</div>
      <p>Compiling this graph with TensorFlow.js and running it on an image will live here.</p>
    </div>
  );
}
