import { reshapeDims } from './constants';
import { type NodeContext, real, Unsupported, type Value } from './context';

/**
 * ONNX ops that only move axes around — Transpose, Reshape and a Softmax over a transposed axis — read as our ops when
 * a chain of them amounts to one (a channel softmax, a depth-to-space), with the value kept "pending" in between.
 */

const NCHW = ['N', 'C', 'H', 'W'];

/**
 * Softmax over channels, the only softmax we have. From opset 13 `axis` is one axis; before, Softmax flattens
 * every axis from `axis` on into one, so axis 1 of N×C×H×W runs over C·H·W together — not the same. PyTorch
 * therefore exports F.softmax(x, dim=1) at opset < 13 as Transpose (C last) → Softmax(axis 3) → Transpose back,
 * which is exactly a channel softmax and is read as one (the transposes only rename axes).
 */
export function softmax(c: NodeContext): Value {
  const v = c.value(0);
  const rank = 4;
  const raw = c.attrNumber('axis', c.opset >= 13 ? -1 : 1);
  const axis = raw < 0 ? raw + rank : raw;
  // Which NCHW axes the softmax runs over, in the layout the value is in.
  if (!v || v.kind === 'const') throw new Unsupported('softmax of a constant');
  const layout = v.kind === 'real' ? [0, 1, 2, 3] : v.perm && v.dims.length === rank ? v.perm : undefined;
  if (!layout || axis < 0 || axis >= rank) throw new Unsupported(`axis ${raw} of a ${layout ? '4-D' : 'reshaped'} tensor`);
  const over = c.opset >= 13 ? [layout[axis]!] : layout.slice(axis);
  if (over.length !== 1 || over[0] !== 1) {
    const names = over.map((a) => NCHW[a]).join('·');
    const why = c.opset < 13 && over.length > 1 ? ` (before opset 13 Softmax flattens every axis from axis ${raw} on)` : '';
    throw new Unsupported(`axis ${raw} at opset ${c.opset} is a softmax over ${names}${why}; ours runs over channels (C) per pixel`);
  }
  const port = c.add('activation', { activation: 'softmax' }, [v.port]);
  return v.kind === 'real' ? real(port) : { ...v, port };
}

/**
 * TensorFlow's depth_to_space written in PyTorch (as the slim seed does) exports as
 * Reshape [N, r, r, C, H, W] → Transpose [0, 3, 4, 1, 5, 2] → Reshape [N, C, H·r, W·r]: that chain is one
 * depthToSpace. PyTorch's pixel_shuffle chain ([N, C, r, r, H, W], [0, 1, 4, 2, 5, 3]) is not our channel order.
 */
export function reshape(c: NodeContext): Value {
  const v = c.value(0);
  const target = c.ints(1);
  if (!v || v.kind === 'const' || !target) throw new Unsupported('reshape of a tensor to a computed shape');
  if (v.kind === 'pending' && v.dims.length !== 6) throw new Unsupported('reshape of a transposed tensor (only the reshapes of a depth-to-space are ops here)');
  const from = v.kind === 'real' ? [1, v.port.shape.c, v.port.shape.h, v.port.shape.w] : v.perm!.map((p) => v.dims[p]!);
  const dims = reshapeDims(from, target, c.attrNumber('allowzero', 0) === 1);
  if (v.kind === 'real') {
    if (dims.length === 4 && dims.every((d, i) => d === from[i])) return v;
    if (dims.length === 6) return { kind: 'pending', port: v.port, dims };
    throw new Unsupported(`to [${dims.join(', ')}] (only the reshapes of a depth-to-space are ops here)`);
  }
  const [n, r1, r2, ch, h, w] = v.dims as [number, number, number, number, number, number];
  const perm = v.perm?.join(',');
  const { shape } = v.port;
  if (perm === '0,3,4,1,5,2' && r1 === r2 && ch * r1 * r2 === shape.c && h === shape.h && w === shape.w && dims.join(',') === [n, ch, h * r1, w * r2].join(','))
    return real(c.add('depthToSpace', { blockSize: r1 }, [v.port]));
  if (perm === '0,1,4,2,5,3') throw new Unsupported('PyTorch pixel_shuffle order (ours is TensorFlow\'s depth_to_space order)');
  throw new Unsupported(`reshape/transpose chain [${v.dims.join(', ')}] → perm [${perm}] → [${dims.join(', ')}]`);
}

/**
 * A Transpose of a real tensor is a layout change in flight: the value keeps its NCHW port and the permutation
 * (`perm[i]` = the NCHW axis at position i), for a Softmax over the last axis and the Transpose back, which
 * composes to the identity and gives the tensor back. A Transpose of a 6-D reshape is part of a depth-to-space.
 */
export function transpose(c: NodeContext): Value {
  const v = c.value(0);
  const perm = c.attrInts('perm');
  if (!perm || !v || v.kind === 'const') throw new Unsupported('transposes a tensor (NCHW is kept throughout)');
  const identity = (p: number[]) => p.every((a, i) => a === i);
  if (v.kind === 'real' || (v.perm && v.dims.length === 4)) {
    if (perm.length !== 4) throw new Unsupported(`perm [${perm.join(', ')}] of a 4-D tensor`);
    const composed = v.kind === 'real' ? perm : perm.map((p) => v.perm![p]!);
    if (identity(composed)) return real(v.port);
    const dims = [1, v.port.shape.c, v.port.shape.h, v.port.shape.w];
    return { kind: 'pending', port: v.port, dims, perm: composed };
  }
  if (v.perm) throw new Unsupported('transposes a tensor (NCHW is kept throughout)');
  return { ...v, perm };
}
