// The editor can only reach documents its autosave can restore: a seeded property test over random commands, and
// the specific refusals issue 11 found (a 201-character name or label, params of the wrong type).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMAT_LIMITS, parseGraph, serializeGraph } from '../../src/core/format';
import { inferShapes } from '../../src/core/infer';
import { buildUNet } from '../../src/core/builder';
import { getOp, opTypes } from '../../src/core/ops';
import type { ParamSpec } from '../../src/core/params';
import type { GraphDoc, ParamValue } from '../../src/core/types';
import {
  addNode,
  applyDiagnosticFix,
  connect,
  copySelection,
  duplicateSelection,
  groupNodes,
  moveBlock,
  moveNodes,
  paste,
  removeElements,
  renameBlock,
  renameGraph,
  setCollapsed,
  setLabel,
  setParams,
  setParamsOnAllInstances,
  ungroup,
  type Clipboard,
} from '../../src/state/commands';
import { createEditorStore, EditRefused, type EditorStore } from '../../src/state/store';
import { rng as mulberry32 } from '../../scripts/make-samples';

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T,>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const template = (): GraphDoc => {
  const parsed = parseGraph(readFileSync(new URL('../../templates/paper-572.json', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error('template does not parse');
  return parsed.doc;
};

/** A one-level U-Net (15 nodes, as the parser reads it back): small, so 10,000 steps with a full re-parse each stay quick. */
const smallUNet = (): GraphDoc => {
  const parsed = parseGraph(serializeGraph(buildUNet({ depth: 1, base: 4, inputSize: { h: 64, w: 64 } })));
  if (!parsed.ok) throw new Error('builder output does not parse');
  return parsed.doc;
};

const NASTY: ParamValue[] = ['abc', '', 'same', 'valid', true, false, -0, -2, 0, 1.5, 2 ** 31, 1e21, Number.NaN, Number.POSITIVE_INFINITY, 'x'.repeat(300)];

/** A value for `spec`: usually one it accepts, often one the format refuses. */
function paramValue(rng: Rng, spec: ParamSpec): ParamValue {
  if (rng() < 0.35) return pick(rng, NASTY);
  switch (spec.type) {
    case 'int':
      return int(rng, spec.min ?? 0, Math.min(spec.max ?? 64, (spec.min ?? 0) + 64));
    case 'float':
      return (spec.min ?? 0) + rng() * 0.5;
    case 'bool':
      return rng() < 0.5;
    case 'choice':
      return pick(rng, spec.choices);
    case 'padding':
      return pick(rng, ['valid', 'same', 0, 1, 2] as const);
  }
}

const text = (rng: Rng) => pick(rng, ['', '  ', 'skip', 'enc → dec', '💥', '<b>x</b>', 'x'.repeat(FORMAT_LIMITS.maxLabelLength), 'y'.repeat(FORMAT_LIMITS.maxLabelLength + 1)]);

/** One random command; returns its name (for failure messages). */
function step(rng: Rng, store: EditorStore, clock: { t: number }): string {
  const { doc } = store.getState();
  const anyNode = () => (doc.nodes.length ? pick(rng, doc.nodes).id : 'ghost');
  const r = rng();
  clock.t += rng() < 0.5 ? 10 : 2000; // sometimes within the merge window, sometimes not
  if (r < 0.12 && doc.nodes.length < 30) {
    const op = pick(rng, opTypes());
    const spec = Object.entries(getOp(op)!.params);
    const params = spec.length && rng() < 0.3 ? Object.fromEntries([pick(rng, spec)].map(([k, s]) => [k, paramValue(rng, s)])) : undefined;
    try {
      addNode(store, op, { x: int(rng, -2000, 2000), y: rng() < 0.05 ? -0 : int(rng, -2000, 2000) }, params);
    } catch (err) {
      if (!(err instanceof EditRefused)) throw err;
    }
    return `addNode ${op}`;
  }
  if (r < 0.2) {
    const nodes = doc.nodes.length > 20 || rng() < 0.5 ? [anyNode()] : [];
    const edges = doc.edges.length && rng() < 0.5 ? [pick(rng, doc.edges).id] : [];
    removeElements(store, { nodes, edges });
    return 'remove';
  }
  if (r < 0.35) {
    connect(store, { source: anyNode(), target: anyNode(), targetPort: rng() < 0.2 ? pick(rng, [-1, 1.5, 99]) : int(rng, 0, 3) });
    return 'connect';
  }
  if (r < 0.55) {
    const id = anyNode();
    const op = getOp(doc.nodes.find((n) => n.id === id)?.op ?? '');
    if (!op) return 'setParams (none)';
    const specs = Object.entries(op.params);
    const patch = rng() < 0.1 ? { [pick(rng, ['kernal', '__proto__', 'x'.repeat(200)])]: 1 } : specs.length ? Object.fromEntries([pick(rng, specs)].map(([k, s]) => [k, paramValue(rng, s)])) : {};
    setParams(store, id, patch);
    return `setParams ${id} ${JSON.stringify(patch)}`;
  }
  if (r < 0.62) {
    setLabel(store, anyNode(), text(rng));
    return 'setLabel';
  }
  if (r < 0.66) {
    renameGraph(store, pick(rng, ['U-Net', '', 'n'.repeat(FORMAT_LIMITS.maxNameLength), 'n'.repeat(FORMAT_LIMITS.maxNameLength + 1)]));
    return 'rename';
  }
  if (r < 0.72 && doc.nodes.length < 30) {
    const picked = doc.nodes.filter(() => rng() < 0.15).map((n) => n.id);
    store.setSelection({ nodes: picked, edges: [] });
    if (rng() < 0.5) duplicateSelection(store);
    else {
      const clip: Clipboard = copySelection(store);
      // A clipboard from elsewhere may hold what the format refuses.
      if (clip.nodes.length && rng() < 0.3) clip.nodes[0]!.label = 'z'.repeat(FORMAT_LIMITS.maxLabelLength + 5);
      paste(store, clip, { x: 40, y: 40 });
    }
    return 'paste/duplicate';
  }
  if (r < 0.77) {
    const fixes = inferShapes(doc).diagnostics.flatMap((d) => d.fixes ?? []);
    if (fixes.length) applyDiagnosticFix(store, pick(rng, fixes));
    return 'fix';
  }
  if (r < 0.82) {
    moveNodes(store, { [anyNode()]: { x: rng() < 0.1 ? -0 : int(rng, -500, 500), y: int(rng, -500, 500) } }, { final: rng() < 0.5 });
    return 'move';
  }
  if (r < 0.88) return blockStep(rng, store);
  if (r < 0.95) {
    store.undo();
    return 'undo';
  }
  store.redo();
  return 'redo';
}

/** One random composite-block command: group (sometimes nodes already in a block, or none), ungroup, collapse, rename,
 * move, apply to all instances. */
function blockStep(rng: Rng, store: EditorStore): string {
  const { doc } = store.getState();
  const blocks = doc.blocks ?? [];
  const anyBlock = () => (blocks.length && rng() < 0.9 ? pick(rng, blocks).id : 'ghost');
  const r = rng();
  if (r < 0.3) {
    const picked = doc.nodes.filter(() => rng() < 0.2).map((n) => n.id);
    groupNodes(store, rng() < 0.1 ? ['ghost', ...picked] : picked, text(rng));
    return 'block group';
  }
  if (r < 0.45) {
    ungroup(store, anyBlock());
    return 'block ungroup';
  }
  if (r < 0.65) {
    setCollapsed(store, rng() < 0.5, rng() < 0.3 ? undefined : [anyBlock()]);
    return 'block collapse';
  }
  if (r < 0.75) {
    renameBlock(store, anyBlock(), text(rng));
    return 'block rename';
  }
  if (r < 0.85) {
    moveBlock(store, anyBlock(), { x: rng() < 0.1 ? -0 : int(rng, -500, 500), y: int(rng, -500, 500) }, { final: rng() < 0.5 });
    return 'block move';
  }
  const member = blocks.length ? pick(rng, pick(rng, blocks).nodes) : 'ghost';
  const op = getOp(doc.nodes.find((n) => n.id === member)?.op ?? '');
  const specs = Object.entries(op?.params ?? {});
  if (!specs.length) return 'block apply-all (none)';
  const [name, spec] = pick(rng, specs);
  setParamsOnAllInstances(store, member, { [name]: paramValue(rng, spec) });
  return `block apply-all ${member}.${name}`;
}

/** Deep equality as toEqual means it (Object.is on leaves, same keys), fast enough for 10,000 documents. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** What must hold after every step. */
function checkInvariants(doc: GraphDoc, what: string) {
  const ids = [...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id)];
  if (new Set(ids).size !== ids.length) throw new Error(`${what}: ids are not unique`);
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const dangling = doc.edges.find((e) => !nodeIds.has(e.source) || !nodeIds.has(e.target));
  if (dangling) throw new Error(`${what}: edge ${dangling.id} dangles`);
  const members = (doc.blocks ?? []).flatMap((b) => b.nodes);
  if (members.some((id) => !nodeIds.has(id)) || new Set(members).size !== members.length) throw new Error(`${what}: a block member dangles or is shared`);
  if ((doc.blocks ?? []).some((b) => nodeIds.has(b.id))) throw new Error(`${what}: a block id is a node id`);
  const parsed = parseGraph(serializeGraph(doc));
  if (!parsed.ok) throw new Error(`${what}: the document does not survive a save and reload:\n${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  if (!same(parsed.doc, doc)) expect(parsed.doc, `${what}: parse(serialize(doc)) gives back doc`).toEqual(doc);
}

/** 10,000 in the suite; `STEPS=1000 npx vitest run …` for a quick look. */
const STEPS = Number(process.env.STEPS ?? 10_000);
describe('every state the editor reaches survives a save and reload (property test)', () => {
  it('10,000 seeded random commands: parse(serialize(doc)) = doc, no dangling edges, unique ids; undo-all returns the start', () => {
    const rng = mulberry32(20_251_111);
    const clock = { t: 0 };
    const start = smallUNet();
    const store = createEditorStore(start, { historyLimit: 100_000, now: () => clock.t });
    let refused = 0;
    store.onRefuse(() => refused++);
    const counts = new Map<string, number>();
    for (let i = 0; i < STEPS; i++) {
      const before = store.getState();
      const what = step(rng, store, clock);
      const kind = what.split(' ')[0]!;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      const after = store.getState();
      if (after.doc !== before.doc) checkInvariants(after.doc, `step ${i} (${what})`);
    }
    // The run exercised refusals, not only the happy path.
    expect(refused).toBeGreaterThan(STEPS / 20);
    expect(counts.get('undo')).toBeGreaterThan(STEPS / 20);
    expect(counts.get('paste/duplicate')).toBeGreaterThan(STEPS / 50);
    expect(counts.get('block')).toBeGreaterThan(STEPS / 50);
    // The run may end on undos: the newest state history holds is the one redo-all reaches.
    while (store.getState().canRedo) store.redo();
    const end = store.getState().doc;
    while (store.getState().canUndo) store.undo();
    expect(store.getState().doc).toEqual(start);
    while (store.getState().canRedo) store.redo();
    expect(store.getState().doc).toEqual(end);
  }, 600_000);
});

describe('the store refuses what the parser would refuse, with the parser’s words', () => {
  const store = () => createEditorStore(template());

  it('a graph name or node label over the limit', () => {
    const s = store();
    const before = s.getState();
    expect(renameGraph(s, 'n'.repeat(201))).toMatchObject({ ok: false, message: 'Rename graph was not applied: name: 201 characters; the limit is 200' });
    expect(setLabel(s, 'enc0_conv1', 'l'.repeat(201))).toMatchObject({ ok: false, message: expect.stringMatching(/label: 201 characters; the limit is 200$/) });
    expect(s.getState()).toBe(before);
    expect(renameGraph(s, 'n'.repeat(200)).ok).toBe(true);
  });

  it('params of the wrong type or unknown (padding "abc", epsilon true, a typo)', () => {
    const s = store();
    const id = addNode(s, 'batchNorm', { x: 0, y: 0 });
    const before = s.getState();
    expect(setParams(s, 'enc0_conv1', { padding: 'abc' })).toMatchObject({ ok: false, message: expect.stringContaining('params.padding: expected "valid", "same" or an integer') });
    expect(setParams(s, id, { epsilon: true })).toMatchObject({ ok: false, message: expect.stringContaining('params.epsilon: expected a number') });
    expect(setParams(s, id, { epsilom: 1 })).toMatchObject({ ok: false, message: expect.stringContaining('unknown param "epsilom"') });
    expect(s.getState()).toBe(before);
  });

  it('a param edit that takes away a port an edge feeds (checked from the edit\'s patches only, same words as the parser)', () => {
    const s = store();
    const doc = s.getState().doc;
    const crop = doc.nodes.find((n) => n.op === 'crop' && n.params.mode === 'like')!;
    const feedsLike = doc.edges.find((e) => e.target === crop.id && e.targetPort === 1)!;
    const before = s.getState();
    const result = setParams(s, crop.id, { mode: 'size' });
    const parsed = parseGraph(serializeGraph({ ...doc, nodes: doc.nodes.map((n) => (n === crop ? { ...n, params: { ...n.params, mode: 'size' } } : n)) }));
    expect(parsed.ok).toBe(false);
    expect(result).toMatchObject({ ok: false, errors: parsed.ok ? [] : parsed.errors });
    expect(result.ok ? '' : result.message).toContain(`edge "${feedsLike.id}" feeds port 1 of "${crop.id}"`);
    expect(s.getState()).toBe(before);
  });

  it('tells onRefuse listeners, and replaceDocument refuses an invalid document', () => {
    const s = store();
    const seen: string[] = [];
    s.onRefuse((r) => seen.push(r.message));
    const bad = { ...template(), name: 'x'.repeat(500) };
    expect(s.replaceDocument(bad, 'Open').ok).toBe(false);
    expect(seen).toEqual(['Open was not applied: name: 500 characters; the limit is 200']);
    expect(() => addNode(s, 'conv2d', { x: 0, y: 0 }, { kernel: 0 })).toThrow(EditRefused);
  });

  it('counts every problem of a refused edit, past the capped list', () => {
    const s = store();
    const bad = template();
    for (const n of bad.nodes) if (n.op === 'conv2d') Object.assign(n.params, { padding: 'abc', kernel: 'x' });
    const convs = 2 * bad.nodes.filter((n) => n.op === 'conv2d').length;
    expect(convs).toBeGreaterThan(20);
    const result = s.replaceDocument(bad, 'Open');
    expect(result.ok ? '' : result.message).toMatch(new RegExp(`^Open was not applied: nodes\\[1\\]\\.params\\.kernel: .* \\(and ${convs - 1} more problems\\)$`));
  });
});
