/**
 * A worker for opening graph files: JSON, the format's schema and graph checks run here, so a large file (a
 * 10,000-node graph is 3.7 MB) does not block the page. Only the pure core is loaded (no tfjs, unlike the runtime
 * worker), so it starts quickly. The page talks to it through parseInBackground.ts.
 */
import * as Comlink from 'comlink';
import { parseGraphBytes } from './files';

const api = { parse: (bytes: ArrayBuffer) => parseGraphBytes(bytes) };
export type ParseWorkerApi = typeof api;

Comlink.expose(api);
