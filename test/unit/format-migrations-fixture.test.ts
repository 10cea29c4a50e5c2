// Param migrations with a test fixture registry: conv2d's `kernel` renamed to `size` and batchNorm's `momentum`
// dropped, both at version 3. A version-1 file (the paper template as version 1 wrote it) still opens through the real
// version-2 step and these, keeping its values,
// and the autosave restore reports the rename instead of resetting the param.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { OpDef } from '../../src/core/op';

vi.mock('../../src/core/types', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../src/core/types')>()), GRAPH_VERSION: 3 }));

vi.mock('../../src/core/ops', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/ops')>();
  const renamed = (op: OpDef, changes: Partial<OpDef>): OpDef => ({ ...op, ...changes });
  const conv = real.getOp('conv2d')!;
  const { kernel, ...convRest } = conv.params;
  const bn = real.getOp('batchNorm')!;
  const { momentum: _momentum, ...bnRest } = bn.params;
  const fixture = real.OPS.map((op) => {
    if (op.type === 'conv2d') return renamed(op, { params: { filters: convRest.filters!, size: kernel!, ...convRest }, migrations: [{ version: 3, rename: { kernel: 'size' } }] });
    if (op.type === 'batchNorm') return renamed(op, { params: bnRest, migrations: [{ version: 3, drop: { momentum: 'only used while training, which runs elsewhere' } }] });
    return op;
  });
  const byType = new Map(fixture.map((op) => [op.type, op]));
  return { OPS: fixture, getOp: (type: string) => byType.get(type), opTypes: () => fixture.map((op) => op.type) };
});

const { parseGraph } = await import('../../src/core/format');
const { latestVersion } = await import('../../src/core/format/migrations');
const { OPS } = await import('../../src/core/ops');
const { AUTOSAVE_KEY, restoreAutosave } = await import('../../src/state/autosave');

const paperV1 = readFileSync(new URL('../fixtures/format/paper-572-v1.json', import.meta.url), 'utf8');

describe('a version-1 file after a param rename in the registry (version 3 of a fixture registry)', () => {
  it('the fixture registry writes version 3', () => {
    expect(latestVersion(OPS)).toBe(3);
    expect(JSON.parse(paperV1).version).toBe(1);
  });

  it('opens, with every kernel moved to size and the change reported', () => {
    const result = parseGraph(paperV1);
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
    expect(result.doc.version).toBe(3);
    const convs = result.doc.nodes.filter((n) => n.op === 'conv2d');
    expect(convs.length).toBeGreaterThan(10);
    for (const n of convs) {
      expect(n.params.size, n.id).toBe(n.id === 'head' ? 1 : 3);
      expect(Object.hasOwn(n.params, 'kernel')).toBe(false);
    }
    expect(result.migrated).toHaveLength(convs.length);
    expect(result.migrated![0]).toBe('nodes[1].params.size: was "kernel" (conv2d renamed it in version 3); the value is kept');
    expect(result.warnings[0]).toBe(result.migrated![0]);
  });

  it('drops a dropped param with the reason, and refuses the old name in a version-2 file', () => {
    const v1 = {
      format: 'unet-studio/graph',
      version: 1,
      name: 'bn',
      nodes: [
        { id: 'input', op: 'input', params: {}, position: { x: 0, y: 0 } },
        { id: 'bn', op: 'batchNorm', params: { epsilon: 0.001, momentum: 0.01 }, position: { x: 0, y: 0 } },
      ],
      edges: [{ id: 'e', source: 'input', target: 'bn', targetPort: 0 }],
    };
    const result = parseGraph(v1);
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    expect(result.doc.nodes[1]!.params).toEqual({ epsilon: 0.001 });
    expect(result.migrated).toEqual(['nodes[1].params.momentum: dropped: batchNorm has no "momentum" since version 3 (only used while training, which runs elsewhere)']);
    const v3 = parseGraph({ ...v1, version: 3 });
    expect(v3.ok ? [] : v3.errors.map((e) => e.code)).toEqual(['unknown-param']);
    const v4 = parseGraph({ ...v1, version: 4 });
    expect(v4.ok ? [] : v4.errors.map((e) => e.code)).toEqual(['newer-version']);
  });

  it('the autosave restore reports the renamed param instead of resetting it, and keeps the original', () => {
    const data = new Map<string, string>([[AUTOSAVE_KEY, JSON.stringify({ savedAt: 1, doc: JSON.parse(paperV1) })]]);
    const storage = { get: (k: string) => data.get(k) ?? null, set: (k: string, v: string) => void data.set(k, v), remove: (k: string) => void data.delete(k) };
    const result = restoreAutosave(storage);
    if (result.kind !== 'restored') throw new Error(result.kind);
    expect(result.saved.repaired).toEqual([]);
    expect(result.saved.updated?.[0]).toBe('nodes[1].params.size: was "kernel" (conv2d renamed it in version 3); the value is kept');
    expect(result.saved.doc.nodes[1]!.params.size).toBe(3);
    expect(result.kept?.stored).toBe(true);
  });
});
