import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FORMAT_LIMITS,
  graphJsonSchema,
  graphJsonSchemaText,
  parseGraph,
  renderFormatError,
  serializeGraph,
  type FormatError,
  type ParseResult,
} from '../../src/core/format';
import { inferShapes } from '../../src/core/infer';
import { OPS, getOp, opTypes } from '../../src/core/ops';
import { defaultParams } from '../../src/core/params';
import type { GraphDoc } from '../../src/core/types';
import { chainDoc, edge, node, unetDoc } from './format-docs';

/** A mutable copy of the U-Net document, as plain JSON data. */
const raw = (): any => JSON.parse(JSON.stringify(unetDoc()));

function errorsOf(result: ParseResult): FormatError[] {
  if (result.ok) throw new Error('expected the document to be refused');
  return result.errors;
}
const lines = (input: unknown) => errorsOf(parseGraph(input)).map(renderFormatError);
const only = (input: unknown) => {
  const errors = errorsOf(parseGraph(input));
  expect(errors).toHaveLength(1);
  return errors[0]!;
};
const knownOps = `known ops: ${opTypes().join(', ')}`;

describe('reading a valid document', () => {
  it('returns the document with defaults filled in and no warnings', () => {
    const doc = raw();
    delete doc.nodes[1].params.kernel; // enc0_conv1: missing params take their defaults
    delete doc.nodes.find((n: any) => n.op === 'concat').params;
    const result = parseGraph(JSON.stringify(doc));
    expect(result).toEqual({ ok: true, doc: unetDoc(), warnings: [] });
  });

  it('reads an object the same as its JSON text', () => {
    expect(parseGraph(unetDoc())).toEqual(parseGraph(JSON.stringify(unetDoc())));
  });

  it('ignores informational fields and $schema, and warns about unknown fields', () => {
    const doc = raw();
    doc.$schema = '/schema/graph-v1.json';
    doc.info = { anything: true };
    doc.nodes[0].info = { shape: 'not even a shape' };
    doc.edges[0].info = 42;
    doc.nodes[2].lable = 'typo';
    doc.edges[1].weight = 1;
    const result = parseGraph(doc);
    expect(result).toEqual({
      ok: true,
      doc: unetDoc(),
      warnings: ['nodes[2].lable: unknown field, ignored', 'edges[1].weight: unknown field, ignored'],
    });
  });

  it('skips a byte-order mark and treats undefined object fields as absent', () => {
    expect(parseGraph(`\uFEFF${JSON.stringify(unetDoc())}`).ok).toBe(true);
    const withUndefined = { ...unetDoc(), description: undefined, nodes: unetDoc().nodes.map((n) => ({ ...n, label: undefined })) };
    const result = parseGraph(withUndefined);
    expect(result.ok && result.doc.description).toBe(undefined);
    expect(result.ok && result.doc.nodes.every((n) => !('label' in n))).toBe(true);
  });

  it('parses a 10,000-node document', () => {
    const big = chainDoc(9998);
    expect(big.nodes).toHaveLength(10_000);
    const text = serializeGraph(big, { shapes: true });
    const result = parseGraph(text);
    expect(result.ok).toBe(true);
    expect(result.ok && result.doc).toEqual(big);
  });
});

describe('writing', () => {
  it('round-trips: parseGraph(serializeGraph(g)) deep-equals g, with and without shapes', () => {
    for (const g of [unetDoc(), chainDoc(3), { ...chainDoc(1), nodes: [], edges: [] }]) {
      for (const shapes of [false, true]) {
        const result = parseGraph(serializeGraph(g, { shapes }));
        expect(result).toStrictEqual({ ok: true, doc: g, warnings: [] });
      }
    }
  });

  it('writes fields in a fixed order, params in the op order, whatever order they came in', () => {
    const g = unetDoc();
    const shuffled: GraphDoc = {
      edges: g.edges.map((e) => ({ targetPort: e.targetPort, target: e.target, source: e.source, id: e.id })),
      nodes: g.nodes.map((n) => ({ position: n.position, params: Object.fromEntries(Object.entries(n.params).reverse()), op: n.op, id: n.id, ...(n.label ? { label: n.label } : {}) })),
      description: g.description,
      name: g.name,
      version: 2,
      format: 'unet-studio/graph',
    };
    const text = serializeGraph(shuffled);
    expect(text).toBe(serializeGraph(g));
    expect(Object.keys(JSON.parse(text))).toEqual(['format', 'version', 'name', 'description', 'nodes', 'edges']);
    const conv = JSON.parse(text).nodes[1];
    expect(Object.keys(conv)).toEqual(['id', 'op', 'params', 'position']);
    expect(Object.keys(conv.params)).toEqual(Object.keys(getOp('conv2d')!.params));
    expect(text).toContain('"position": { "x": 0, "y": 90 }');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('with shapes, annotates nodes and edges with inferred C×H×W under info', () => {
    const g = unetDoc();
    const json = JSON.parse(serializeGraph(g, { shapes: true }));
    const inference = inferShapes(g);
    const cat = json.nodes.find((n: any) => n.id === 'cat0');
    expect(cat.info.shape).toEqual([16, 64, 64]);
    const head = json.nodes.find((n: any) => n.id === 'head');
    expect(head.info).toEqual({ shape: [2, 64, 64], parameters: 8 * 2 + 2 });
    for (const e of json.edges) {
      const s = inference.edges.get(e.id)!;
      expect(e.info).toEqual({ shape: [s.c, s.h, s.w] });
    }
    expect(serializeGraph(g, { shapes: true })).toContain('"shape": [2, 64, 64]');
  });

  it('writes null for shapes it cannot infer', () => {
    const g = unetDoc();
    g.nodes[1]!.params.kernel = 200; // invalid for inference, but serializeGraph must still write it
    const json = JSON.parse(serializeGraph(g, { shapes: true }));
    expect(json.nodes[1].info).toEqual({ shape: null });
    expect(json.edges[1].info).toEqual({ shape: null });
  });
});

describe('errors, one by one', () => {
  it('renders as "path: message"', () => {
    const doc = raw();
    doc.nodes[4].params.kernel = -2;
    expect(lines(doc)).toEqual(['nodes[4].params.kernel: expected an integer ≥ 1 and ≤ 31, got -2']);
    expect(only(doc)).toEqual({ code: 'bad-param', path: 'nodes[4].params.kernel', message: 'expected an integer ≥ 1 and ≤ 31, got -2' });
  });

  it('invalid JSON, with line and column', () => {
    expect(only('{\n  "format": "unet-studio/graph",\n  "version": 1\n  "name": "x"\n}')).toEqual({
      code: 'invalid-json',
      path: '',
      message: "invalid JSON at line 4, column 3: expected ','",
    });
    expect(lines('{"format": "unet-studio/graph", "nodes": [')).toEqual(["invalid JSON: the text ends too early (expected ']') at line 1, column 43"]);
    expect(lines("{'format': 1}")).toEqual(['invalid JSON at line 1, column 2: JSON needs double quotes (") around strings and names']);
    expect(lines('{"format": "unet-studio/graph", "version": 1,}')).toEqual(["invalid JSON at line 1, column 46: expected a property name in double quotes"]);
    expect(lines('{"a": 1} // note')).toEqual(['invalid JSON at line 1, column 10: comments are not allowed in JSON']);
    expect(lines('   ')).toEqual(['the document is empty (expected a JSON object)']);
  });

  it('not a graph, wrong or missing format', () => {
    const notOurs = 'this is not a UNet Studio graph (expected "format": "unet-studio/graph")';
    expect(lines('[1, 2]')).toEqual([`expected a JSON object, got an array: ${notOurs}`]);
    expect(lines('"hello"')).toEqual([`expected a JSON object, got "hello": ${notOurs}`]);
    expect(lines({ ...raw(), format: 'keras' })).toEqual([`format: expected "unet-studio/graph", got "keras": ${notOurs}`]);
    const { format: _f, ...noFormat } = raw();
    expect(only(noFormat)).toEqual({ code: 'wrong-format', path: 'format', message: `missing: ${notOurs}` });
  });

  it('a newer version, and a version that is not a version', () => {
    expect(only({ ...raw(), version: 3, nodes: 'whatever v3 holds' })).toEqual({
      code: 'newer-version',
      path: 'version',
      message: 'made by a newer UNet Studio (version 3); this one reads version 2',
    });
    expect(lines({ ...raw(), version: '1' })).toEqual(['version: expected 1–2, got "1"']);
    expect(lines({ ...raw(), version: 0 })).toEqual(['version: expected 1–2, got 0']);
  });

  it('unknown op: names the node and lists close matches and known ops', () => {
    const doc = raw();
    doc.nodes[1].op = 'conv3d';
    expect(only(doc)).toEqual({
      code: 'unknown-op',
      path: 'nodes[1].op',
      message: `node "enc0_conv1" has unknown op "conv3d" (did you mean "conv2d"?); ${knownOps}`,
    });
    doc.nodes[1].op = 'frobnicate';
    expect(lines(doc)).toEqual([`nodes[1].op: node "enc0_conv1" has unknown op "frobnicate"; ${knownOps}`]);
    delete doc.nodes[1].op;
    expect(lines(doc)).toEqual([`nodes[1].op: missing (node "enc0_conv1" needs an op; ${knownOps})`]);
  });

  it('unknown param: names the param and lists the known ones', () => {
    const doc = raw();
    doc.nodes[1].params.kernal = 3;
    const known = Object.keys(getOp('conv2d')!.params).join(', ');
    expect(only(doc)).toEqual({
      code: 'unknown-param',
      path: 'nodes[1].params.kernal',
      message: `unknown param "kernal" for node "enc0_conv1" (did you mean "kernel"?); conv2d takes: ${known}`,
    });
    const concat = raw();
    concat.nodes.find((n: any) => n.id === 'cat0').params = { axis: 1 };
    expect(lines(concat)).toEqual([`nodes[${concat.nodes.findIndex((n: any) => n.id === 'cat0')}].params.axis: unknown param "axis" for node "cat0"; concat takes no params`]);
  });

  it('bad params and bad structure say what was expected and what was found', () => {
    const doc = raw();
    doc.nodes[1].params.padding = 'full';
    doc.nodes[1].params.bias = 'yes';
    doc.nodes[2].position = { x: 1 };
    doc.nodes[2].id = 'x'.repeat(129);
    doc.nodes[3].params = [];
    doc.edges[0].targetPort = 1.5;
    doc.name = 7;
    expect(lines(doc)).toEqual([
      'nodes[1].params.bias: expected true or false, got "yes"',
      'nodes[1].params.padding: expected "valid", "same" or an integer ≥ 0 and ≤ 64, got "full"',
      'nodes[2].position.y: missing (expected a number)',
      'nodes[2].id: 129 characters; the limit is 128',
      'nodes[3].params: expected an object of params, got []',
      'edges[0].targetPort: expected an integer, got 1.5',
      // the renamed node no longer answers to its old id
      'edges[1].target: edge "e2": its target "enc0_conv2" is not a node',
      'edges[2].source: edge "e3": its source "enc0_conv2" is not a node',
      'edges[7].source: edge "e8": its source "enc0_conv2" is not a node',
      'name: expected a string, got 7',
    ]);
    const empty = raw();
    empty.nodes[1].id = '';
    delete empty.nodes[2].position;
    empty.edges[0].targetPort = -1;
    expect(lines(empty)).toEqual([
      'nodes[1].id: must not be empty',
      'nodes[2].position: missing (expected an object like { "x": 0, "y": 0 })',
      'edges[0].target: edge "e1": its target "enc0_conv1" is not a node',
      'edges[0].targetPort: expected an integer ≥ 0, got -1',
      'edges[1].source: edge "e2": its source "enc0_conv1" is not a node',
    ]);
  });

  it('duplicate node ids and duplicate edge ids', () => {
    const doc = raw();
    doc.nodes.push({ ...doc.nodes[2], position: { x: 5, y: 5 } });
    doc.edges.push({ ...doc.edges[0], target: 'head', targetPort: 0 });
    expect(lines(doc)).toEqual([
      `nodes[${doc.nodes.length - 1}].id: duplicate node id "enc0_conv2" (also used by nodes[2])`,
      `edges[${doc.edges.length - 1}].id: duplicate edge id "e1" (also used by edges[0])`,
      `edges[${doc.edges.length - 1}].targetPort: edges "e11" and "e1" both feed port 0 of "head"`,
    ]);
    expect(errorsOf(parseGraph(doc)).map((e) => e.code)).toEqual(['duplicate-node-id', 'duplicate-edge-id', 'port-taken']);
  });

  it('dangling edges: edge id, which end, and the missing id', () => {
    const doc = raw();
    doc.edges.push(edge('e99', 'nowhere', 'cat0', 2));
    doc.edges.push(edge('e100', 'head', 'gone', 0));
    expect(lines(doc)).toEqual([
      `edges[${doc.edges.length - 2}].source: edge "e99": its source "nowhere" is not a node`,
      `edges[${doc.edges.length - 1}].target: edge "e100": its target "gone" is not a node`,
    ]);
  });

  it('two edges into one port', () => {
    const doc = raw();
    doc.edges.push(edge('e13', 'input', 'cat0', 1));
    expect(only(doc)).toEqual({
      code: 'port-taken',
      path: `edges[${doc.edges.length - 1}].targetPort`,
      message: 'edges "e8" and "e13" both feed port 1 of "cat0"',
    });
  });

  it('a port beyond what the op takes', () => {
    const doc = raw();
    doc.edges.push(edge('e13', 'input', 'head', 1), edge('e14', 'input', 'cat0', 32), edge('e15', 'head', 'input', 0));
    const n = doc.edges.length;
    expect(lines(doc)).toEqual([
      `edges[${n - 3}].targetPort: edge "e13" feeds port 1 of "head", but conv2d takes 1 input (port 0: "x")`,
      `edges[${n - 2}].targetPort: edge "e14" feeds port 32 of "cat0", but concat takes at most 32 inputs (ports 0–31)`,
      `edges[${n - 1}].targetPort: edge "e15" feeds port 0 of "input", but input takes no inputs`,
    ]);
  });

  it('most specific first, at most 20 and a count of the rest', () => {
    const doc = raw();
    doc.nodes = Array.from({ length: 30 }, (_, i) => node(`n${i}`, 'conv2d', { kernel: 0 }));
    doc.edges = [];
    doc.nodes[29].op = 'nope';
    delete doc.name;
    const errors = errorsOf(parseGraph(doc));
    expect(errors).toHaveLength(FORMAT_LIMITS.maxErrors + 1);
    expect(errors[0]!.path).toBe('nodes[0].params.kernel');
    expect(errors.slice(0, 20).every((e) => e.path.endsWith('.params.kernel'))).toBe(true);
    expect(errors[20]).toEqual({ code: 'too-many-errors', path: '', message: '…and 11 more errors', omitted: 11 });
  });

  it('a parameter-level error comes before node-, edge- and document-level ones', () => {
    const doc = raw();
    delete doc.name;
    doc.nodes[4].op = 'conv3d';
    doc.edges[0].source = 'ghost';
    doc.nodes[9].params.filters = 0;
    expect(errorsOf(parseGraph(doc)).map((e) => e.path)).toEqual(['nodes[9].params.filters', 'nodes[4].op', 'edges[0].source', 'name']);
  });
});

describe('hostile input', () => {
  it('refuses text over the size limit before parsing it', () => {
    const huge = `{"format": "unet-studio/graph", "pad": "${'x'.repeat(FORMAT_LIMITS.maxTextChars)}"}`;
    const started = performance.now();
    expect(only(huge)).toEqual({ code: 'too-large', path: '', message: 'the document is 32.0 MB; the limit is 32.0 MB' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses more nodes or edges than the limits', () => {
    const many = { ...raw(), nodes: Array.from({ length: FORMAT_LIMITS.maxNodes + 1 }, () => ({})), edges: Array.from({ length: FORMAT_LIMITS.maxEdges + 2 }, () => 0) };
    expect(lines(many)).toEqual(['nodes: 50,001 nodes; the limit is 50,000', 'edges: 50,002 edges; the limit is 50,000']);
  });

  it('refuses deep nesting in text and in objects without exhausting the stack', () => {
    const depth = 200_000;
    expect(lines(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`)).toEqual(['nested deeper than 32 levels at line 1, column 37']);
    // brackets inside strings do not count
    expect(parseGraph({ ...raw(), name: '['.repeat(100) }).ok).toBe(true);
    let deep: unknown = 1;
    for (let i = 0; i < depth; i++) deep = { d: deep };
    const error = only({ ...raw(), description: deep });
    expect(error.code).toBe('too-deep');
    expect(error.message).toBe('nested deeper than 32 levels');
    expect(error.path.startsWith('description.d.d')).toBe(true);
    const cyclic: Record<string, unknown> = { ...raw() };
    cyclic.self = cyclic;
    expect(only(cyclic).code).toBe('too-deep');
  });

  it('refuses __proto__, constructor and prototype keys anywhere, and never pollutes prototypes', () => {
    const texts = [
      '{"__proto__": {"polluted": "yes"}, "format": "unet-studio/graph", "version": 1}',
      JSON.stringify(raw()).replace('"params":{', '"params":{"__proto__":{"polluted":"yes"},'),
      JSON.stringify(raw()).replace('"position":{', '"position":{"constructor":{"prototype":{"polluted":"yes"}},'),
      JSON.stringify(raw()).replace('"edges":[{', '"edges":[{"prototype":{"polluted":"yes"},'),
    ];
    const paths = ['__proto__', 'nodes[0].params.__proto__', 'nodes[0].position.constructor', 'edges[0].prototype'];
    texts.forEach((text, i) => {
      for (const input of [text, JSON.parse(text)]) {
        const error = errorsOf(parseGraph(input))[0]!;
        expect(error.code).toBe('forbidden-key');
        expect(renderFormatError(error)).toBe(`${paths[i]}: the key "${paths[i]!.split('.').pop()}" is not allowed (it could reach object prototypes)`);
      }
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(lines({ ...raw(), nodes: [node('__proto__', 'input')], edges: [] })).toEqual(['nodes[0].id: "__proto__" is reserved and cannot be a node id']);
  });

  it('refuses non-finite numbers and values JSON cannot hold', () => {
    expect(lines(JSON.stringify(raw()).replace('"height":64', '"height":1e999'))).toEqual(['nodes[0].params.height: expected a finite number, got Infinity']);
    const doc = raw();
    doc.nodes[0].position.x = NaN;
    doc.nodes[1].params.filters = -Infinity;
    doc.nodes[2].label = () => 'hi';
    doc.nodes[3].params.stride = 10n;
    doc.edges[0].when = new Date(0);
    expect(lines(doc)).toEqual([
      'nodes[0].position.x: expected a finite number, got NaN',
      'nodes[1].params.filters: expected a finite number, got -Infinity',
      'nodes[3].params.stride: expected JSON data, got a bigint',
      'nodes[2].label: expected JSON data, got a function',
      'edges[0].when: expected JSON data, got a Date object',
    ]);
  });

  it('never throws, whatever it is given', () => {
    const throwing = new Proxy({}, { ownKeys: () => { throw new Error('boom'); }, getPrototypeOf: () => Object.prototype });
    const getter = { format: 'unet-studio/graph', version: 1, get name(): string { throw new Error('no name for you'); } };
    const inputs: unknown[] = [undefined, null, 0, true, Symbol('s'), 10n, () => 1, new Map(), [], {}, throwing, getter, Object.create(null), '\u0000', '{'];
    for (const input of inputs) {
      const result = parseGraph(input);
      expect(result.ok).toBe(false);
      expect(errorsOf(result).length).toBeGreaterThan(0);
    }
    expect(lines(throwing)).toEqual(['could not read the document (boom)']);
    expect(lines(getter)).toEqual(['could not read the document (no name for you)']);
  });
});

describe('JSON Schema', () => {
  it('public/schema/graph-v2.json is what scripts/gen-schema.ts generates (run it after changing an op)', () => {
    const checkedIn = readFileSync(new URL('../../public/schema/graph-v2.json', import.meta.url), 'utf8');
    expect(checkedIn, 'out of date: run  node --import tsx scripts/gen-schema.ts').toBe(graphJsonSchemaText());
  });

  it('describes every op as a branch keyed by op, with its params, defaults and no extra params', () => {
    const schema = graphJsonSchema() as any;
    expect(schema.required).toEqual(['format', 'version', 'name', 'nodes', 'edges']);
    const branches = schema.properties.nodes.items.oneOf;
    expect(branches.map((b: any) => b.properties.op.const)).toEqual(OPS.map((op) => op.type));
    for (const [i, op] of OPS.entries()) {
      const params = branches[i].properties.params;
      expect(params.additionalProperties).toBe(false);
      expect(Object.keys(params.properties ?? {})).toEqual(Object.keys(op.params));
      for (const [name, value] of Object.entries(defaultParams(op.params))) expect(params.properties[name].default).toEqual(value);
    }
    expect(schema.properties.edges.items.properties.targetPort).toMatchObject({ type: 'integer', minimum: 0 });
  });
});
