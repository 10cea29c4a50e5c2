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

/**
 * Merges an activation layer into the conv before it in one op's chain (conv → relu becomes one Conv2D with
 * activation relu; conv → LeakyReLU one LeakyConv2D). Same numbers, one layer and one pass fewer; tfjs runs
 * conv + bias + relu/elu/leaky ReLU as a single fused kernel. Layers the chain's `inputs` or weights refer to
 * keep their indices (only later layers go). LeakyConv2D is our own class, so a saved model that contains it
 * loads only where it is registered: it is used only when `customLayers` allows it (inference compiles), and a
 * plain compile — the one exported as tfjs artifacts — stays loadable by stock tfjs.
 */
export function fuseActivations(specs: LayerSpec[], { customLayers = false } = {}): LayerSpec[] {
  const out: LayerSpec[] = [];
  for (const spec of specs) {
    const prev = out.at(-1);
    const activation = asActivation(spec);
    const prevActivation = prev?.config.activation ?? 'linear';
    if (prev && activation && TAKES_ACTIVATION.has(prev.className) && prevActivation === 'linear') {
      out[out.length - 1] = { ...prev, config: { ...prev.config, activation } };
      continue;
    }
    if (customLayers && prev && spec.className === 'LeakyReLU' && prev.className === 'Conv2D' && prevActivation === 'linear') {
      out[out.length - 1] = { className: 'LeakyConv2D', config: { ...prev.config, alpha: spec.config.alpha ?? 0.3 } };
      continue;
    }
    out.push(spec);
  }
  return out;
}
