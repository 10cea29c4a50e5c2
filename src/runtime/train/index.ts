/** Training, host-neutral: data and patches, losses, the trainer and its loop (the worker and the CLI run these). */
export { labelledImage, labelsFromMask, splitData, PatchSampler, validationPatches, type Augment, type Batch, type LabelledImage, type PatchGeometry, type Region, type Split } from './data';
export { DEFAULT_PATCH, labelClassesOf, patchGeometry } from './geometry';
export { headOf, LOSS_LABELS, LOSSES, segmentationLoss, type Head, type LossName } from './losses';
export { trainLoop, type LoopOptions, type TrainProgress } from './loop';
export { pairByName, type NamedPair, type Pairing } from './pairs';
export { isSampleSet, SAMPLE_SETS, sampleSet, type SampleSetName } from './samples';
export { DEFAULT_TRAIN_OPTIONS, Trainer, type Evaluation, type OptimizerName, type TrainOptions } from './trainer';
export { borderWeightMap, components, type WeightMapOptions } from './weightMap';
