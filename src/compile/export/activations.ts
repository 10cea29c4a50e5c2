import type { Shape } from '../../core/types';
import { ExportError } from './errors';
import type { OnnxContext } from './types';

/** A number as a Python / readable literal (tfjs stores 0.2 as a double, so String() is exact enough). */
export const num = (n: number): string => (Number.isFinite(n) ? String(n) : n > 0 ? "float('inf')" : "float('-inf')");

/** tfjs activation identifiers (as getConfig() writes them) in PyTorch, applied to `x`. */
export function torchActivation(name: string, x: string, nodeId: string, alpha?: number): string {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return `F.relu(${x})`;
    case 'relu6':
      return `F.relu6(${x})`;
    case 'sigmoid':
      return `torch.sigmoid(${x})`;
    case 'tanh':
      return `torch.tanh(${x})`;
    case 'softmax':
      return `F.softmax(${x}, dim=1)`;
    case 'elu':
      return alpha === undefined || alpha === 1 ? `F.elu(${x})` : `F.elu(${x}, alpha=${num(alpha)})`;
    case 'gelu':
      return `F.gelu(${x})`;
    case 'swish':
      return `F.silu(${x})`;
    case 'leakyrelu':
      return `F.leaky_relu(${x}, ${num(alpha ?? 0.3)})`;
  }
  throw new ExportError(nodeId, `activation "${name}" has no PyTorch export`);
}

/** The same in ONNX: writes `out` from `x`. */
export function onnxActivation(ctx: OnnxContext, name: string, x: string, out: string, shape: Shape, alpha?: number): void {
  switch (name) {
    case 'linear':
      return ctx.node('Identity', [x], [out]);
    case 'relu':
      return ctx.node('Relu', [x], [out]);
    case 'relu6':
      return ctx.node('Clip', [x, ctx.floats('min', [0]), ctx.floats('max', [6])], [out]);
    case 'sigmoid':
      return ctx.node('Sigmoid', [x], [out]);
    case 'tanh':
      return ctx.node('Tanh', [x], [out]);
    case 'softmax':
      return ctx.node('Softmax', [x], [out], { axis: 1 });
    case 'elu':
      return ctx.node('Elu', [x], [out], { alpha: { f: alpha ?? 1 } });
    case 'leakyrelu':
      return ctx.node('LeakyRelu', [x], [out], { alpha: { f: alpha ?? 0.3 } });
    case 'swish': {
      const s = ctx.temp('sigmoid', shape);
      ctx.node('Sigmoid', [x], [s]);
      return ctx.node('Mul', [x, s], [out]);
    }
    case 'gelu': {
      // Gelu is an ONNX op only from opset 20: 0.5·x·(1 + erf(x/√2)), as tfjs computes it.
      const scaled = ctx.temp('gelu_div', shape);
      const erf = ctx.temp('gelu_erf', shape);
      const plus = ctx.temp('gelu_add', shape);
      const half = ctx.temp('gelu_mul', shape);
      ctx.node('Div', [x, ctx.floats('sqrt2', [Math.SQRT2])], [scaled]);
      ctx.node('Erf', [scaled], [erf]);
      ctx.node('Add', [erf, ctx.floats('one', [1])], [plus]);
      ctx.node('Mul', [x, plus], [half]);
      return ctx.node('Mul', [half, ctx.floats('half', [0.5])], [out]);
    }
  }
  throw new ExportError(ctx.layer.nodeId, `activation "${name}" has no ONNX export`);
}
