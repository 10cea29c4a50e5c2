/**
 * Constant folding for the shape arithmetic torch.onnx.export writes around F.pad, center crops and dynamic
 * sizes (Shape → Gather → Sub → Div → Cast → Unsqueeze → Concat → Pad/Slice/Resize). Each value remembers which
 * real tensors' shapes it was computed from (`deps`), so a Pad computed from the skip's shape can become a
 * pad "like" the skip instead of a number frozen at one input size.
 */
export interface Const {
  dims: number[];
  data: Float32Array | number[];
  /** Integer dtype: Div truncates, Cast to an int type truncates. */
  int: boolean;
  /** Names of the real tensors whose shapes this value was computed from. */
  deps: Set<string>;
}

export const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

export const scalarConst = (v: number, int = true): Const => ({ dims: [], data: [v], int, deps: new Set() });

const strides = (dims: number[]) => {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
};

const union = (...cs: Const[]) => new Set(cs.flatMap((c) => [...c.deps]));
const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function broadcast(a: Const, b: Const, f: (x: number, y: number) => number, int: boolean): Const {
  const rank = Math.max(a.dims.length, b.dims.length);
  const pa = [...new Array(rank - a.dims.length).fill(1), ...a.dims];
  const pb = [...new Array(rank - b.dims.length).fill(1), ...b.dims];
  const dims = pa.map((d, i) => {
    const e = pb[i]!;
    if (d !== e && d !== 1 && e !== 1) throw new Error(`cannot broadcast [${a.dims}] with [${b.dims}]`);
    return Math.max(d, e);
  });
  const sa = strides(pa);
  const sb = strides(pb);
  const so = strides(dims);
  const n = size(dims);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let ia = 0;
    let ib = 0;
    for (let k = 0; k < rank; k++) {
      const idx = Math.floor(i / so[k]!) % dims[k]!;
      if (pa[k] !== 1) ia += idx * sa[k]!;
      if (pb[k] !== 1) ib += idx * sb[k]!;
    }
    out[i] = f(a.data[ia]!, b.data[ib]!);
  }
  return { dims, data: out, int, deps: union(a, b) };
}

function transpose(x: Const, perm: number[]): Const {
  const dims = perm.map((p) => x.dims[p]!);
  const sx = strides(x.dims);
  const so = strides(dims);
  const n = size(dims);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let k = 0; k < dims.length; k++) src += (Math.floor(i / so[k]!) % dims[k]!) * sx[perm[k]!]!;
    out[i] = x.data[src]!;
  }
  return { dims, data: out, int: x.int, deps: x.deps };
}

function slice(x: Const, starts: number[], ends: number[], axes: number[], steps: number[]): Const {
  const rank = x.dims.length;
  const begin = x.dims.map(() => 0);
  const step = x.dims.map(() => 1);
  const count = [...x.dims];
  axes.forEach((a0, i) => {
    const a = normAxis(a0, rank);
    const d = x.dims[a]!;
    const st = steps[i] ?? 1;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let s = starts[i]! < 0 ? starts[i]! + d : starts[i]!;
    let e = ends[i]! < 0 ? ends[i]! + d : ends[i]!;
    if (st > 0) {
      s = clamp(s, 0, d);
      e = clamp(e, 0, d);
      count[a] = Math.max(0, Math.ceil((e - s) / st));
    } else {
      s = clamp(s, 0, d - 1);
      e = clamp(e, -1, d - 1);
      count[a] = Math.max(0, Math.ceil((e - s) / st));
    }
    begin[a] = s;
    step[a] = st;
  });
  const sx = strides(x.dims);
  const so = strides(count);
  const n = size(count);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += (begin[k]! + (Math.floor(i / so[k]!) % count[k]!) * step[k]!) * sx[k]!;
    out[i] = x.data[src]!;
  }
  return { dims: count, data: out, int: x.int, deps: x.deps };
}

function gather(x: Const, idx: Const, axis0: number): Const {
  const axis = normAxis(axis0, x.dims.length);
  const outer = size(x.dims.slice(0, axis));
  const inner = size(x.dims.slice(axis + 1));
  const d = x.dims[axis]!;
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const raw of idx.data) {
      const j = raw < 0 ? raw + d : raw;
      for (let k = 0; k < inner; k++) out.push(x.data[(o * d + j) * inner + k]!);
    }
  return { dims: [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)], data: out, int: x.int, deps: union(x, idx) };
}

function concat(xs: Const[], axis0: number): Const {
  const rank = xs[0]!.dims.length;
  const axis = normAxis(axis0, rank);
  const outer = size(xs[0]!.dims.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const x of xs) {
      const chunk = size(x.dims.slice(axis));
      for (let k = 0; k < chunk; k++) out.push(x.data[o * chunk + k]!);
    }
  const dims = [...xs[0]!.dims];
  dims[axis] = xs.reduce((n, x) => n + x.dims[axis]!, 0);
  return { dims, data: out, int: xs.every((x) => x.int), deps: union(...xs) };
}

/** Resolves ONNX Reshape's target: 0 copies the input dim (unless allowzero), -1 takes the rest. */
export function reshapeDims(from: number[], target: number[], allowZero = false): number[] {
  const dims = target.map((d, i) => (d === 0 && !allowZero ? from[i]! : d));
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return dims.map((d) => (d === -1 ? size(from) / known : d));
}

export type Attrs = (name: string) => unknown;

/** The ops evalConst folds (plus Constant and Shape, which the reader handles itself). */
export const FOLDABLE = new Set([
  'Identity', 'Add', 'Sub', 'Mul', 'Div', 'Mod', 'Min', 'Max', 'Equal', 'Less', 'Greater', 'Not', 'Where', 'Neg', 'Abs',
  'Floor', 'Ceil', 'Sqrt', 'Cast', 'Shape', 'Size', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Reshape', 'Flatten',
  'Transpose', 'Slice', 'ConstantOfShape', 'Range', 'Expand', 'Constant',
]);

const ints = (c: Const | undefined) => (c ? Array.from(c.data, Number) : undefined);
const CAST_INT = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

/**
 * Evaluates one ONNX op on constant inputs; undefined when the op is not one this folder knows (the caller
 * then reports it). `opset` picks between attribute and input forms (Unsqueeze, Squeeze, Slice).
 */
export function evalConst(op: string, inputs: (Const | undefined)[], attr: Attrs, opset: number): Const | undefined {
  const [a, b] = inputs;
  const num = (x: number, int: boolean) => (int ? Math.trunc(x) : x);
  const arith = (f: (x: number, y: number) => number) => {
    const int = a!.int && b!.int;
    return broadcast(a!, b!, (x, y) => num(f(x, y), int), int);
  };
  const unary = (f: (x: number) => number, int = a!.int): Const => ({ ...a!, data: Array.from(a!.data, f), int });
  switch (op) {
    case 'Identity':
      return a;
    case 'Add':
      return arith((x, y) => x + y);
    case 'Sub':
      return arith((x, y) => x - y);
    case 'Mul':
      return arith((x, y) => x * y);
    case 'Div':
      return arith((x, y) => x / y);
    case 'Mod':
      return arith((x, y) => x - y * Math.floor(x / y));
    case 'Min':
      return inputs.reduce((x, y) => broadcast(x!, y!, Math.min, x!.int && y!.int));
    case 'Max':
      return inputs.reduce((x, y) => broadcast(x!, y!, Math.max, x!.int && y!.int));
    case 'Equal':
      return broadcast(a!, b!, (x, y) => Number(x === y), true);
    case 'Less':
      return broadcast(a!, b!, (x, y) => Number(x < y), true);
    case 'Greater':
      return broadcast(a!, b!, (x, y) => Number(x > y), true);
    case 'Not':
      return unary((x) => Number(!x), true);
    case 'Where': {
      const c = inputs[2]!;
      const picked = broadcast(a!, broadcast(b!, c, (x) => x, b!.int), (cond) => cond, true);
      const yes = broadcast(picked, b!, (_, y) => y, b!.int);
      const no = broadcast(picked, c, (_, z) => z, c.int);
      return { ...yes, data: Array.from(picked.data, (cond, i) => (cond ? yes.data[i]! : no.data[i]!)), deps: union(a!, b!, c) };
    }
    case 'Neg':
      return unary((x) => -x);
    case 'Abs':
      return unary(Math.abs);
    case 'Floor':
      return unary(Math.floor);
    case 'Ceil':
      return unary(Math.ceil);
    case 'Sqrt':
      return unary(Math.sqrt, false);
    case 'Cast': {
      const int = CAST_INT.has(Number(attr('to')));
      return unary((x) => (int ? Math.trunc(x) : x), int);
    }
    case 'Shape': {
      const start = Number(attr('start') ?? 0);
      const end = attr('end') === undefined ? a!.dims.length : Number(attr('end'));
      const dims = a!.dims.slice(start < 0 ? start + a!.dims.length : start, end < 0 ? end + a!.dims.length : end);
      return { dims: [dims.length], data: dims, int: true, deps: a!.deps };
    }
    case 'Size':
      return scalarConst(size(a!.dims));
    case 'Gather':
      return gather(a!, b!, Number(attr('axis') ?? 0));
    case 'Unsqueeze': {
      const axes = opset >= 13 ? ints(b)! : (attr('axes') as number[]);
      const rank = a!.dims.length + axes.length;
      const dims = [...a!.dims];
      for (const ax of axes.map((x) => normAxis(x, rank)).sort((x, y) => x - y)) dims.splice(ax, 0, 1);
      return { ...a!, dims };
    }
    case 'Squeeze': {
      const given = opset >= 13 ? ints(b) : (attr('axes') as number[] | undefined);
      const axes = (given ?? a!.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((x) => normAxis(x, a!.dims.length));
      return { ...a!, dims: a!.dims.filter((_, i) => !axes.includes(i)) };
    }
    case 'Concat':
      return concat(inputs as Const[], Number(attr('axis')));
    case 'Reshape':
      return { ...a!, dims: reshapeDims(a!.dims, ints(b)!, Number(attr('allowzero') ?? 0) === 1), deps: union(a!, b!) };
    case 'Flatten': {
      const axis = normAxis(Number(attr('axis') ?? 1), a!.dims.length);
      return { ...a!, dims: [size(a!.dims.slice(0, axis)), size(a!.dims.slice(axis))] };
    }
    case 'Transpose':
      return transpose(a!, (attr('perm') as number[] | undefined) ?? a!.dims.map((_, i) => a!.dims.length - 1 - i));
    case 'Slice': {
      if (opset < 10) return slice(a!, attr('starts') as number[], attr('ends') as number[], (attr('axes') as number[]) ?? (attr('starts') as number[]).map((_, i) => i), []);
      const starts = ints(inputs[1])!;
      const axes = ints(inputs[3]) ?? starts.map((_, i) => i);
      const out = slice(a!, starts, ints(inputs[2])!, axes, ints(inputs[4]) ?? []);
      return { ...out, deps: union(...(inputs.filter(Boolean) as Const[])) };
    }
    case 'ConstantOfShape': {
      const dims = ints(a)!;
      const value = attr('value') as Const | undefined;
      return { dims, data: new Array<number>(size(dims)).fill(value ? value.data[0]! : 0), int: value ? value.int : false, deps: a!.deps };
    }
    case 'Range': {
      const [start, limit, delta] = inputs.map((c) => c!.data[0]!) as [number, number, number];
      const data: number[] = [];
      for (let v = start; delta > 0 ? v < limit : v > limit; v += delta) data.push(v);
      return { dims: [data.length], data, int: a!.int, deps: union(...(inputs as Const[])) };
    }
    case 'Expand': {
      const ones: Const = { dims: ints(b)!, data: new Array<number>(size(ints(b)!)).fill(0), int: a!.int, deps: b!.deps };
      return broadcast(a!, ones, (x) => x, a!.int);
    }
    default:
      return undefined;
  }
}
