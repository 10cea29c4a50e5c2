import * as tf from '@tensorflow/tfjs';
import { leakyConvExport } from '../export/layerExports';
import type { LayerExport } from '../export/types';
import { singleTensor } from './shapes';

/** The parts of tfjs' Conv2D this subclass reads (not in its public typings). */
interface ConvInternals {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: 'valid' | 'same';
  dilationRate: [number, number];
  dataFormat: string;
}

type LayerClass = (new (args: object) => tf.layers.Layer) & Pick<typeof tf.layers.Layer, 'fromConfig'>;
/** tfjs' own class, taken from an instance (the registry entry may be ours, see registerCustomLayers). */
const BuiltIn = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as unknown as LayerClass;

export interface LeakyConv2DArgs {
  name?: string;
  filters: number;
  kernelSize: number | number[];
  /** Negative slope of the leaky ReLU applied to the conv's output. */
  alpha?: number;
  [key: string]: unknown;
}

/**
 * Conv2D followed by a leaky ReLU as one layer and one fused kernel (tf.fused.conv2d, activation 'leakyrelu'):
 * tfjs' Conv2D can only fuse relu/elu/linear, so slim- and strided-style networks otherwise pay a separate
 * pass over every conv output. Same weights as Conv2D (kernel, bias).
 */
export class LeakyConv2D extends BuiltIn {
  static className = 'LeakyConv2D';
  readonly alpha: number;

  constructor(args: LeakyConv2DArgs) {
    const { alpha = 0.2, ...conv } = args;
    if (conv.activation !== undefined && conv.activation !== 'linear')
      throw new Error(`LeakyConv2D applies its own leaky ReLU; got activation ${JSON.stringify(conv.activation)} as well`);
    super(conv);
    if (!(typeof alpha === 'number' && Number.isFinite(alpha) && alpha >= 0))
      throw new Error(`LeakyConv2D.alpha: expected a number ≥ 0, got ${JSON.stringify(alpha)}`);
    this.alpha = alpha;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const { kernel, bias, strides, padding, dilationRate, dataFormat } = this as unknown as ConvInternals;
      if (dataFormat !== 'channelsLast') throw new Error(`${this.name}: LeakyConv2D supports channelsLast only`);
      return tf.fused.conv2d({
        x: singleTensor(inputs),
        filter: kernel.read() as tf.Tensor4D,
        strides,
        pad: padding,
        dilations: dilationRate,
        dataFormat: 'NHWC',
        bias: bias?.read(),
        activation: 'leakyrelu',
        leakyreluAlpha: this.alpha,
      });
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

/** Export: a conv and a leaky ReLU, as the plain compile has them. */
export const leakyConv2dExport: LayerExport = leakyConvExport((l) => Number(l.config.alpha ?? 0.2));
