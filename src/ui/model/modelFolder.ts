import { serializeGraph } from '../../core/format';
import type { GraphDoc } from '../../core/types';
import { downloadUrl } from './files';

/**
 * Export › tfjs model folder: model.json + weights.bin (tfjs' own layout, `tf.loadLayersModel` reads them) and
 * graph.json (the graph they come from), the folder the CLI's `export` writes and the Run tab's "Folder…" reads.
 * The weights are the compiled model's initial ones (Glorot uniform, zero biases), as the CLI exports without
 * --weights. tfjs is loaded on first use, so the editor starts without it.
 */
export async function exportModelFolder(doc: GraphDoc): Promise<{ files: string[]; weightBytes: number }> {
  const { compileGraph, toTfjsFiles, WEIGHTS_FILE } = await import('../../compile');
  const compiled = compileGraph(doc);
  try {
    const files = await toTfjsFiles(compiled.model);
    const save = (name: string, blob: Blob) => {
      const url = URL.createObjectURL(blob);
      downloadUrl(url, name);
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    };
    save('model.json', new Blob([JSON.stringify(files.modelJson)], { type: 'application/json' }));
    save(WEIGHTS_FILE, new Blob([files.weights.slice().buffer], { type: 'application/octet-stream' }));
    save('graph.json', new Blob([serializeGraph(doc)], { type: 'application/json' }));
    return { files: ['model.json', WEIGHTS_FILE, 'graph.json'], weightBytes: files.weights.byteLength };
  } finally {
    compiled.model.dispose();
  }
}
