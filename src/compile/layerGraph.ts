import * as tf from '@tensorflow/tfjs';
import type { LayerInput, LayerSpec } from '../core/op';

type Sym = tf.SymbolicTensor;

/**
 * The tfjs class registered under `className` (built-in or ours; Conv2DTranspose resolves to the fast
 * PatchConv2DTranspose once registerCustomLayers ran), instantiated from its config.
 */
export function instantiate(spec: Pick<LayerSpec, 'className' | 'config'>): tf.layers.Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
  if (!entry) throw new Error(`no tfjs layer class "${spec.className}" is registered`);
  const [cls, fromConfig] = entry;
  // tfjs constructors may keep or normalise the config in place; give each layer its own copy.
  return fromConfig(cls, structuredClone(spec.config) as tf.serialization.ConfigDict) as tf.layers.Layer;
}

/** A resolved layer input: one of the node's ports, or the output of an earlier layer (by index). */
export type LayerRef = { port: number } | { layer: number };

/**
 * Where each layer of an op's layer graph reads from, checked: ports that exist, keys of earlier layers, keys
 * unique. A layer reads its `inputs` (a number is a port, a string an earlier layer's key); without them the
 * first layer reads every port and each later one the layer before it.
 */
export function layerInputs(specs: readonly LayerSpec[], ports: number): LayerRef[][] {
  const keys = new Map<string, number>();
  return specs.map((spec, k) => {
    const given: LayerInput[] | undefined = spec.inputs;
    const refs: LayerRef[] = given
      ? given.map((ref) => {
          if (typeof ref === 'number') {
            if (!(Number.isInteger(ref) && ref >= 0 && ref < ports))
              throw new Error(`layer ${describe(spec, k)} asks for input port ${ref}, which the node does not have`);
            return { port: ref };
          }
          const layer = keys.get(ref);
          if (layer === undefined) throw new Error(`layer ${describe(spec, k)} reads layer "${ref}", which is not an earlier layer of the op`);
          return { layer };
        })
      : k === 0
        ? Array.from({ length: ports }, (_, i) => ({ port: i }))
        : [{ layer: k - 1 }];
    if (spec.key !== undefined) {
      if (keys.has(spec.key)) throw new Error(`two layers of the op have the key "${spec.key}"`);
      keys.set(spec.key, k);
    }
    return refs;
  });
}

const describe = (spec: LayerSpec, k: number) => (spec.key ? `"${spec.key}"` : `${k} (${spec.className})`);

/**
 * Applies an op's layer graph to its symbolic input tensors. Returns the last layer's output and
 * every layer built, in order.
 */
export function applyLayerGraph(
  specs: readonly LayerSpec[],
  ports: readonly Sym[],
  make: (spec: LayerSpec, k: number) => tf.layers.Layer = (spec) => instantiate(spec),
): { output: Sym; layers: tf.layers.Layer[] } {
  if (specs.length === 0) throw new Error('an op with no layers has no output');
  const plan = layerInputs(specs, ports.length);
  const outputs: Sym[] = [];
  const layers: tf.layers.Layer[] = [];
  specs.forEach((spec, k) => {
    const args = plan[k]!.map((ref) => ('port' in ref ? ports[ref.port]! : outputs[ref.layer]!));
    const layer = make(spec, k);
    layers.push(layer);
    outputs.push(layer.apply(args.length === 1 ? args[0]! : args) as Sym);
  });
  return { output: outputs.at(-1)!, layers };
}
