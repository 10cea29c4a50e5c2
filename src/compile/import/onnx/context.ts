import type { NodeProto } from 'onnx-buf';
import type { Params, Shape } from '../../../core/types';
import { attributeValue, type AttributeValue } from '../../onnx/tensors';
import type { TorchTensor } from '../../stateDict';
import type { DocBuilder, Port } from '../docBuilder';
import type { Const } from './constants';

/** What an ONNX tensor name stands for while reading: a real tensor, a folded constant, or a reshape in flight. */
export type Value =
  | { kind: 'real'; port: Port }
  | { kind: 'const'; c: Const }
  /** Reshape/Transpose of a real tensor that only makes sense as part of a chain (a depth-to-space, a transposed softmax): layout.ts. */
  | { kind: 'pending'; port: Port; dims: number[]; perm?: number[] };

/** Thrown by a mapper for a use of a known op that has no equivalent here; reported with the unsupported ops. */
export class Unsupported extends Error {}

/** A value that is one of our tensors. */
export const real = (port: Port): Value => ({ kind: 'real', port });

/** What a mapper sees of one ONNX node. */
export class NodeContext {
  constructor(
    readonly node: NodeProto,
    readonly opset: number,
    private readonly values: Map<string, Value>,
    private readonly builder: DocBuilder,
    /** Shapes of real tensors by ONNX name: the dependency of a folded constant on a tensor is resolved here. */
    readonly realByName: (name: string) => Port | undefined,
  ) {}

  get name(): string {
    return this.node.name || `${this.node.opType}(${this.node.output[0]})`;
  }

  attr(name: string): AttributeValue {
    const a = this.node.attribute.find((x) => x.name === name);
    return a ? attributeValue(a) : undefined;
  }

  attrInts(name: string): number[] | undefined {
    const v = this.attr(name);
    return Array.isArray(v) ? v : undefined;
  }

  attrNumber(name: string, fallback: number): number {
    const v = this.attr(name);
    return typeof v === 'number' ? v : fallback;
  }

  attrString(name: string, fallback: string): string {
    const v = this.attr(name);
    return typeof v === 'string' ? v : fallback;
  }

  value(i: number): Value | undefined {
    const name = this.node.input[i];
    return name ? this.values.get(name) : undefined;
  }

  /** Input i as a real tensor (the data flowing through the network). */
  real(i: number): Port {
    const v = this.value(i);
    if (v?.kind !== 'real') throw new Unsupported(`input ${i} is ${v?.kind === 'const' ? 'a constant' : 'not a plain tensor'}`);
    return v.port;
  }

  /** Input i as a constant (initializer or folded), or undefined when the input is absent. */
  constant(i: number): Const | undefined {
    const v = this.value(i);
    if (v === undefined) return undefined;
    if (v.kind !== 'const') throw new Unsupported(`input ${i} ("${this.node.input[i]}") is computed from the data, not a constant`);
    return v.c;
  }

  ints(i: number): number[] | undefined {
    const c = this.constant(i);
    return c ? Array.from(c.data, Number) : undefined;
  }

  /** A weight in PyTorch layout (ONNX keeps Conv/ConvTranspose weights as OIHW/IOHW, like PyTorch). */
  tensor(i: number): TorchTensor | undefined {
    const c = this.constant(i);
    if (!c) return undefined;
    return { shape: [...c.dims], data: c.data instanceof Float32Array ? c.data : Float32Array.from(c.data) };
  }

  /**
   * A readable, PyTorch-like id: the module path of the node's first weight ("inc.double_conv.0.weight" →
   * "inc.double_conv.0"), else its scope ("/down1/maxpool_conv/maxpool_conv.0/MaxPool" → "down1.maxpool_conv.0"),
   * else the node name.
   */
  id(): string {
    for (const input of this.node.input.slice(1)) {
      const m = /^([A-Za-z_][\w.]*)\.(weight|bias|running_mean|running_var)$/.exec(input);
      if (m) return m[1]!;
    }
    const parts = this.node.name.split('/').filter(Boolean);
    if (parts.length > 1) {
      const scope = parts.slice(0, -1).filter((p, i, all) => !all[i + 1]?.startsWith(`${p}.`));
      return scope.join('.');
    }
    return this.node.name || this.node.opType;
  }

  add(op: string, params: Params, inputs: Port[], weights?: Record<string, TorchTensor>, id = this.id()): Port {
    return this.builder.add(id, op, params, inputs, weights, this.name);
  }

  shapeOf(i: number): Shape {
    return this.real(i).shape;
  }
}
