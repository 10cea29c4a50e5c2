import * as tf from '@tensorflow/tfjs';

/** The attributes tfjs passes to Conv2DBackpropFilter / Conv2DBackpropInput, plus `dilations` (our extension). */
export interface ConvBackpropAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Not in tfjs' kernel attributes: our Conv2D gradient passes it so dilated convolutions train. */
  dilations?: [number, number] | number;
}

export type Shape4 = [number, number, number, number];

/** tfjs' own geometry for the forward convolution (output size, resolved padding), NHWC only. */
export function forwardGeometry(inputShape: Shape4, filterShape: Shape4, attrs: ConvBackpropAttrs, kernel: string): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error(`${kernel} (wasm): only NHWC is supported, got NCHW`);
  return tf.backend_util.computeConv2DInfo(inputShape, filterShape, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode);
}

/**
 * Where the input gradient's forward convolution reads the (zero-inserted) output gradient: for dx = conv(ż, flip(W)ᵀ)
 * with ż = dy spread out by the stride, the padding before is (K−1)·d − pad_before, and the padding after makes the
 * result exactly the input size. Negative values crop.
 */
export function transposedPadding(info: tf.backend_util.Conv2DInfo): { top: number; bottom: number; left: number; right: number } {
  const kh = (info.filterHeight - 1) * info.dilationHeight;
  const kw = (info.filterWidth - 1) * info.dilationWidth;
  const spreadH = (info.outHeight - 1) * info.strideHeight + 1;
  const spreadW = (info.outWidth - 1) * info.strideWidth + 1;
  const top = kh - info.padInfo.top;
  const left = kw - info.padInfo.left;
  return { top, left, bottom: info.inHeight + kh - spreadH - top, right: info.inWidth + kw - spreadW - left };
}
