import { parseArgs } from 'node:util';
import { analyzeGraph } from '../core/analysis';
import { formatShape } from '../core/types';
import { EXIT, onePositional, type CliCommand } from './command';
import { loadGraph } from './load';
import { formatDiagnostic, plural } from './text';

const usage = 'validate <graph.json|model.onnx>';

export const validateCommand: CliCommand = {
  name: 'validate',
  usage,
  description: 'Checks a graph: lists errors and warnings with node ids. Exit 1 on errors (warnings pass).',
  options: [],
  async run(argv, io) {
    const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true });
    const file = onePositional(positionals, 'graph file', usage);
    const { doc, warnings } = await loadGraph(file);
    for (const w of warnings) io.err(`warning: ${w}`);
    const a = analyzeGraph(doc);
    const outputs = a.rows.filter((r) => r.op === 'output').map((r) => formatShape(r.output));
    const size = `${plural(doc.nodes.length, 'node')}, ${plural(doc.edges.length, 'edge')}` +
      (a.input ? `, input ${formatShape(a.input.shape)}` : '') +
      (outputs.length ? ` → output ${outputs.join(', ')}` : '');
    const verdict = a.errorCount > 0 ? 'invalid' : 'valid';
    io.out(`${file}: ${verdict} (${size}) — ${plural(a.errorCount, 'error')}, ${plural(a.warningCount, 'warning')}`);
    for (const d of a.diagnostics) io.out(formatDiagnostic(d).join('\n'));
    return a.errorCount > 0 ? EXIT.problems : EXIT.ok;
  },
};
