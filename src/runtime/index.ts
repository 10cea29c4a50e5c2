/**
 * The runtime: running compiled models (whole, layer by layer, tiled), images in and out, metrics.
 * Host-neutral; backend start-up is host-specific: `./browser` (Vite asset URLs) and `./node` (files on disk).
 */
export { activateFirst, BackendUnavailableError, isSoftwareRenderer, type BackendAttempt, type BackendChoice, type BackendName, type BackendSelection } from './backends';
export { imageToInput, inputSpecFromParams, renderOutput, resolveView, type InputSpec, type OutputView, type RgbaImage } from './image';
export { confusion, dice, foregroundMask, iou, maskFromRgba, resampleMask, type Confusion, type Region } from './metrics';
export { decodeNpy, encodeNpy } from './npy';
export { bytes, checkMemory, limitOn, MemoryRefused, memoryNeed, parseByteSize, runNeed, smallerInputThatFits, TRAINING_STEP_FACTOR, trainingNeed, WASM_HEAP_BYTES, weightsNeed, type MemoryLimit, type MemoryNeed, type MemoryVerdict, type NeedOptions, type OptimizerKind } from './memoryGuard';
export { nchwToNhwc, nhwcToNchw, predict, predictTensors, type TensorData } from './predict';
export { predictStepped, type SteppedOptions } from './stepped';
export { describePlan, extractTile, mirrorIndex, planTiles, stitchTile, TilingError, type Size, type Tile, type TileGeometry, type TilePlan } from './tiling';
export * from './train';
export * from './host';
