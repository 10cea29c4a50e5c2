import * as tf from '@tensorflow/tfjs';
import { onnxResize } from '../export/layerExports';
import type { LayerExport } from '../export/types';
import { scaled, singleShape, singleTensor, sizePair } from './shapes';

export interface UpsampleBilinearArgs {
  name?: string;
  /** Integer scale factor, one for both axes or [height, width]. */
  size?: number | [number, number];
  alignCorners?: boolean;
  halfPixelCenters?: boolean;
}

/**
 * Bilinear resize by an integer factor. tfjs' UpSampling2D(bilinear) cannot express PyTorch's sampling grids,
 * so this wraps tf.image.resizeBilinear: PyTorch align_corners=True ≡ alignCorners, align_corners=False ≡
 * halfPixelCenters (both as in F.interpolate(mode='bilinear')).
 */
export class UpsampleBilinear extends tf.layers.Layer {
  static className = 'UpsampleBilinear';
  readonly size: [number, number];
  readonly alignCorners: boolean;
  readonly halfPixelCenters: boolean;

  constructor(args: UpsampleBilinearArgs = {}) {
    super(args);
    this.size = sizePair(args.size ?? 2, 'UpsampleBilinear.size');
    this.alignCorners = args.alignCorners ?? false;
    this.halfPixelCenters = args.halfPixelCenters ?? !this.alignCorners;
    if (this.alignCorners && this.halfPixelCenters)
      throw new Error('UpsampleBilinear: alignCorners and halfPixelCenters cannot both be true');
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w, c] = singleShape(inputShape, UpsampleBilinear.className);
    return [n!, scaled(h!, this.size[0]), scaled(w!, this.size[1]), c!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      const [, h, w] = x.shape;
      return tf.image.resizeBilinear(x, [h * this.size[0], w * this.size[1]], this.alignCorners, this.halfPixelCenters);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, alignCorners: this.alignCorners, halfPixelCenters: this.halfPixelCenters };
  }
}

/** Export: F.interpolate / ONNX Resize with the same sampling grid (align_corners, or half-pixel centres). */
export const upsampleBilinearExport: LayerExport = {
  torch: (ctx) => {
    const [sh, sw] = sizePair(ctx.layer.config.size ?? 2, 'UpsampleBilinear.size');
    const align = ctx.layer.config.alignCorners === true;
    return { expr: `F.interpolate(${ctx.x[0]}, scale_factor=${sh === sw ? sh : `(${sh}, ${sw})`}, mode='bilinear', align_corners=${align ? 'True' : 'False'})` };
  },
  onnx: (ctx) => {
    const factor = sizePair(ctx.layer.config.size ?? 2, 'UpsampleBilinear.size');
    const align = ctx.layer.config.alignCorners === true;
    onnxResize(ctx, factor, { mode: 'linear', coordinate_transformation_mode: align ? 'align_corners' : 'half_pixel' });
  },
};
