import type { Problem } from '../core/problem';
import { WeightsError, weightsProblem } from './errors';
import type { FoldedBatchNorm } from './inference';
import type { StateDict, TorchTensor } from './stateDict';

/**
 * The conv's PyTorch-layout weight and bias with its BatchNorm folded in (eval statistics):
 *   s = γ / √(var + ε),  W' = W·s (per output channel),  b' = (b − mean)·s + β.
 * The output channels' axis comes from the conv's weight layout (0 for OIHW, 1 for a transposed conv's IOHW);
 * the tensor names from the ops' inference roles.
 */
export function foldedConvEntries(dict: StateDict, fold: FoldedBatchNorm): Record<string, TorchTensor> {
  const conv = dict[fold.conv] ?? {};
  const bn = dict[fold.batchNorm] ?? {};
  const problems: Problem[] = [];
  const need = (owner: Record<string, TorchTensor>, id: string, name: string) => {
    const t = owner[name];
    if (!t) problems.push(weightsProblem('weight-missing', `${id}.${name}: missing (needed to fold ${fold.batchNorm} into ${fold.conv})`, { nodeId: id, field: name }));
    return t;
  };
  const names = fold.statistics;
  const weight = need(conv, fold.conv, fold.convTensors.weight);
  const bias = fold.convBias ? need(conv, fold.conv, fold.convTensors.bias) : undefined;
  const gamma = need(bn, fold.batchNorm, names.scale);
  const beta = need(bn, fold.batchNorm, names.shift);
  const mean = need(bn, fold.batchNorm, names.mean);
  const variance = need(bn, fold.batchNorm, names.variance);
  if (problems.length || !weight || !gamma || !beta || !mean || !variance) throw new WeightsError(problems);

  const outAxis = fold.outputAxis;
  if (weight.shape.length !== 4 || outAxis > 1)
    throw new WeightsError([
      weightsProblem('weight-shape', `${fold.conv}.${fold.convTensors.weight}: expected 4 dimensions, got [${weight.shape.join(', ')}]`, {
        nodeId: fold.conv,
        field: fold.convTensors.weight,
      }),
    ]);
  const channels = weight.shape[outAxis]!;
  for (const [name, t] of [[names.scale, gamma], [names.shift, beta], [names.mean, mean], [names.variance, variance]] as const)
    if (t.data.length !== channels)
      problems.push(
        weightsProblem('weight-shape', `${fold.batchNorm}.${name}: expected ${channels} values (the conv's output channels), got ${t.data.length}`, {
          nodeId: fold.batchNorm,
          field: name,
        }),
      );
  if (bias && bias.data.length !== channels)
    problems.push(
      weightsProblem('weight-shape', `${fold.conv}.${fold.convTensors.bias}: expected ${channels} values, got ${bias.data.length}`, {
        nodeId: fold.conv,
        field: fold.convTensors.bias,
      }),
    );
  if (problems.length) throw new WeightsError(problems);

  const scale = new Float64Array(channels);
  const shift = new Float32Array(channels);
  for (let o = 0; o < channels; o++) {
    scale[o] = gamma.data[o]! / Math.sqrt(variance.data[o]! + fold.epsilon);
    shift[o] = ((bias?.data[o] ?? 0) - mean.data[o]!) * scale[o]! + beta.data[o]!;
  }
  const [d0, d1, d2, d3] = weight.shape as [number, number, number, number];
  const inner = d2 * d3;
  const folded = new Float32Array(weight.data.length);
  for (let a = 0; a < d0; a++)
    for (let b = 0; b < d1; b++) {
      const s = scale[outAxis === 0 ? a : b]!;
      const base = (a * d1 + b) * inner;
      for (let k = 0; k < inner; k++) folded[base + k] = weight.data[base + k]! * s;
    }
  return {
    [fold.convTensors.weight]: { shape: [...weight.shape], data: folded },
    [fold.convTensors.bias]: { shape: [channels], data: shift },
  };
}
