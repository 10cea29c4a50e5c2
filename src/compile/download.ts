import { serializeGraph } from '../core/format/serialize';
import type { CompiledGraph } from './compile';

/** Browser download of a file made in memory. */
export function downloadText(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Downloads model.json + model.weights.bin (tfjs' own downloads:// writer; the manifest names the weights
 * file) and graph.json, the graph the model was compiled from. Saved into one folder they read back like an
 * exported model folder (CLI `run --weights`, `readModelFolder`).
 */
export async function downloadModel(compiled: CompiledGraph): Promise<void> {
  await compiled.model.save('downloads://model');
  downloadText('graph.json', serializeGraph(compiled.doc));
}
