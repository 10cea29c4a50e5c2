import * as tf from '@tensorflow/tfjs';
import { DepthToSpace } from './depthToSpace';
import { ReflectionPadding2D } from './reflectionPadding2d';
import { UpsampleBilinear } from './upsampleBilinear';

/** Layer classes op files may name that tfjs does not ship. */
export const CUSTOM_LAYERS = [UpsampleBilinear, ReflectionPadding2D, DepthToSpace] as const;

let registered = false;

/** Registers the custom classes with tf.serialization, so compiled models build, save and load. Idempotent. */
export function registerCustomLayers(): void {
  if (registered) return;
  for (const cls of CUSTOM_LAYERS) tf.serialization.registerClass(cls);
  registered = true;
}

registerCustomLayers();

export { DepthToSpace, ReflectionPadding2D, UpsampleBilinear };
