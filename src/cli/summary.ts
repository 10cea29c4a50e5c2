import { parseArgs } from 'node:util';
import { analyzeGraph, type Analysis } from '../core/analysis';
import { blockSummary } from '../core/blocks';
import { formatShape, type GraphDoc } from '../core/types';
import { parseBudgetArg, parseShapeArg } from './args';
import { EXIT, onePositional, type CliCommand } from './command';
import { loadGraph } from './load';
import { formatBytes, formatCount, formatDiagnostic, formatInt, plural, renderTable, sizeTrace } from './text';

const usage = 'summary <graph.json|model.onnx> [--input CxHxW] [--json] [--budget MS]';

export const summaryCommand: CliCommand = {
  name: 'summary',
  usage,
  description: 'Layer table (output shape, params, mult-adds, memory), totals and every diagnostic. Exit 1 on errors.',
  options: [
    ['--input CxHxW', 'analyze at another input size (HxW keeps the channels), e.g. 1x188x188'],
    ['--json', 'print the analysis as JSON instead of a table'],
    ['--budget MS', 'time the valid-input-size search may take before it reports what it found (default 2000)'],
  ],
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { input: { type: 'string' }, json: { type: 'boolean' }, budget: { type: 'string' } },
      allowPositionals: true,
    });
    const file = onePositional(positionals, 'graph file', usage);
    const input = values.input === undefined ? undefined : parseShapeArg(values.input);
    const { doc, warnings } = await loadGraph(file, { inputSize: input?.h && input.w ? { h: input.h, w: input.w } : undefined });
    for (const w of warnings) io.err(`warning: ${w}`);
    const analysis = analyzeGraph(doc, { input, sizeSearchBudgetMs: parseBudgetArg(values.budget) });
    io.out(values.json ? JSON.stringify(toJson(doc.name, analysis, doc), null, 2) : renderSummary(doc.name, analysis, doc).join('\n'));
    return analysis.errorCount > 0 ? EXIT.problems : EXIT.ok;
  },
};

/**
 * Counts past 2^53 are float sums or products whose last digits are not exact; `--json` names them (totals, each
 * row's params and mult-adds, each block's params) by their path in the output.
 */
function approximateCounts(a: Analysis, blocks: { params: number }[]): string[] {
  const t = a.totals;
  const fields: [string, number][] = [
    ['params.total', t.params.total],
    ['params.trainable', t.params.trainable],
    ['params.nonTrainable', t.params.nonTrainable],
    ['paramBytes', t.paramBytes],
    ['macs', t.macs],
    ['activationBytes', t.activationBytes],
    ['peakBytes', t.peakBytes],
  ];
  const inexact = (v: number) => !Number.isSafeInteger(v);
  return [
    ...fields.filter(([, v]) => inexact(v)).map(([k]) => `totals.${k}`),
    ...a.rows.flatMap((r, i) => [
      ...(inexact(r.params.total) ? [`rows[${i}].params.total`] : []),
      ...(inexact(r.macs) ? [`rows[${i}].macs`] : []),
      ...(inexact(r.bytes) ? [`rows[${i}].bytes`] : []),
    ]),
    ...blocks.flatMap((b, i) => (inexact(b.params) ? [`blocks[${i}].params`] : [])),
  ];
}

/** Each composite block: its type, members, the shapes crossing its boundary and its parameters. */
function blockRows(doc: Pick<GraphDoc, 'nodes' | 'edges' | 'blocks'> | undefined, a: Analysis) {
  return (doc?.blocks ?? []).map((b) => {
    const s = blockSummary(doc!, b, a.shapes);
    return {
      id: b.id,
      name: b.name,
      nodes: b.nodes,
      inputs: s.inputs.map((p) => ({ from: p.node, shape: p.shape })),
      outputs: s.outputs.map((p) => ({ node: p.node, shape: p.shape })),
      params: s.parameters,
      complete: s.complete,
    };
  });
}

/** The analysis without its Maps and op objects, for `--json`. */
export function toJson(name: string, a: Analysis, doc?: Pick<GraphDoc, 'nodes' | 'edges' | 'blocks'>) {
  const blocks = blockRows(doc, a);
  const approximate = approximateCounts(a, blocks);
  return {
    ...(approximate.length ? { approximate } : {}),
    name,
    input: a.input,
    rows: a.rows,
    totals: a.totals,
    mainPath: a.mainPath,
    ...(blocks.length ? { blocks } : {}),
    errorCount: a.errorCount,
    warningCount: a.warningCount,
    diagnostics: a.diagnostics,
  };
}

export function renderSummary(name: string, a: Analysis, doc?: Pick<GraphDoc, 'nodes' | 'edges' | 'blocks'>): string[] {
  const title = a.input
    ? `${name || 'graph'} — input ${formatShape(a.input.shape)}${a.input.batch !== 1 ? `, batch ${a.input.batch}` : ''}`
    : name || 'graph';
  const table = renderTable(
    ['Node', 'Op', 'Output shape', 'Params', 'Mult-adds', 'Memory'],
    a.rows.map((r) => [r.id, r.op, formatShape(r.output), formatInt(r.params.total), formatInt(r.macs), formatBytes(r.bytes)]),
    ['left', 'left', 'left', 'right', 'right', 'right'],
  );
  const t = a.totals;
  const facts: [string, string][] = [
    ['Total params', formatInt(t.params.total)],
    ['Trainable params', formatInt(t.params.trainable)],
    ['Non-trainable params', formatInt(t.params.nonTrainable)],
    ['Total mult-adds', `${formatCount(t.macs)} (${formatInt(t.macs)})`],
    ['Params size', formatBytes(t.paramBytes)],
    ['Activation memory (all outputs)', formatBytes(t.activationBytes)],
    ['Peak memory (one inference)', formatBytes(t.peakBytes)],
  ];
  const labelWidth = Math.max(...facts.map(([k]) => k.length)) + 1;
  const lines = [title, ...table, ...facts.map(([k, v]) => `${`${k}:`.padEnd(labelWidth)} ${v}`)];
  if (a.mainPath.length > 1) lines.push(`Size trace: ${sizeTrace(a.mainPath.map((p) => p.output))}`);
  const blocks = blockRows(doc, a);
  if (blocks.length) {
    const shapes = (ports: { shape?: Parameters<typeof formatShape>[0] }[]) => ports.map((p) => formatShape(p.shape)).join(', ') || '–';
    lines.push('', `Blocks (${blocks.length}):`);
    lines.push(
      ...renderTable(
        ['Block', 'Type', 'Nodes', 'In → out', 'Params'],
        blocks.map((b) => [b.id, b.name, String(b.nodes.length), `${shapes(b.inputs)} → ${shapes(b.outputs)}`, `${formatInt(b.params)}${b.complete ? '' : ' (incomplete)'}`]),
        ['left', 'left', 'right', 'left', 'right'],
      ),
    );
  }
  lines.push('');
  if (a.diagnostics.length === 0) lines.push('No problems.');
  else {
    lines.push(`${plural(a.errorCount, 'error')}, ${plural(a.warningCount, 'warning')}:`);
    for (const d of a.diagnostics) lines.push(...formatDiagnostic(d));
  }
  return lines;
}
