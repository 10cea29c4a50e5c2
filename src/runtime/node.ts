/** Node-only runtime pieces: backend start-up from node_modules, image files on disk. */
export { NODE_BACKENDS, useNodeBackend } from './nodeBackends';
export { nodeMemoryLimit } from './nodeMemory';
export { decodeImage, encodePng, readImageFile, writePng } from './imageFiles';
