/**
 * The runtime's Web Worker: the whole tfjs side of the editor (compile, run, feature maps, training) runs
 * here, so the page never blocks on it. The page talks to it through `connectRuntime()` (./browser.ts).
 */
import * as Comlink from 'comlink';
import { browserMemoryLimit, useBrowserBackend, webglRenderer } from './browserBackends';
import { EditorRuntime, indexedDbCheckpoints } from './host';

Comlink.expose(
  new EditorRuntime({
    backends: { start: useBrowserBackend, renderer: webglRenderer },
    transfer: Comlink.transfer,
    checkpoints: indexedDbCheckpoints(),
    memoryLimit: browserMemoryLimit,
  }),
);
