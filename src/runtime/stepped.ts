/**
 * A forward pass that gives the event loop back between layers: the same layer applications, in the same
 * order, as tfjs' own executor (so the same numbers as `predict`), but awaitable, so a long pass on a
 * synchronous backend (wasm, cpu) keeps the page responsive, reports progress and can be cancelled.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorData } from './predict';

interface Symbolic {
  name: string;
  inputs: Symbolic[];
  sourceLayer: tf.layers.Layer;
}

export interface SteppedOptions {
  /** Checked whenever the pass yields; an aborted signal ends the pass with `signal.reason` (or an AbortError). */
  signal?: AbortSignal;
  /** Longest stretch of layer work between yields, in ms (default 25). */
  sliceMs?: number;
  /** Layers done out of all, reported when the pass yields and at the end. */
  onProgress?(done: number, total: number): void;
}

/** The layer calls needed for the outputs, inputs first, with how many calls read each tensor. */
function schedule(model: tf.LayersModel): { order: Symbolic[]; readers: Map<string, number> } {
  const order: Symbolic[] = [];
  const readers = new Map<string, number>();
  const seen = new Set<string>();
  const inputs = new Set(model.inputs.map((t) => t.name));
  const visit = (root: Symbolic) => {
    // Iterative post-order, so a long chain of layers cannot overflow the call stack.
    const stack: { node: Symbolic; next: number }[] = [{ node: root, next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const { node } = top;
      if (seen.has(node.name) || inputs.has(node.name)) {
        stack.pop();
        continue;
      }
      if (top.next < node.inputs.length) {
        stack.push({ node: node.inputs[top.next++]!, next: 0 });
        continue;
      }
      stack.pop();
      seen.add(node.name);
      order.push(node);
      for (const input of node.inputs) readers.set(input.name, (readers.get(input.name) ?? 0) + 1);
    }
  };
  for (const output of model.outputs as unknown as Symbolic[]) visit(output);
  return { order, readers };
}

const inBackground = () => typeof document !== 'undefined' && document.hidden;

/** setTimeout lets the page paint; a hidden tab throttles it to a second or more, so use a message there. */
function yieldToEventLoop(): Promise<void> {
  if (!inBackground() || typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function checkAbort(signal?: AbortSignal) {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The pass was cancelled', 'AbortError');
}

/**
 * Runs a single-input model layer by layer and returns its outputs as data (NHWC, one per model output).
 * Every tensor it makes is released before it returns or throws.
 */
export async function predictStepped(model: tf.LayersModel, input: TensorData, options: SteppedOptions = {}): Promise<TensorData[]> {
  if (model.inputs.length !== 1) throw new Error(`a stepped pass feeds one input; the model has ${model.inputs.length}`);
  const { signal, sliceMs = 25, onProgress } = options;
  const { order, readers } = schedule(model);
  const outputNames = new Set(model.outputs.map((t) => t.name));
  const values = new Map<string, tf.Tensor>();
  values.set(model.inputs[0]!.name, tf.tensor(input.data, input.shape, 'float32'));
  try {
    let sliceStart = performance.now();
    for (let i = 0; i < order.length; i++) {
      const node = order[i]!;
      const args = node.inputs.map((t) => values.get(t.name)!);
      // tfjs' executor passes the list; tidy frees whatever the layer makes besides its output.
      values.set(node.name, tf.tidy(() => node.sourceLayer.apply(args) as tf.Tensor));
      for (const t of node.inputs) {
        const left = readers.get(t.name)! - 1;
        readers.set(t.name, left);
        if (left === 0 && !outputNames.has(t.name)) {
          values.get(t.name)?.dispose();
          values.delete(t.name);
        }
      }
      if (performance.now() - sliceStart > sliceMs && i < order.length - 1) {
        onProgress?.(i + 1, order.length);
        await yieldToEventLoop();
        checkAbort(signal);
        sliceStart = performance.now();
      }
    }
    onProgress?.(order.length, order.length);
    return await Promise.all(
      model.outputs.map(async (t) => {
        const value = values.get(t.name)!;
        return { data: (await value.data()) as Float32Array, shape: [...value.shape] };
      }),
    );
  } finally {
    tf.dispose([...values.values()]);
  }
}
