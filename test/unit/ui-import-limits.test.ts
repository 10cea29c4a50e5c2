/** Huge graphs (issue 11): the editor refuses what it cannot keep responsive, with a clear message, before parsing. */
import { describe, expect, it } from 'vitest';
import { serializeGraph } from '../../src/core/format';
import type { GraphDoc } from '../../src/core/types';
import { EDITOR_LIMITS, readGraphFile } from '../../src/ui/model/files';

/** input → n − 2 activations → output. */
function chain(n: number): GraphDoc {
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: i === 0 ? 'input' : i === n - 1 ? 'output' : `a${i}`,
    op: i === 0 ? 'input' : i === n - 1 ? 'output' : 'activation',
    params: {},
    position: { x: 0, y: i * 100 },
  }));
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: nodes[i]!.id, target: node.id, targetPort: 0 }));
  return { format: 'unet-studio/graph', version: 2, name: `chain ${n}`, nodes, edges };
}

const file = (text: string) => new File([text], 'graph.json', { type: 'application/json' });

describe('editor import limits', () => {
  it('opens a graph at the node limit, refuses one past it and points at the CLI', async () => {
    const atLimit = await readGraphFile(file(JSON.stringify(chain(EDITOR_LIMITS.maxNodes))));
    expect(atLimit.ok).toBe(true);
    const over = await readGraphFile(file(JSON.stringify(chain(EDITOR_LIMITS.maxNodes + 1))));
    expect(over).toEqual({
      ok: false,
      errors: [{ code: 'too-many-nodes', path: '', message: 'the graph has 20,001 nodes; the editor opens up to 20,000; use the command line for it (unet-studio summary FILE)' }],
    });
  });

  it('refuses a file over the byte limit without reading it as a graph', async () => {
    const padded = serializeGraph({ ...chain(3), description: 'x'.repeat(10) }).replace(/\n}\s*$/, `${' '.repeat(EDITOR_LIMITS.maxBytes + 1024 * 1024)}\n}`);
    const r = await readGraphFile(file(padded));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]!.message).toBe('the file is 17 MB; the editor opens graph files up to 16 MB; use the command line for it (unet-studio summary FILE)');
  });
});
