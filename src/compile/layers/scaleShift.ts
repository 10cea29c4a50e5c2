import * as tf from '@tensorflow/tfjs';
import { num } from '../export/activations';
import { vector } from '../export/tensors';
import type { ExportTensor, LayerExport } from '../export/types';
import { singleShape, singleTensor } from './shapes';

export interface ScaleShiftArgs {
  name?: string;
  scale?: number;
  shift?: number;
  /** One scale and shift per channel: non-trainable weights `scale` and `shift` [C], starting at 1 and 0. */
  perChannel?: boolean;
}

/** y = x·scale + shift, with constants for all values or per channel (the last, NHWC, axis); nothing trains. */
export class ScaleShift extends tf.layers.Layer {
  static className = 'ScaleShift';
  readonly scale: number;
  readonly shift: number;
  readonly perChannel: boolean;
  private scaleWeight?: tf.LayerVariable;
  private shiftWeight?: tf.LayerVariable;

  constructor(args: ScaleShiftArgs = {}) {
    super(args);
    this.scale = args.scale ?? 1;
    this.shift = args.shift ?? 0;
    this.perChannel = args.perChannel ?? false;
    for (const [what, v] of [['scale', this.scale], ['shift', this.shift]] as const)
      if (!Number.isFinite(v)) throw new Error(`ScaleShift.${what}: expected a finite number, got ${JSON.stringify(v)}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const channels = singleShape(inputShape, ScaleShift.className)[3];
    if (this.perChannel) {
      if (channels == null) throw new Error(`${this.name}: per-channel constants need a known channel count`);
      this.scaleWeight = this.addWeight('scale', [channels], 'float32', tf.initializers.ones(), undefined, false);
      this.shiftWeight = this.addWeight('shift', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape, ScaleShift.className);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      if (this.scaleWeight && this.shiftWeight) return tf.add(tf.mul(x, this.scaleWeight.read()), this.shiftWeight.read());
      return tf.add(tf.mul(x, this.scale), this.shift);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale, shift: this.shift, perChannel: this.perChannel };
  }
}

/** A per-channel vector as [1, C, 1, 1], broadcasting over N×C×H×W. */
const channelTensor = (data: Float32Array): ExportTensor => ({ dtype: 'F32', shape: [1, data.length, 1, 1], data });

/**
 * PyTorch: per channel, a ScaleShift module holding the constants as buffers (in the state dict, not in
 * parameters(), so an optimiser leaves them); for one pair, the expression itself. ONNX: Mul then Add.
 */
export const scaleShiftExport: LayerExport = {
  torch: (ctx) => {
    const { config, weights } = ctx.layer;
    if (config.perChannel) {
      ctx.use('scale_shift');
      return { module: `ScaleShift(${ctx.inChannels[0]})`, state: { scale: vector(weights.scale!), shift: vector(weights.shift!) }, expr: `${ctx.module}(${ctx.x[0]})` };
    }
    return { expr: `(${ctx.x[0]} * ${num(Number(config.scale))} + ${num(Number(config.shift))})` };
  },
  onnx: (ctx) => {
    const { config, weights, out } = ctx.layer;
    const [scale, shift] = config.perChannel
      ? [ctx.weight('scale', channelTensor(weights.scale!.data)), ctx.weight('shift', channelTensor(weights.shift!.data))]
      : [ctx.floats('scale', [Number(config.scale)]), ctx.floats('shift', [Number(config.shift)])];
    const scaled = ctx.temp('scaled', out);
    ctx.node('Mul', [ctx.x[0]!, scale], [scaled]);
    ctx.node('Add', [scaled, shift], [ctx.out]);
  },
};
