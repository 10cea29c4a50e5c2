import { depthToSpaceExport } from '../layers/depthToSpace';
import { leakyConv2dExport } from '../layers/leakyConv2d';
import { reflectionPadding2dExport } from '../layers/reflectionPadding2d';
import { scaleShiftExport } from '../layers/scaleShift';
import { upsampleBilinearExport } from '../layers/upsampleBilinear';
import { ExportError } from './errors';
import { STOCK_LAYER_EXPORTS } from './layerExports';
import type { LoweredLayer } from './lowered';
import type { LayerExport } from './types';

/** Every tfjs layer class the exporters can write, by class name. */
export const LAYER_EXPORTS: Record<string, LayerExport> = {
  ...STOCK_LAYER_EXPORTS,
  UpsampleBilinear: upsampleBilinearExport,
  ReflectionPadding2D: reflectionPadding2dExport,
  DepthToSpace: depthToSpaceExport,
  LeakyConv2D: leakyConv2dExport,
  ScaleShift: scaleShiftExport,
};

export function layerExport(layer: LoweredLayer, format: string): LayerExport {
  const found = LAYER_EXPORTS[layer.className];
  if (!found)
    throw new ExportError(layer.nodeId, `its tfjs layer ${layer.name} (${layer.className}) has no ${format} export; exportable layers: ${Object.keys(LAYER_EXPORTS).join(', ')}`);
  return found;
}
