import { serializeGraph } from '../../core/format/serialize';
import type { CompiledGraph } from '../compile';
import { lowerModel } from './lowered';
import { MODEL_CLASS, torchModelSource, WEIGHTS_FILE } from './python/model';
import { TRAIN_PY } from './python/trainScript';
import { folderReadme } from './python/readme';
import { encodeSafetensors } from './safetensors';

/** Files of an export folder: text or bytes, by file name. */
export type ExportFiles = Record<string, string | Uint8Array>;

export interface PyTorchExport {
  files: ExportFiles;
  /** Whether model.py has blocks (DoubleConv/Down/Up, or the graph's own blocks), else one flat module. */
  blocks: boolean;
  /** Which: the builder's levels, the document's blocks, or none (flat). */
  structure: 'levels' | 'document' | 'flat';
  /** What the folder's README notes (a block written inline, and why). */
  notes: string[];
  parameters: number;
}

/**
 * The PyTorch export of a compiled model: model.py (the network, readable, named after the nodes),
 * weights.safetensors (its current weights; load_state_dict strict), train.py (single machine or torchrun/DDP)
 * and a README.
 */
export async function exportPyTorch(compiled: CompiledGraph): Promise<PyTorchExport> {
  const lowered = await lowerModel(compiled);
  const source = torchModelSource(lowered);
  const weights = encodeSafetensors(source.state, { format: 'pt', producer: 'UNet Studio' });
  const parameters = Object.entries(source.state)
    .filter(([k, t]) => t.dtype === 'F32' && !/running_(mean|var)$/.test(k))
    .reduce((n, [, t]) => n + t.data.length, 0);
  return {
    blocks: source.blocks,
    structure: source.structure,
    notes: source.notes,
    parameters,
    files: {
      'model.py': source.code,
      [WEIGHTS_FILE]: weights,
      'train.py': TRAIN_PY,
      'README.md': folderReadme(lowered.name, source, parameters),
      // The graph itself, so the editor or the CLI can open the design again.
      'graph.json': serializeGraph(compiled.doc),
    },
  };
}

export { MODEL_CLASS, WEIGHTS_FILE };
