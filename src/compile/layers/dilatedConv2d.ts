import * as tf from '@tensorflow/tfjs';
import { singleTensor } from './shapes';

/** The parts of tfjs' Conv2D this subclass reads (not in its public typings). */
interface ConvInternals {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: 'valid' | 'same';
  dilationRate: [number, number];
  dataFormat: string;
  activation: { apply: (x: tf.Tensor) => tf.Tensor } | null;
}

type LayerClass = (new (args: object) => tf.layers.Layer) & Pick<typeof tf.layers.Layer, 'fromConfig'>;
/** tfjs' own class, taken from an instance (the registry entry is ours, see registerCustomLayers). */
const BuiltIn = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as unknown as LayerClass;

/**
 * tfjs' Conv2D, except that a dilated one runs as conv2d + bias + activation instead of tf.fused.conv2d: the fused
 * op's gradient refuses dilations > 1 on every backend, while the plain Conv2D gradient (made dilation-aware in
 * src/runtime/kernels) trains them. Undilated layers run the built-in code; the class name stays "Conv2D".
 */
export class DilatedConv2D extends BuiltIn {
  static className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const { kernel, bias, strides, padding, dilationRate, dataFormat, activation } = this as unknown as ConvInternals;
    const dilated = (dilationRate ?? [1, 1]).some((d) => d !== 1);
    if (!dilated || dataFormat !== 'channelsLast') return super.call(inputs, kwargs);
    return tf.tidy(() => {
      let y: tf.Tensor = tf.conv2d(singleTensor(inputs), kernel.read() as tf.Tensor4D, strides, padding, 'NHWC', dilationRate);
      if (bias) y = tf.add(y, bias.read());
      return activation ? activation.apply(y) : y;
    });
  }
}
