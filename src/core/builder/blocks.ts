import type { Params } from '../types';
import { unetIds } from './ids';
import type { UNetOptions } from './options';
import type { GraphWriter, Slot } from './writer';

/** conv2d params, complete enough to read without the op's defaults. */
function conv(filters: number, kernel: number, padding: string | number, bias: boolean, activation: string, o: UNetOptions, stride = 1): Params {
  return {
    filters,
    kernel,
    stride,
    padding,
    bias,
    activation,
    ...(activation === 'leakyRelu' ? { alpha: o.alpha } : {}),
  };
}

const activationParams = (o: UNetOptions): Params =>
  o.activation === 'leakyRelu' ? { activation: 'leakyRelu', alpha: o.alpha } : { activation: o.activation };

const batchNormParams: Params = { epsilon: 1e-5, momentum: 0.1 };

/**
 * A 3×3 conv → [BN] → [dropout] → activation, in the references' order; the activation is fused into the
 * conv when nothing sits between them.
 */
function convUnit(w: GraphWriter, prefix: string, j: number, x: string, filters: number, o: UNetOptions, slot: Slot): string {
  const rate = o.dropout[j - 1]!;
  const separate = o.norm === 'batch' || rate > 0;
  x = w.add(`${prefix}_conv${j}`, 'conv2d', conv(filters, 3, o.padding, o.bias, separate ? 'none' : o.activation, o), slot, [x]);
  if (o.norm === 'batch') x = w.add(`${prefix}_bn${j}`, 'batchNorm', { ...batchNormParams }, slot, [x]);
  if (rate > 0) x = w.add(`${prefix}_drop${j}`, 'dropout', { rate }, slot, [x]);
  if (separate) x = w.add(`${prefix}_act${j}`, 'activation', activationParams(o), slot, [x]);
  return x;
}

/** The double conv of one level: input → mid → out channels. Returns the id of its last node. */
export function doubleConv(w: GraphWriter, prefix: string, x: string, mid: number, out: number, o: UNetOptions, slot: Slot): string {
  return convUnit(w, prefix, 2, convUnit(w, prefix, 1, x, mid, o, slot), out, o, slot);
}

/**
 * The block of one level (`prefix` = enc{i} / dec{i}): a double conv, or a ResUNet residual unit — the input
 * unit at encoder level 0, pre-activated elsewhere, striding by 2 when it is the down step ('strided-block').
 */
export function levelBlock(w: GraphWriter, prefix: string, x: string, mid: number, out: number, o: UNetOptions, slot: Slot): string {
  if (o.block === 'double-conv') return doubleConv(w, prefix, x, mid, out, o, slot);
  const first = prefix === unetIds.block('enc', 0);
  const strided = prefix.startsWith('enc') && !first && o.down === 'strided-block';
  const params = { filters: out, kernel: 3, stride: strided ? 2 : 1, preActivation: !first, shortcut: 'conv' };
  return w.add(`${prefix}_res`, 'residualBlock', params, slot, [x]);
}

/** The down step after encoder level `level` (width `channels`). */
export function downStep(w: GraphWriter, level: number, x: string, channels: number, o: UNetOptions): string {
  const slot: Slot = { region: 'encoder', level, stage: 'down' };
  const id = unetIds.down(level);
  // The next level's residual unit strides itself.
  if (o.down === 'strided-block') return x;
  if (o.down === 'strided-conv')
    // PyTorch Conv2d(c, c, 3, stride 2, padding 1): explicit padding keeps the numbers identical to the reference.
    return w.add(id, 'conv2d', conv(channels, 3, 1, o.bias, o.activation, o, 2), slot, [x]);
  return w.add(id, 'maxPool2d', { size: 2, stride: 2, padding: o.down === 'maxpool-same' ? 'same' : 'valid' }, slot, [x]);
}

/** The up step into decoder level `level`: `inChannels` → `outChannels`. */
export function upStep(w: GraphWriter, level: number, x: string, outChannels: number, o: UNetOptions): string {
  const slot: Slot = { region: 'decoder', level, stage: 'up' };
  const id = unetIds.up(level);
  switch (o.upMode) {
    case 'transposed':
      return w.add(id, 'conv2dTranspose', { filters: outChannels, kernel: 2, stride: 2, padding: 'valid', bias: o.upBias, activation: 'none' }, slot, [x]);
    case 'bilinear':
      return w.add(id, 'upsample', { factor: 2, mode: 'bilinear', alignCorners: o.alignCorners }, slot, [x]);
    case 'nearest':
      return w.add(id, 'upsample', { factor: 2, mode: 'nearest' }, slot, [x]);
    case 'nearest-conv': {
      x = w.add(id, 'upsample', { factor: 2, mode: 'nearest' }, slot, [x]);
      const separate = o.upNormAct && o.norm === 'batch';
      const act = o.upNormAct && !separate ? o.activation : 'none';
      x = w.add(`${id}_conv`, 'conv2d', conv(outChannels, o.upConvKernel, 'same', o.upBias, act, o), slot, [x]);
      if (!separate) return x;
      x = w.add(`${id}_bn`, 'batchNorm', { ...batchNormParams }, slot, [x]);
      return w.add(`${id}_act`, 'activation', activationParams(o), slot, [x]);
    }
  }
}

/**
 * Joins the skip (`skipChannels` wide) and the up-sampled tensor at decoder level `level`: crop the skip to
 * the decoder tensor, or pad the decoder tensor to the skip (both 'like', port 1 wired from the other tensor),
 * gate the skip with the up-sampled tensor (Attention U-Net, F_int = half the skip's channels), then concat in
 * the variant's channel order. Returns the concat's id.
 */
export function join(w: GraphWriter, level: number, skip: string, up: string, skipChannels: number, o: UNetOptions): string {
  if (o.concatMode === 'crop') skip = w.add(unetIds.crop(level), 'crop', { mode: 'like' }, { region: 'skip', level }, [skip, up]);
  if (o.concatMode === 'pad')
    up = w.add(unetIds.pad(level), 'pad', { mode: 'like', fill: 'zero' }, { region: 'decoder', level, stage: 'up' }, [up, skip]);
  if (o.skipGate === 'attention')
    skip = w.add(unetIds.gate(level), 'attentionGate', { filters: Math.max(1, Math.floor(skipChannels / 2)), norm: true }, { region: 'skip', level }, [skip, up]);
  const sources = o.skipOrder === 'skip-first' ? [skip, up] : [up, skip];
  return w.add(unetIds.cat(level), 'concat', {}, { region: 'decoder', level, stage: 'join' }, sources);
}

/** Final conv (activation fused), the optional depth-to-space, and the output node. */
export function head(w: GraphWriter, x: string, o: UNetOptions): string {
  const slot: Slot = { region: 'head' };
  const { kernel, classes, activation, bias } = o.head;
  const r = o.depthToSpace;
  // A 1×1 conv needs no padding; wider heads keep the size like the body's convs.
  const padding = kernel === 1 ? 'valid' : o.padding;
  x = w.add(unetIds.head, 'conv2d', { filters: classes * r * r, kernel, stride: 1, padding, bias, activation }, slot, [x]);
  if (r > 1) x = w.add(unetIds.depthToSpace, 'depthToSpace', { blockSize: r }, slot, [x]);
  return w.add(unetIds.output, 'output', { view: 'auto' }, slot, [x]);
}
