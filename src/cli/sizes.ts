import { parseArgs } from 'node:util';
import { inferShapes } from '../core/infer';
import { isCleanShapeReport, searchValidSizes, sizeIndependentErrors } from '../core/solver';
import { parseBudgetArg, parseRangeArg } from './args';
import { EXIT, onePositional, type CliCommand } from './command';
import { loadGraph } from './load';
import { formatDiagnostic } from './text';

const usage = 'sizes <graph.json|model.onnx> [--range 64..1024] [--json] [--budget MS]';

/** Lists long regular progressions by their ends and step rather than every value. */
export function describeSizes(sizes: number[]): string {
  if (sizes.length <= 12) return sizes.join(', ');
  const step = sizes[1]! - sizes[0]!;
  const regular = sizes.every((s, i) => i === 0 || s - sizes[i - 1]! === step);
  if (!regular) return sizes.join(', ');
  const head = sizes.slice(0, 3).join(', ');
  const tail = sizes.slice(-2).join(', ');
  return `${head}, …, ${tail} — every ${step === 1 ? 'size' : `${step} px`} (${sizes.length} sizes)`;
}

export const sizesCommand: CliCommand = {
  name: 'sizes',
  usage,
  description: 'Square input sizes that run without size problems (no mismatch, no pool dropping a row). Exit 1 if none.',
  options: [
    ['--range MIN..MAX', 'sizes to try (default 64..1024)'],
    ['--json', 'print {range, sizes, current, complete, checkedUpTo} as JSON'],
    ['--budget MS', 'time the search may take; past it, the sizes found so far are printed as partial (default 2000)'],
  ],
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { range: { type: 'string', default: '64..1024' }, json: { type: 'boolean' }, budget: { type: 'string' } },
      allowPositionals: true,
    });
    const file = onePositional(positionals, 'graph file', usage);
    const range = parseRangeArg(values.range);
    const budgetMs = parseBudgetArg(values.budget);
    const { doc, warnings } = await loadGraph(file);
    for (const w of warnings) io.err(`warning: ${w}`);

    const current = inferShapes(doc);
    const blocking = sizeIndependentErrors(current);
    if (blocking.length) {
      io.out(`${file}: no input size can help until these errors are fixed:`);
      for (const d of blocking) io.out(formatDiagnostic(d).join('\n'));
      return EXIT.problems;
    }
    const { sizes, complete, checkedUpTo } = searchValidSizes(doc, range, { budgetMs });
    const input = current.inputId ? current.nodes.get(current.inputId)?.output : undefined;
    if (values.json) {
      const currentSize = input ? { h: input.h, w: input.w, valid: isCleanShapeReport(current) } : null;
      io.out(JSON.stringify({ range, sizes, current: currentSize, complete, checkedUpTo }, null, 2));
      return sizes.length ? EXIT.ok : EXIT.problems;
    }
    const where = complete ? `${range.min}..${range.max}` : `${range.min}..${checkedUpTo}`;
    if (!complete)
      io.out(`Partial: the search stopped after ${budgetMs} ms, having checked ${checkedUpTo < range.min ? 'no size' : where} of ${range.min}..${range.max} (--budget MS to search longer).`);
    io.out(sizes.length ? `Valid square input sizes in ${where}: ${describeSizes(sizes)}` : `No valid square input size in ${where}.`);
    if (input) io.out(`Current input ${input.h}×${input.w}: ${isCleanShapeReport(current) ? 'valid' : 'has size problems (see unet-studio summary)'}.`);
    return sizes.length ? EXIT.ok : EXIT.problems;
  },
};
