import * as tf from '@tensorflow/tfjs';
import { DepthToSpace } from './depthToSpace';
import { DilatedConv2D } from './dilatedConv2d';
import { LeakyConv2D } from './leakyConv2d';
import { PatchConv2DTranspose } from './patchConv2dTranspose';
import { ReflectionPadding2D } from './reflectionPadding2d';
import { ScaleShift } from './scaleShift';
import { UpsampleBilinear } from './upsampleBilinear';

/** Layer classes op files may name that tfjs does not ship (LeakyConv2D: made by the compiler's peephole). */
export const CUSTOM_LAYERS = [UpsampleBilinear, ReflectionPadding2D, DepthToSpace, LeakyConv2D, ScaleShift] as const;

let registered = false;

/**
 * Registers the custom classes with tf.serialization, so compiled models build, save and load. Idempotent.
 * PatchConv2DTranspose also takes over the name "Conv2DTranspose" here, so models loaded in this app
 * (tf.loadLayersModel) run the same fast up-conv as compiled ones and give identical numbers; files keep
 * the standard class name and load anywhere. DilatedConv2D takes over "Conv2D" the same way, so dilated
 * convolutions train.
 */
export function registerCustomLayers(): void {
  if (registered) return;
  for (const cls of [...CUSTOM_LAYERS, PatchConv2DTranspose, DilatedConv2D]) tf.serialization.registerClass(cls);
  registered = true;
}

registerCustomLayers();

export { DepthToSpace, DilatedConv2D, LeakyConv2D, PatchConv2DTranspose, ReflectionPadding2D, ScaleShift, UpsampleBilinear };
