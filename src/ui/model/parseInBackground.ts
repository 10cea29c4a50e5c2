import * as Comlink from 'comlink';
import type { ImportResult } from './files';
import type { ParseWorkerApi } from './parseWorker';

let started: { api: Comlink.Remote<ParseWorkerApi>; failed: Promise<never> } | null = null;
let unavailable = typeof Worker === 'undefined';

/** The parse worker, started on first use and kept for the next file. */
function parseWorker() {
  if (started) return started;
  const worker = new Worker(new URL('./parseWorker.ts', import.meta.url), { type: 'module', name: 'unet-studio-parse' });
  // A worker that cannot start (blocked, a failed load) never answers: its error event ends the wait instead.
  const failed = new Promise<never>((_, reject) => worker.addEventListener('error', (e) => reject(new Error(e.message || 'the parse worker did not start')), { once: true }));
  failed.catch(() => {});
  return (started = { api: Comlink.wrap<ParseWorkerApi>(worker), failed });
}

/** Starts the parse worker ahead of a file (the file picker opened, a file dragged over), so its start-up is not waited for. */
export function warmParseWorker(): void {
  if (unavailable) return;
  try {
    parseWorker();
  } catch {
    unavailable = true;
  }
}

/**
 * Parses a graph file's bytes in the parse worker; where there is no worker (Node, tests) or it fails, with
 * `inThisThread` (the same function the worker runs). Never throws.
 */
export async function parseInBackground(bytes: ArrayBuffer, inThisThread: (bytes: ArrayBuffer) => ImportResult): Promise<ImportResult> {
  if (!unavailable) {
    try {
      const { api, failed } = parseWorker();
      // A copy goes over (not the buffer itself), so the fallback below still has the bytes.
      return await Promise.race([api.parse(bytes), failed]);
    } catch (err) {
      unavailable = true;
      console.info(`Opening files on the page's thread: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return inThisThread(bytes);
}
