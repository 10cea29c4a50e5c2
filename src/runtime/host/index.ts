/** The runtime host (run, feature maps, training) that the browser worker exposes and Node uses in-process. */
export { type ActiveBackend, type BackendStarter, rendererName } from './backend';
export { type ChannelStats, type FeatureMaps } from './featureMaps';
export { graphKey, type WeightsSource } from './models';
export { type OutputResult, RunCancelled, type RunJob, type RunProgress, type RunResult, type RunTimings } from './runner';
export { type HostError, type HostOptions, hostError, type MemoryReport, type Outcome, type RunRequestData, RuntimeHost } from './host';
export { RuntimeHost as EditorRuntime } from './host';
