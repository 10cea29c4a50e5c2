/**
 * The compiler: graph → tfjs LayersModel, weights in PyTorch layout, inference rewrites, tfjs artifacts.
 * Host-neutral (browser and Node); Node-only file helpers are in `./node`. Running a model is `src/runtime`.
 */
export { loadTfjsModel, loadTfjsWeights, saveArtifacts, toTfjsFiles, WEIGHTS_FILE, type TfjsFiles } from './artifacts';
export { compileGraph, type CompiledGraph, type CompileOptions } from './compile';
export { downloadModel, downloadText } from './download';
export { CompileError, WeightsError, weightsProblem, type CompileProblem, type WeightsProblemCode } from './errors';
export { ExportError } from './export/errors';
export { exportOnnx, ONNX_FILE, ONNX_OPSETS, type OnnxExportOptions, type OnnxOpset } from './export/onnx';
export { exportPyTorch, type ExportFiles, type PyTorchExport } from './export/pytorch';
export { rewriteForInference, type FoldedBatchNorm, type InferenceOptions } from './inference';
export { CUSTOM_LAYERS, registerCustomLayers } from './layers';
export { compileForInference, FAST_INFERENCE } from './optimize';
export { stateDictFromJson, stateDictToJson, type StateDict, type StateDictJson, type TorchTensor } from './stateDict';
export { boundWeights, exportWeights, loadWeights, type LoadOptions, type LoadReport } from './weights';
export { carryWeights, type CarryReport } from './carry';
