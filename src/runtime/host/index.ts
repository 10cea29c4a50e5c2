/** The runtime host (run, feature maps, training) that the browser worker exposes and Node uses in-process. */
export { type ActiveBackend, type BackendStarter, rendererName } from './backend';
export { type ChannelStats, type FeatureMaps } from './featureMaps';
export { graphKey, type WeightsSource } from './models';
export { type OutputResult, RunCancelled, type RunJob, type RunProgress, type RunResult, type RunTimings } from './runner';
export { type HostError, type HostOptions, hostError, type MemoryReport, type Outcome, type RunRequestData, RuntimeHost } from './host';
export { type Checkpoint, type CheckpointInfo, type CheckpointSlot, type CheckpointStore, indexedDbCheckpoints, memoryCheckpoints } from './checkpoints';
export { EditorRuntime, type EditorRuntimeOptions, type ExportedWeights, trainedLabel } from './editorRuntime';
export { type ProgressData, type StartInfo, type TrainData, type TrainedWeights, type TrainEvent, type TrainRequest, type TrainSummary, type ValidationData } from './training';
