// The migration machinery with the real registry: its version is the one the schema describes, and a format change
// (here a pretend version 2 that adds groups) is one migration entry.
import { describe, expect, it } from 'vitest';
import { FORMAT_MIGRATIONS, latestVersion, migrateDocument, type FormatMigration } from '../../src/core/format/migrations';
import { OPS } from '../../src/core/ops';
import { GRAPH_VERSION } from '../../src/core/types';

describe('format migrations', () => {
  it('the registry and the format migrations name exactly GRAPH_VERSION (raise it with a migration)', () => {
    expect(latestVersion(OPS, FORMAT_MIGRATIONS)).toBe(GRAPH_VERSION);
  });

  it('a format change is one entry: version 1 → 2 adds an empty groups list, notes it, leaves the input alone', () => {
    const groups: FormatMigration = {
      version: 2,
      describe: 'composite blocks: documents gain a `groups` list',
      up: (doc, note) => {
        note(['groups'], 'added (version 2 groups nodes into blocks)');
        return { ...doc, groups: [] };
      },
    };
    const v1 = { format: 'unet-studio/graph', version: 1, name: 'x', nodes: [], edges: [] };
    const { doc, notes } = migrateDocument(v1, { ops: OPS, formatMigrations: [groups] });
    expect(doc).toEqual({ ...v1, version: 2, groups: [] });
    expect(notes).toEqual([{ at: ['groups'], message: 'added (version 2 groups nodes into blocks)' }]);
    expect(v1.version).toBe(1);
    // A document already at version 2 is left as it is.
    expect(migrateDocument({ ...v1, version: 2 }, { ops: OPS, formatMigrations: [groups] }).notes).toEqual([]);
  });
});
