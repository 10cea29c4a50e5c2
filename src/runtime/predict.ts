import * as tf from '@tensorflow/tfjs';

/** Plain data in tfjs' NHWC layout: the run panel and the CLI hold these, never live tensors. */
export interface TensorData {
  data: Float32Array;
  /** [batch, height, width, channels] */
  shape: number[];
}

const asTensor = (input: TensorData | tf.Tensor): tf.Tensor =>
  input instanceof tf.Tensor ? input : tf.tensor(input.data, input.shape, 'float32');

/**
 * Runs the model and returns its outputs as tensors the caller must dispose. Every intermediate (the input
 * built from data included) is released inside tf.tidy.
 */
export function predictTensors(model: tf.LayersModel, input: TensorData | tf.Tensor): tf.Tensor[] {
  return tf.tidy(() => {
    const y = model.predict(asTensor(input));
    return Array.isArray(y) ? y : [y];
  });
}

/**
 * One forward pass, outputs copied out as data (one per model output, NHWC). Leaves no tensor behind, so
 * repeated runs keep `tf.memory().numTensors` constant.
 */
export async function predict(model: tf.LayersModel, input: TensorData | tf.Tensor): Promise<TensorData[]> {
  const outputs = predictTensors(model, input);
  try {
    return await Promise.all(outputs.map(async (t) => ({ data: (await t.data()) as Float32Array, shape: [...t.shape] })));
  } finally {
    tf.dispose(outputs);
  }
}

/** NHWC data → NCHW (PyTorch's layout), e.g. for comparisons and .npy files. */
export function nhwcToNchw({ data, shape }: TensorData): TensorData {
  const [n, h, w, c] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = data[((b * h + y) * w + x) * c + k]!;
  return { data: out, shape: [n, c, h, w] };
}

/** NCHW data (PyTorch's layout) → NHWC. */
export function nchwToNhwc({ data, shape }: TensorData): TensorData {
  const [n, c, h, w] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + k] = data[((b * c + k) * h + y) * w + x]!;
  return { data: out, shape: [n, h, w, c] };
}
