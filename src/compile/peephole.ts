import type { LayerSpec } from '../core/op';

/** Layers whose config takes an `activation`, applied to their output. */
const TAKES_ACTIVATION = new Set(['Conv2D', 'Conv2DTranspose', 'Dense']);

/** The activation identifier a standalone layer amounts to, when a conv could apply it itself. */
function asActivation(spec: LayerSpec): string | undefined {
  if (spec.className === 'Activation' && typeof spec.config.activation === 'string') return spec.config.activation;
  // tfjs' 'elu' activation is ELU with alpha 1.
  if (spec.className === 'ELU' && (spec.config.alpha ?? 1) === 1) return 'elu';
  return undefined;
}

/** Whether layer `k` reads exactly the layer before it (implicitly, or by its key). */
function readsPrevious(specs: readonly LayerSpec[], k: number, prev: LayerSpec): boolean {
  const inputs = specs[k]!.inputs;
  if (!inputs) return k > 0;
  return inputs.length === 1 && prev.key !== undefined && inputs[0] === prev.key;
}

/**
 * Merges an activation layer into the conv it reads, within one op's layer graph (conv → relu becomes one
 * Conv2D with activation relu; conv → LeakyReLU one LeakyConv2D). Same numbers, one layer and one pass fewer;
 * tfjs runs conv + bias + relu/elu/leaky ReLU as a single fused kernel. Only when the activation reads the
 * layer right before it and nothing else reads that conv's raw output; the merged layer keeps the conv's key
 * (weights refer to it) and later layers that named the activation's key read the merged layer. LeakyConv2D is
 * our own class, so a saved model that contains it loads only where it is registered: it is used only when
 * `customLayers` allows it (inference compiles), and a plain compile — the one exported as tfjs artifacts —
 * stays loadable by stock tfjs.
 */
export function fuseActivations(specs: LayerSpec[], { customLayers = false } = {}): LayerSpec[] {
  const out: LayerSpec[] = [];
  const alias = new Map<string, string>();
  specs.forEach((original, k) => {
    const spec = original.inputs ? { ...original, inputs: original.inputs.map((r) => (typeof r === 'string' ? (alias.get(r) ?? r) : r)) } : original;
    // When the layer before was not merged away itself (then it is no longer linear), `prev` stands for it.
    const prev = out.at(-1);
    const prevLinear = (prev?.config.activation ?? 'linear') === 'linear';
    const rawNeeded = prev?.key !== undefined && specs.slice(k + 1).some((s) => s.inputs?.includes(prev.key!));
    const mergeable = prev !== undefined && prevLinear && !rawNeeded && readsPrevious(specs, k, specs[k - 1]!);
    let merged: LayerSpec | undefined;
    if (mergeable) {
      const activation = asActivation(spec);
      if (activation && TAKES_ACTIVATION.has(prev.className)) merged = { ...prev, config: { ...prev.config, activation } };
      else if (customLayers && spec.className === 'LeakyReLU' && prev.className === 'Conv2D')
        merged = { ...prev, className: 'LeakyConv2D', config: { ...prev.config, alpha: spec.config.alpha ?? 0.3 } };
    }
    if (!merged) {
      out.push(spec);
      return;
    }
    const key = prev!.key ?? spec.key;
    if (spec.key !== undefined && key !== undefined && key !== spec.key) alias.set(spec.key, key);
    out[out.length - 1] = key === undefined ? merged : { ...merged, key };
  });
  return out;
}
