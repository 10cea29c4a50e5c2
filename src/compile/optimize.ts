import { compileGraph, type CompiledGraph } from './compile';
import type { InferenceOptions } from './inference';
import { exportWeights, loadWeights } from './weights';

export const FAST_INFERENCE: InferenceOptions = { foldBatchNorm: true, dropDropout: true, fuseActivations: true };

/**
 * An inference-only copy of a compiled model: BatchNorm folded into the convs, dropout removed, activations
 * merged into their convs; weights carried over through the PyTorch-layout state dict (where the folding
 * happens). The original is left as it is.
 */
export async function compileForInference(plain: CompiledGraph, inference: InferenceOptions = FAST_INFERENCE): Promise<CompiledGraph> {
  const weights = await exportWeights(plain);
  const optimised = compileGraph(plain.doc, { ...plain.options, inference });
  try {
    loadWeights(optimised, weights, { strict: true });
  } catch (err) {
    optimised.model.dispose();
    throw err;
  }
  return optimised;
}
