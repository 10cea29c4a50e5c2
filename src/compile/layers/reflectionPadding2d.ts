import * as tf from '@tensorflow/tfjs';
import { paddingExport } from '../export/layerExports';
import type { LayerExport } from '../export/types';
import { singleShape, singleTensor } from './shapes';

type Padding = [[number, number], [number, number]];

export interface ReflectionPadding2DArgs {
  name?: string;
  /** [[top, bottom], [left, right]] rows/columns to mirror in (edge not repeated, as PyTorch 'reflect'). */
  padding?: Padding;
}

function checkPadding(value: unknown): Padding {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
  if (!ok) throw new Error(`ReflectionPadding2D.padding: expected [[top, bottom], [left, right]] of integers ≥ 0, got ${JSON.stringify(value)}`);
  return value as Padding;
}

/** Mirror padding (tf.mirrorPad 'reflect'), the layer Keras lacks. */
export class ReflectionPadding2D extends tf.layers.Layer {
  static className = 'ReflectionPadding2D';
  readonly padding: Padding;

  constructor(args: ReflectionPadding2DArgs = {}) {
    super(args);
    this.padding = checkPadding(args.padding ?? [[1, 1], [1, 1]]);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w, c] = singleShape(inputShape, ReflectionPadding2D.className);
    const [[t, b], [l, r]] = this.padding;
    return [n!, h == null ? null : h + t + b, w == null ? null : w + l + r, c!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      const [[t, b], [l, r]] = this.padding;
      // Reflection cannot reach further than the tensor is wide (edge excluded); say so instead of a kernel error.
      if (Math.max(t, b) >= x.shape[1] || Math.max(l, r) >= x.shape[2])
        throw new Error(`${this.name}: reflection padding ${JSON.stringify(this.padding)} needs an input larger than ${x.shape[1]}×${x.shape[2]}`);
      return tf.mirrorPad(x, [[0, 0], [t, b], [l, r], [0, 0]], 'reflect');
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}

/** Export: F.pad(mode='reflect') / ONNX Pad mode reflect (both leave the edge pixel out, as tf.mirrorPad 'reflect'). */
export const reflectionPadding2dExport: LayerExport = paddingExport('reflect');
