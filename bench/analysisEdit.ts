// Per-edit whole-graph analysis on a 10,000-node graph held by the editor store: from scratch (a structured clone,
// so nothing can be reused) against incremental (the store's document, whose unchanged nodes keep their identity).
//   node --import tsx bench/analysisEdit.ts [nodes=10000] [edits=20]
import { generatedUNet } from './graphs';
import { analyzeGraph } from '../src/core/analysis';
import { INTERACTIVE_BUDGET_MS } from '../src/core/solver';
import { setLabel, setParams } from '../src/state/commands';
import { createEditorStore } from '../src/state/store';
import { loadavg } from 'node:os';

const count = Number(process.argv[2] ?? 10000);
const edits = Number(process.argv[3] ?? 20);
const store = createEditorStore(generatedUNet(count));
const options = { sizeSearchBudgetMs: INTERACTIVE_BUDGET_MS };
const convs = store.getState().doc.nodes.filter((n) => n.op === 'conv2d').map((n) => n.id);
analyzeGraph(store.getState().doc, options); // warm the memo and the JIT

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
for (const kind of ['label', 'filters'] as const) {
  const scratch: number[] = [];
  const incremental: number[] = [];
  for (let i = 0; i < edits; i++) {
    const id = convs[(i * 7919) % convs.length]!;
    if (kind === 'label') setLabel(store, id, `conv ${i}`);
    else setParams(store, id, { filters: 8 + (i % 5) });
    const doc = store.getState().doc;
    const clone = structuredClone(doc);
    scratch.push(time(() => analyzeGraph(clone, options)));
    incremental.push(time(() => analyzeGraph(doc, options)));
  }
  console.log(
    `${count} nodes, ${kind} edit ×${edits}: from scratch median ${median(scratch).toFixed(1)} ms (min ${Math.min(...scratch).toFixed(1)}),` +
      ` incremental median ${median(incremental).toFixed(1)} ms (min ${Math.min(...incremental).toFixed(1)}); load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
}
