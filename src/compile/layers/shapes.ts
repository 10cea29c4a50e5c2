import type * as tf from '@tensorflow/tfjs';

/** The one NHWC shape a single-input layer receives (tfjs may hand it wrapped in a list). */
export function singleShape(inputShape: tf.Shape | tf.Shape[], layer: string): tf.Shape {
  const shape = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0]! : (inputShape as tf.Shape);
  if (shape.length !== 4) throw new Error(`${layer} expects a 4-D NHWC input, got rank ${shape.length}`);
  return shape;
}

export const singleTensor = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor4D =>
  (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;

/** `n` scaled by `f`, keeping unknown (null) dimensions unknown. */
export const scaled = (n: number | null, f: number): number | null => (n == null ? null : n * f);

/** Accepts a scalar or a [height, width] pair, as Keras does for sizes. */
export function sizePair(value: unknown, what: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= 1))
    throw new Error(`${what}: expected a positive integer or [height, width], got ${JSON.stringify(value)}`);
  return pair as [number, number];
}
