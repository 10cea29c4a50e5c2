import type { OpDef } from '../op';
import { activation } from './activation';
import { add } from './add';
import { attentionGate } from './attentionGate';
import { avgPool2d } from './avgPool2d';
import { batchNorm } from './batchNorm';
import { concat } from './concat';
import { conv2d } from './conv2d';
import { conv2dTranspose } from './conv2dTranspose';
import { crop } from './crop';
import { depthToSpace } from './depthToSpace';
import { dropout } from './dropout';
import { input } from './input';
import { maxPool2d } from './maxPool2d';
import { multiply } from './multiply';
import { output } from './output';
import { pad } from './pad';
import { residualBlock } from './residualBlock';
import { scaleShift } from './scaleShift';
import { upsample } from './upsample';

/** Every op, in palette order. Adding an op = its file + one line here. */
export const OPS: readonly OpDef[] = [
  input,
  conv2d,
  conv2dTranspose,
  residualBlock,
  maxPool2d,
  avgPool2d,
  upsample,
  concat,
  crop,
  pad,
  add,
  multiply,
  attentionGate,
  batchNorm,
  scaleShift,
  activation,
  dropout,
  depthToSpace,
  output,
];

const byType = new Map(OPS.map((op) => [op.type, op]));

export const getOp = (type: string): OpDef | undefined => byType.get(type);
export const opTypes = (): string[] => OPS.map((op) => op.type);
