import type { OpDef } from '../op';
import { concat } from './concat';
import { conv2d } from './conv2d';
import { input } from './input';
import { output } from './output';

/** Every op, in palette order. Adding an op = its file + one line here. */
export const OPS: readonly OpDef[] = [input, conv2d, concat, output];

const byType = new Map(OPS.map((op) => [op.type, op]));

export const getOp = (type: string): OpDef | undefined => byType.get(type);
export const opTypes = (): string[] => OPS.map((op) => op.type);
