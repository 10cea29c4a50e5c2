import { describe, expect, it } from 'vitest';
import { FORMAT_LIMITS, parseGraph, serializeGraph, type ParseResult } from '../../src/core/format';
import { inferShapes } from '../../src/core/infer';
import { OPS, getOp, opTypes } from '../../src/core/ops';
import type { GraphDoc } from '../../src/core/types';
import { rng as mulberry32 } from '../../scripts/make-samples';
import { chainDoc, unetDoc } from './format-docs';

type Rng = () => number;
type Json = any;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T,>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const NASTY_STRINGS = ['', 'NaN', 'Infinity', '-1', '1e999', '0x10', 'same', 'valid', 'relu', 'true', '__proto__', 'constructor', '\u0000', '💥', 'x'.repeat(300)];
const NASTY_NUMBERS = [0, -0, -1, -2, 1.5, 2 ** 31, 2 ** 53, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300, 65537, 17, 33, 1e21];

function randomValue(rng: Rng, depth = 0): Json {
  switch (int(rng, 0, 8)) {
    case 0:
      return pick(rng, NASTY_NUMBERS);
    case 1:
      return int(rng, -5, 70);
    case 2:
      return pick(rng, NASTY_STRINGS);
    case 3:
      return rng() < 0.5;
    case 4:
      return null;
    case 5:
      return depth < 3 ? [randomValue(rng, depth + 1), randomValue(rng, depth + 1)] : [];
    case 6:
      return depth < 3 ? { x: randomValue(rng, depth + 1), y: randomValue(rng, depth + 1) } : {};
    case 7:
      return pick(rng, [...opTypes(), 'conv3d', 'Conv2D', '']);
    default:
      return pick(rng, [NaN, Infinity, -Infinity, undefined]);
  }
}

function nested(depth: number): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { n: v };
  return v;
}

/** A random container inside the document (the doc, a node, a node's params or position, an edge). */
function randomObject(rng: Rng, doc: Json): Json {
  const nodes: Json[] = Array.isArray(doc.nodes) ? doc.nodes.filter((n: Json) => n && typeof n === 'object') : [];
  const edges: Json[] = Array.isArray(doc.edges) ? doc.edges.filter((e: Json) => e && typeof e === 'object') : [];
  const choices: Json[] = [doc, ...nodes.slice(0, 3), ...edges.slice(0, 3)];
  const n = nodes.length ? pick(rng, nodes) : undefined;
  if (n?.params && typeof n.params === 'object') choices.push(n.params, n.params);
  if (n?.position && typeof n.position === 'object') choices.push(n.position);
  return pick(rng, choices);
}

const nodeIds = (doc: Json): Json[] => (Array.isArray(doc.nodes) ? doc.nodes.map((n: Json) => n?.id) : ['x']);

/** Mutations of a document held as plain data. Each returns the (possibly replaced) document. */
const MUTATIONS: Record<string, (rng: Rng, doc: Json) => Json> = {
  deleteField: (rng, doc) => {
    const obj = randomObject(rng, doc);
    const keys = Object.keys(obj);
    if (keys.length) delete obj[pick(rng, keys)];
    return doc;
  },
  retypeField: (rng, doc) => {
    const obj = randomObject(rng, doc);
    const keys = Object.keys(obj);
    if (keys.length) obj[pick(rng, keys)] = randomValue(rng);
    return doc;
  },
  randomParam: (rng, doc) => {
    const n = Array.isArray(doc.nodes) ? pick(rng, doc.nodes) as Json : undefined;
    if (!n || typeof n !== 'object' || !n.params || typeof n.params !== 'object') return doc;
    const known = Object.keys(getOp(n.op)?.params ?? {});
    const key = known.length && rng() < 0.85 ? pick(rng, known) : pick(rng, ['kernal', 'axis', 'filters', 'size', 'mode']);
    n.params[key] = rng() < 0.5 ? int(rng, -3, 80) : randomValue(rng);
    return doc;
  },
  validParamChange: (rng, doc) => {
    // values in range: these documents parse and exercise inference (mismatched concats, windows too big, …)
    const n = Array.isArray(doc.nodes) ? pick(rng, doc.nodes) as Json : undefined;
    const op = n ? getOp(n.op) : undefined;
    if (!op || !n.params || typeof n.params !== 'object') return doc;
    const entries = Object.entries(op.params);
    if (!entries.length) return doc;
    const [key, spec] = pick(rng, entries);
    if (spec.type === 'int') n.params[key] = int(rng, spec.min ?? 0, Math.min(spec.max ?? 9, 9));
    else if (spec.type === 'choice') n.params[key] = pick(rng, spec.choices);
    else if (spec.type === 'bool') n.params[key] = rng() < 0.5;
    else if (spec.type === 'padding') n.params[key] = pick(rng, ['valid', 'same', 0, 1, 2, 5]);
    else n.params[key] = rng();
    return doc;
  },
  duplicateNode: (rng, doc) => {
    if (Array.isArray(doc.nodes) && doc.nodes.length) doc.nodes.push(structuredClone(pick(rng, doc.nodes)));
    return doc;
  },
  duplicateEdge: (rng, doc) => {
    if (Array.isArray(doc.edges) && doc.edges.length) {
      const copy: Json = structuredClone(pick<Json>(rng, doc.edges));
      if (copy && typeof copy === 'object' && rng() < 0.5) copy.id = `dup${int(rng, 0, 99)}`;
      doc.edges.push(copy);
    }
    return doc;
  },
  randomEdge: (rng, doc) => {
    if (!Array.isArray(doc.edges)) return doc;
    const ids = nodeIds(doc);
    doc.edges.push({ id: `r${int(rng, 0, 999)}`, source: pick(rng, [...ids, 'ghost']), target: pick(rng, [...ids, 'ghost']), targetPort: int(rng, -1, 4) });
    return doc;
  },
  cycle: (rng, doc) => {
    // rewire an edge to come from a node downstream of (or equal to) its target
    if (!Array.isArray(doc.edges) || !doc.edges.length) return doc;
    const e = pick(rng, doc.edges) as Json;
    if (!e || typeof e !== 'object') return doc;
    const downstream = (doc.edges as Json[]).filter((x) => x?.source === e.target).map((x) => x.target);
    e.source = downstream.length && rng() < 0.7 ? pick(rng, downstream) : e.target;
    return doc;
  },
  selfLoop: (rng, doc) => {
    const ids = nodeIds(doc);
    if (Array.isArray(doc.edges)) {
      const id = pick(rng, ids);
      doc.edges.push({ id: `self${int(rng, 0, 99)}`, source: id, target: id, targetPort: int(rng, 0, 2) });
    }
    return doc;
  },
  dropNode: (rng, doc) => {
    if (!Array.isArray(doc.nodes) || !doc.nodes.length) return doc;
    const [gone] = doc.nodes.splice(int(rng, 0, doc.nodes.length - 1), 1);
    if (rng() < 0.5 && Array.isArray(doc.edges)) doc.edges = doc.edges.filter((e: Json) => e?.source !== gone?.id && e?.target !== gone?.id);
    return doc;
  },
  randomPort: (rng, doc) => {
    if (Array.isArray(doc.edges) && doc.edges.length) {
      const e = pick(rng, doc.edges) as Json;
      if (e && typeof e === 'object') e.targetPort = rng() < 0.7 ? int(rng, 0, 40) : randomValue(rng);
    }
    return doc;
  },
  changeOp: (rng, doc) => {
    if (Array.isArray(doc.nodes) && doc.nodes.length) {
      const n = pick(rng, doc.nodes) as Json;
      if (n && typeof n === 'object') n.op = rng() < 0.8 ? pick(rng, opTypes()) : pick(rng, ['conv3d', 'Conv2d', '', 'pool']);
    }
    return doc;
  },
  changeId: (rng, doc) => {
    if (Array.isArray(doc.nodes) && doc.nodes.length) {
      const n = pick(rng, doc.nodes) as Json;
      if (n && typeof n === 'object') n.id = pick(rng, ['', 'x'.repeat(129), 'input', 'output', '__proto__', 'new', 7]);
    }
    return doc;
  },
  unknownField: (rng, doc) => {
    randomObject(rng, doc)[pick(rng, ['colour', 'lable', 'info', '$schema', 'weight'])] = randomValue(rng);
    return doc;
  },
  envelope: (rng, doc) => {
    if (rng() < 0.5) doc.format = pick(rng, ['unet-studio/graph', 'keras', undefined, 1]);
    else doc.version = pick(rng, [1, 2, 0, '1', null, 1.5, undefined]);
    return doc;
  },
  deepNesting: (rng, doc) => {
    randomObject(rng, doc)[pick(rng, ['params', 'label', 'deep', 'x'])] = nested(int(rng, 1, 80));
    return doc;
  },
  protoKey: (rng, doc) => {
    const key = pick(rng, ['__proto__', 'constructor', 'prototype']);
    // an own, enumerable "__proto__" property, as JSON.parse creates
    Object.defineProperty(randomObject(rng, doc), key, { value: { polluted: 'yes' }, enumerable: true, configurable: true, writable: true });
    return doc;
  },
  reorder: (rng, doc) => {
    if (Array.isArray(doc.nodes)) doc.nodes.sort(() => rng() - 0.5);
    return doc;
  },
  replaceWhole: (rng, doc) => (rng() < 0.9 ? doc : pick(rng, [null, [], 'text', 5, { nodes: doc.nodes }])),
};

const BENIGN = ['validParamChange', 'validParamChange', 'cycle', 'dropNodeAndEdges', 'reorder', 'extraConcatInput'];
const wellFormed = (doc: Json) => Array.isArray(doc.nodes) && Array.isArray(doc.edges) && [...doc.nodes, ...doc.edges].every((x) => x && typeof x === 'object');
MUTATIONS.dropNodeAndEdges = (rng, doc) => {
  if (!wellFormed(doc) || !doc.nodes.length) return doc;
  const [gone] = doc.nodes.splice(int(rng, 0, doc.nodes.length - 1), 1);
  doc.edges = doc.edges.filter((e: Json) => e.source !== gone.id && e.target !== gone.id);
  return doc;
};
MUTATIONS.extraConcatInput = (rng, doc) => {
  const cat = wellFormed(doc) && doc.nodes.find((n: Json) => n.op === 'concat');
  if (!cat) return doc;
  const used = doc.edges.filter((e: Json) => e.target === cat.id).map((e: Json) => e.targetPort);
  doc.edges.push({ id: `cat_in${int(rng, 0, 999)}`, source: pick(rng, nodeIds(doc)), target: cat.id, targetPort: Math.max(-1, ...used) + 1 });
  return doc;
};

/** Text-level damage, applied to the JSON text of a (possibly mutated) document. */
function damageText(rng: Rng, text: string): string {
  switch (int(rng, 0, 4)) {
    case 0:
      return text.slice(0, int(rng, 0, text.length - 1)); // truncated
    case 1: {
      const at = int(rng, 0, text.length - 1);
      return text.slice(0, at) + pick(rng, ['{', '}', '[', ']', ',', ':', '"', "'", '\\', '\n', 'x', '1e999', '//']) + text.slice(at + 1);
    }
    case 2:
      return text.replace('"params":{', `"params":{"__proto__":{"polluted":"yes"},`);
    case 3:
      return text.replace('"position":', `"position":${'['.repeat(int(rng, 20, 5000))}`);
    default:
      return text.replace(/"targetPort":0/, '"targetPort":1e999');
  }
}

interface Outcome {
  result: ParseResult;
  fromText: boolean;
}

function makeCase(seed: number): { input: unknown; describe: string } {
  const rng = mulberry32(seed);
  const bases = [unetDoc, () => chainDoc(int(rng, 0, 6))];
  let doc: Json = structuredClone(pick(rng, bases)());
  const applied: string[] = [];
  // a third of the cases use only edits that keep the document readable, so inference sees many odd graphs
  const names = rng() < 0.35 ? BENIGN : Object.keys(MUTATIONS);
  for (let i = int(rng, 1, 4); i > 0; i--) {
    const name = pick(rng, names);
    applied.push(name);
    doc = MUTATIONS[name]!(rng, doc);
    if (doc === null || typeof doc !== 'object') break;
  }
  const mode = rng();
  if (mode < 0.3) {
    let text: string;
    try {
      text = JSON.stringify(doc) ?? 'null';
    } catch {
      return { input: doc, describe: applied.join('+') };
    }
    if (rng() < 0.4) {
      applied.push('damageText');
      text = damageText(rng, text);
    }
    return { input: text, describe: `${applied.join('+')} as text` };
  }
  return { input: doc, describe: applied.join('+') };
}

/** Everything a successful parse promises, checked independently of the parser; returns what is broken. */
function parsedDocProblems(doc: GraphDoc): string[] {
  const broken: string[] = [];
  const ids = new Set(doc.nodes.map((n) => n.id));
  if (doc.format !== 'unet-studio/graph' || doc.version !== 2) broken.push('envelope');
  if (ids.size !== doc.nodes.length) broken.push('duplicate node ids');
  if (new Set(doc.edges.map((e) => e.id)).size !== doc.edges.length) broken.push('duplicate edge ids');
  for (const n of doc.nodes) {
    const op = getOp(n.op);
    if (!op) broken.push(`${n.id}: unknown op`);
    else if (Object.keys(n.params).sort().join() !== Object.keys(op.params).sort().join()) broken.push(`${n.id}: params incomplete`);
    if (!Number.isFinite(n.position.x) || !Number.isFinite(n.position.y)) broken.push(`${n.id}: position`);
  }
  const ports = new Set<string>();
  for (const e of doc.edges) {
    if (!ids.has(e.source) || !ids.has(e.target)) broken.push(`${e.id}: dangling`);
    if (!Number.isInteger(e.targetPort) || e.targetPort < 0) broken.push(`${e.id}: port`);
    const key = `${e.target}\u0000${e.targetPort}`;
    if (ports.has(key)) broken.push(`${e.id}: port fed twice`);
    ports.add(key);
  }
  return broken;
}

/** What inference promises for any readable document: every node and edge analysed, sane diagnostics and shapes. */
function analysisProblems(doc: GraphDoc): string[] {
  const broken: string[] = [];
  const analysis = inferShapes(doc);
  if ([...analysis.nodes.keys()].sort().join() !== doc.nodes.map((n) => n.id).sort().join()) broken.push('nodes not all analysed');
  for (const e of doc.edges) if (!analysis.edges.has(e.id)) broken.push(`${e.id}: not analysed`);
  for (const d of analysis.diagnostics)
    if (!['error', 'warning'].includes(d.severity) || !/^[a-z-]+$/.test(d.code) || /undefined|\[object Object\]|NaN/.test(d.message))
      broken.push(`diagnostic ${JSON.stringify(d)}`);
  for (const info of analysis.nodes.values())
    if (info.output && ![info.output.c, info.output.h, info.output.w].every((v) => Number.isInteger(v) && v >= 1)) broken.push(`${info.id}: shape`);
  return broken;
}

const CASES = 4000;

describe('fuzzing parseGraph and inferShapes with mutated documents', () => {
  it(`${CASES} seeded mutations: no exception escapes; each result is located errors or a sound document and analysis`, () => {
    const tally = { ok: 0, refused: 0, codes: new Map<string, number>() };
    for (let seed = 1; seed <= CASES; seed++) {
      const { input, describe: what } = makeCase(seed);
      let outcome: Outcome;
      try {
        outcome = { result: parseGraph(input), fromText: typeof input === 'string' };
      } catch (err) {
        throw new Error(`seed ${seed} (${what}): parseGraph threw ${String(err)}`);
      }
      const { result } = outcome;
      try {
        if (result.ok) {
          tally.ok++;
          expect([...parsedDocProblems(result.doc), ...analysisProblems(result.doc)]).toEqual([]);
          expect(result.warnings.filter((w) => !/unknown field, ignored$|^…and \d+ more warnings?$/.test(w))).toEqual([]);
          // every readable document survives a write and a read, with or without shapes
          expect(parseGraph(serializeGraph(result.doc, { shapes: seed % 2 === 0 }))).toEqual({ ok: true, doc: result.doc, warnings: [] });
        } else {
          tally.refused++;
          expect(result.errors.length).toBeGreaterThan(0);
          expect(result.errors.length).toBeLessThanOrEqual(FORMAT_LIMITS.maxErrors + 1);
          for (const e of result.errors) tally.codes.set(e.code, (tally.codes.get(e.code) ?? 0) + 1);
          // our own wording everywhere, never a library default or a stringified object
          const odd = result.errors.filter(
            (e) => e.code === 'internal' || typeof e.path !== 'string' || !e.message || /Invalid input|\[object Object\]|received undefined/.test(e.message),
          );
          expect(odd).toEqual([]);
        }
      } catch (err) {
        throw new Error(`seed ${seed} (${what}): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (process.env.FUZZ_STATS) console.log(tally);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // the mix must exercise both sides and most error kinds, or the fuzzer has stopped reaching them
    expect(tally.ok).toBeGreaterThan(CASES * 0.1);
    expect(tally.refused).toBeGreaterThan(CASES * 0.3);
    for (const code of ['invalid-json', 'too-deep', 'forbidden-key', 'non-finite', 'wrong-format', 'newer-version', 'unknown-op', 'unknown-param', 'bad-param', 'duplicate-node-id', 'duplicate-edge-id', 'dangling-edge', 'port-taken', 'bad-port', 'invalid'])
      expect(tally.codes.get(code) ?? 0, `error code ${code} never produced`).toBeGreaterThan(0);
  });

  it('every op survives random params through parse and inference', () => {
    const rng = mulberry32(2024);
    for (let i = 0; i < 600; i++) {
      const op = pick(rng, OPS);
      const doc: Json = structuredClone(unetDoc());
      const target = doc.nodes.find((n: Json) => n.id === 'dec0_conv1');
      target.op = op.type;
      target.params = {};
      for (const [key, spec] of Object.entries(op.params)) if (rng() < 0.7) target.params[key] = rng() < 0.7 ? spec.default : randomValue(rng);
      const result = parseGraph(doc);
      if (result.ok) expect(analysisProblems(result.doc)).toEqual([]);
      else expect(result.errors.every((e) => e.code !== 'internal')).toBe(true);
    }
  });
});
