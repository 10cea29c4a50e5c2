import * as tf from '@tensorflow/tfjs';
import type { LayerExport } from '../export/types';
import { scaled, singleShape, singleTensor } from './shapes';

export interface DepthToSpaceArgs {
  name?: string;
  blockSize?: number;
}

/**
 * TensorFlow's depth_to_space on NHWC: out[h·r+i, w·r+j, c] = in[h, w, (i·r+j)·C + c].
 * (PyTorch's pixel_shuffle reads a different channel order; this is the TF one, as the slim reference uses.)
 */
export class DepthToSpace extends tf.layers.Layer {
  static className = 'DepthToSpace';
  readonly blockSize: number;

  constructor(args: DepthToSpaceArgs = {}) {
    super(args);
    const r = args.blockSize ?? 2;
    if (!Number.isInteger(r) || r < 2) throw new Error(`DepthToSpace.blockSize: expected an integer ≥ 2, got ${JSON.stringify(r)}`);
    this.blockSize = r;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w, c] = singleShape(inputShape, DepthToSpace.className);
    const r = this.blockSize;
    if (c != null && c % (r * r) !== 0)
      throw new Error(`${this.name}: ${c} channels do not divide into ${r}×${r} blocks`);
    return [n!, scaled(h!, r), scaled(w!, r), c == null ? null : c / (r * r)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.depthToSpace(singleTensor(inputs), this.blockSize, 'NHWC'));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), blockSize: this.blockSize };
  }
}

/**
 * Export in TensorFlow's channel order (not pixel_shuffle's): ONNX DepthToSpace mode DCR is exactly TF's;
 * PyTorch gets a view/permute helper that reads channel (i·r + j)·C + c.
 */
export const depthToSpaceExport: LayerExport = {
  channels: (inputs, layer) => `${inputs[0]} // ${Number(layer.config.blockSize) ** 2}`,
  torch: (ctx) => {
    ctx.use('depth_to_space');
    return { expr: `depth_to_space(${ctx.x[0]}, ${Number(ctx.layer.config.blockSize)})` };
  },
  onnx: (ctx) => ctx.node('DepthToSpace', [ctx.x[0]!], [ctx.out], { blocksize: Number(ctx.layer.config.blockSize), mode: 'DCR' }),
};
