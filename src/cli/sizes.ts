import { parseArgs } from 'node:util';
import { inferShapes } from '../core/infer';
import { isCleanShapeReport, sizeIndependentErrors, validSizes } from '../core/solver';
import { parseRangeArg } from './args';
import { EXIT, onePositional, type CliCommand } from './command';
import { loadGraph } from './load';
import { formatDiagnostic } from './text';

const usage = 'sizes <graph.json|model.onnx> [--range 64..1024] [--json]';

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
    ['--json', 'print {range, sizes, current} as JSON'],
  ],
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { range: { type: 'string', default: '64..1024' }, json: { type: 'boolean' } },
      allowPositionals: true,
    });
    const file = onePositional(positionals, 'graph file', usage);
    const range = parseRangeArg(values.range);
    const { doc, warnings } = await loadGraph(file);
    for (const w of warnings) io.err(`warning: ${w}`);

    const current = inferShapes(doc);
    const blocking = sizeIndependentErrors(current);
    if (blocking.length) {
      io.out(`${file}: no input size can help until these errors are fixed:`);
      for (const d of blocking) io.out(formatDiagnostic(d).join('\n'));
      return EXIT.problems;
    }
    const sizes = validSizes(doc, range);
    const input = current.inputId ? current.nodes.get(current.inputId)?.output : undefined;
    if (values.json) {
      io.out(JSON.stringify({ range, sizes, current: input ? { h: input.h, w: input.w, valid: isCleanShapeReport(current) } : null }, null, 2));
      return sizes.length ? EXIT.ok : EXIT.problems;
    }
    const where = `${range.min}..${range.max}`;
    io.out(sizes.length ? `Valid square input sizes in ${where}: ${describeSizes(sizes)}` : `No valid square input size in ${where}.`);
    if (input) io.out(`Current input ${input.h}×${input.w}: ${isCleanShapeReport(current) ? 'valid' : 'has size problems (see unet-studio summary)'}.`);
    return sizes.length ? EXIT.ok : EXIT.problems;
  },
};
