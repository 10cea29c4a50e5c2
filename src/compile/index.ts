/**
 * The compiler's browser-safe API: graph → tfjs model, weights (PyTorch layout), inference optimisation,
 * running, image in/out, tfjs artifacts. Backend selection lives in `browserBackends` (Vite `?url` imports) and
 * `nodeBackends`; Node-only file helpers in `folder`, `weightFiles` and `imageFiles` — import those directly.
 */
export { loadTfjsModel, loadTfjsWeights, saveArtifacts, toTfjsFiles, WEIGHTS_FILE, type TfjsFiles } from './artifacts';
export { activateFirst, isSoftwareRenderer, type BackendChoice, type BackendName, type BackendSelection } from './backends';
export { compileGraph, type CompiledGraph, type CompileOptions } from './compile';
export { CompileError, WeightsError, type CompileProblem } from './errors';
export { imageToInput, inputSpecFromParams, renderOutput, resolveView, type InputSpec, type OutputView, type RgbaImage } from './image';
export { rewriteForInference, type FoldedBatchNorm, type InferenceOptions } from './inference';
export { CUSTOM_LAYERS, registerCustomLayers } from './layers';
export { decodeNpy, encodeNpy } from './npy';
export { compileForInference, FAST_INFERENCE } from './optimize';
export { nchwToNhwc, nhwcToNchw, predict, predictTensors, type TensorData } from './runtime';
export { stateDictFromJson, stateDictToJson, type StateDict, type StateDictJson, type TorchTensor } from './stateDict';
export { boundWeights, exportWeights, loadWeights, type LoadOptions, type LoadReport } from './weights';
