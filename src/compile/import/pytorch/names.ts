// What the editor needs without loading tfjs: which files are PyTorch weights, and the mapping's types.
export type { MappingRow, MappingStatus, WeightMapping } from './mapping';

/** Not .bin: tfjs weight shards use it (a PyTorch pytorch_model.bin can be renamed to .pth). */
export const isPytorchWeightsFile = (name: string) => /\.(pth|pt|ckpt|safetensors)$/i.test(name);
