/**
 * Segmentation losses on a network's output, read the way its head is built: a 1-channel head is binary
 * (sigmoid probabilities or logits), a several-channel one categorical (softmax probabilities or logits).
 * Cross-entropy is computed from logits where the head gives them (stable), from clipped probabilities
 * where it applies its own sigmoid / softmax.
 */
import * as tf from '@tensorflow/tfjs';
import type * as tfl from '@tensorflow/tfjs-layers';

export const LOSSES = ['bce', 'ce', 'dice', 'bce+dice', 'weighted-ce'] as const;
export type LossName = (typeof LOSSES)[number];

export const LOSS_LABELS: Record<LossName, string> = {
  bce: 'Cross-entropy (binary)',
  ce: 'Cross-entropy',
  dice: 'Soft Dice',
  'bce+dice': 'Cross-entropy + soft Dice',
  'weighted-ce': 'Weighted cross-entropy (border weight map, w0 = 10, σ = 5)',
};

export interface Head {
  /** Output channels: 1 = binary (foreground probability), ≥ 2 = one channel per class. */
  classes: number;
  /** What the last layer applies: the loss works on probabilities after sigmoid / softmax, else on logits. */
  activation: 'sigmoid' | 'softmax' | 'none';
  /** Classes the labels may use: 2 for a binary head. */
  labelClasses: number;
}

type LayerWithConfig = { getConfig(): Record<string, unknown> };

/** The head of a compiled model: output channels and the activation its last layer applies. */
export function headOf(model: tf.LayersModel): Head {
  const output = model.outputs[0]!;
  const classes = output.shape[output.shape.length - 1] ?? 1;
  const layer = (output as unknown as { sourceLayer: LayerWithConfig & tfl.layers.Layer }).sourceLayer;
  const config = layer.getConfig();
  const name = String(config.activation ?? (layer.getClassName() === 'Softmax' ? 'softmax' : 'linear'));
  const activation = name === 'sigmoid' ? 'sigmoid' : name === 'softmax' ? 'softmax' : 'none';
  if (activation !== 'none' && activation !== 'sigmoid' && activation !== 'softmax') throw new Error(`unexpected head activation ${name}`);
  return { classes, activation, labelClasses: Math.max(2, classes) };
}

const EPS = 1e-7;

/** Per-pixel cross-entropy [B, H, W] of the output against class labels (int32 [B, H, W]). */
function pixelCrossEntropy(out: tf.Tensor4D, labels: tf.Tensor3D, head: Head): tf.Tensor3D {
  return tf.tidy(() => {
    if (head.classes === 1) {
      const t = labels.toFloat().expandDims(-1);
      let ce: tf.Tensor;
      if (head.activation === 'none') {
        // max(z, 0) − z·t + log(1 + e^−|z|): the stable form of −t·log σ(z) − (1 − t)·log(1 − σ(z)).
        ce = tf.relu(out).sub(out.mul(t)).add(tf.log1p(tf.exp(tf.neg(tf.abs(out)))));
      } else {
        const p = tf.clipByValue(out, EPS, 1 - EPS);
        ce = tf.neg(t.mul(tf.log(p)).add(tf.sub(1, t).mul(tf.log(tf.sub(1, p)))));
      }
      return ce.squeeze([3]) as tf.Tensor3D;
    }
    const onehot = tf.oneHot(labels.toInt(), head.classes).toFloat();
    const logp = head.activation === 'softmax' ? tf.log(tf.clipByValue(out, EPS, 1)) : tf.logSoftmax(out);
    return tf.neg(tf.sum(onehot.mul(logp), -1)) as tf.Tensor3D;
  });
}

/**
 * The probabilities soft Dice compares: the foreground channel of a binary head; every class of a categorical
 * one (background included, so a majority class cannot win the loss by being predicted everywhere).
 */
function diceProbabilities(out: tf.Tensor4D, head: Head): { p: tf.Tensor; t: (labels: tf.Tensor3D) => tf.Tensor } {
  if (head.classes === 1) {
    const p = head.activation === 'none' ? tf.sigmoid(out) : out;
    return { p, t: (labels) => labels.toFloat().expandDims(-1) };
  }
  const p = head.activation === 'softmax' ? out : tf.softmax(out);
  return { p, t: (labels) => tf.oneHot(labels.toInt(), head.classes).toFloat() };
}

/** 1 − mean over the compared classes of 2·Σpt / (Σp + Σt), summed over the whole batch (smoothed by 1). */
function softDice(out: tf.Tensor4D, labels: tf.Tensor3D, head: Head): tf.Scalar {
  return tf.tidy(() => {
    const { p, t } = diceProbabilities(out, head);
    const truth = t(labels);
    const inter = tf.sum(p.mul(truth), [0, 1, 2]);
    const total = tf.sum(p, [0, 1, 2]).add(tf.sum(truth, [0, 1, 2]));
    return tf.sub(1, tf.mean(inter.mul(2).add(1).div(total.add(1)))) as tf.Scalar;
  });
}

/**
 * The loss of a batch: `weights` ([B, H, W]) are required by 'weighted-ce' and ignored otherwise.
 * 'bce' and 'ce' are the same cross-entropy, of the kind the head has.
 */
export function segmentationLoss(name: LossName, out: tf.Tensor4D, labels: tf.Tensor3D, head: Head, weights?: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => {
    switch (name) {
      case 'bce':
      case 'ce':
        return tf.mean(pixelCrossEntropy(out, labels, head)) as tf.Scalar;
      case 'dice':
        return softDice(out, labels, head);
      case 'bce+dice':
        return tf.mean(pixelCrossEntropy(out, labels, head)).add(softDice(out, labels, head)) as tf.Scalar;
      case 'weighted-ce':
        if (!weights) throw new Error('weighted cross-entropy needs the border weight map of each patch');
        return tf.mean(pixelCrossEntropy(out, labels, head).mul(weights)) as tf.Scalar;
    }
  });
}

/** Predicted class per pixel (HW… flat): p > ½ for a binary head (logit > 0), else the argmax. */
export function predictedClasses(out: tf.Tensor4D, head: Head): tf.Tensor {
  return tf.tidy(() => {
    if (head.classes === 1) return tf.greater(out, head.activation === 'none' ? 0 : 0.5).toInt().reshape([-1]);
    return tf.argMax(out, -1).reshape([-1]);
  });
}
