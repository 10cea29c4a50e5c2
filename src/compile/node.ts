/** Node-only compiler helpers: model folders and weight files on disk (the CLI's side of `./index`). */
export { GRAPH_FILE, MODEL_FILE, readGraphFile, readModelFolder, readTfjsFolder, writeModelFolder } from './folder';
export { loadWeightsFrom, readStateDictFile, STATE_DICT_FILE, writeStateDictFile, type WeightsSource } from './weightFiles';
