import * as tf from '@tensorflow/tfjs';
import { singleTensor } from './shapes';

/** The parts of tfjs' Conv2DTranspose this subclass reads (not in its public typings). */
interface ConvInternals {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  kernelSize: number[];
  strides: number[];
  dilationRate: number[];
  filters: number;
  dataFormat: string;
  activation: { apply: (x: tf.Tensor) => tf.Tensor } | null;
}

type LayerClass = (new (args: object) => tf.layers.Layer) & Pick<typeof tf.layers.Layer, 'fromConfig'>;
/** tfjs' own class, taken from an instance (the registry entry may be ours, see registerCustomLayers). */
const BuiltIn = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 1 }).constructor as unknown as LayerClass;

/**
 * tfjs' Conv2DTranspose with a fast path for the U-Net up-conv, kernel = stride (2×2 stride 2): the patches
 * do not overlap, so the op is one matrix product [N·H·W, Cin] × [Cin, k·k·Cout] and a reshuffle of the
 * result into place. tfjs' generic Conv2DBackpropInput kernel is several times slower on wasm and cpu.
 * Same weights, same numbers (to float rounding), same class name when saved, so saved models load as the
 * built-in class anywhere. Other configurations run the built-in code.
 */
export class PatchConv2DTranspose extends BuiltIn {
  static className = 'Conv2DTranspose';

  private get internals(): ConvInternals {
    return this as unknown as ConvInternals;
  }

  /** Non-overlapping patches: output row h·k + i takes only input row h. */
  private get patchwise(): boolean {
    const { kernelSize: k, strides: s, dilationRate: d, dataFormat } = this.internals;
    return k[0] === s[0] && k[1] === s[1] && (d ?? [1, 1]).every((v) => v === 1) && dataFormat === 'channelsLast';
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (!this.patchwise) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const { kernel, bias, kernelSize, filters, activation } = this.internals;
      const x = singleTensor(inputs);
      const [n, h, w, cin] = x.shape;
      const [kh, kw] = kernelSize as [number, number];
      // tfjs kernel [kh, kw, Cout, Cin] → [Cin, (i·kw + j)·Cout + o]; the bias repeats for every (i, j).
      const weights = tf.reshape(tf.transpose(kernel.read(), [3, 0, 1, 2]), [cin, kh * kw * filters]);
      const tiledBias = bias ? tf.tile(bias.read(), [kh * kw]) : undefined;
      const patches = tf.fused.matMul({ a: tf.reshape(x, [n * h * w, cin]), b: weights, bias: tiledBias });
      // (n·h, w, i, j·o) → (n·h, i, w, j·o) → rows h·kh + i, columns w·kw + j. Output-sized intermediates
      // are freed as soon as they are used, so the op peaks at two output sizes, not four.
      const grouped = tf.reshape(patches, [n * h, w, kh, kw * filters]);
      patches.dispose();
      const placed = tf.transpose(grouped, [0, 2, 1, 3]);
      grouped.dispose();
      const y = tf.reshape(placed, [n, h * kh, w * kw, filters]);
      placed.dispose();
      return activation ? activation.apply(y) : y;
    });
  }
}
