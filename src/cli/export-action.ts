import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkMemory, limitOn, type BackendChoice, type NeedOptions } from '../runtime';
import {
  type CompiledGraph,
  CompileError,
  compileForInference,
  compileGraph,
  ExportError,
  type ExportFiles,
  exportOnnx,
  exportPyTorch,
  exportWeights,
  loadWeights,
  ONNX_FILE,
  ONNX_OPSETS,
  type OnnxOpset,
  WeightsError,
} from '../compile';
import { loadWeightsFrom, STATE_DICT_FILE, writeModelFolder, writeStateDictFile } from '../compile/node';
import { nodeMemoryLimit, useNodeBackend } from '../runtime/node';
import { analyzeGraph } from '../core/analysis';
import { serializeGraph } from '../core/format/serialize';
import { CliError, EXIT, onePositional, type Io } from './command';
import { loadGraph } from './load';
import { formatBytes } from './text';
import { exportUsage as usage } from './export';

const BACKENDS = ['auto', 'wasm', 'cpu'] as const;

export function parseBackend(value: string | undefined): BackendChoice {
  if (value === undefined) return 'auto';
  if (!(BACKENDS as readonly string[]).includes(value)) throw new CliError(`--backend: expected one of ${BACKENDS.join(', ')}, got "${value}"`);
  return value as BackendChoice;
}

/** What a command will hold in memory, and the `--max-memory` flag (undefined: the machine's free memory). */
export interface MemoryGuard {
  maxMemory: string | undefined;
  need: NeedOptions;
}

/**
 * The graph file compiled on a Node backend, with `--weights` loaded when given. Compile errors exit 1 (the
 * graph has problems); unreadable or ill-fitting weights exit 2. With a guard, a graph whose weights and
 * activations exceed the memory limit is refused (exit 1) before anything is allocated.
 */
export async function compileWithWeights(
  file: string,
  weights: string | undefined,
  io: Io,
  backend: BackendChoice = 'auto',
  guard?: MemoryGuard,
): Promise<CompiledGraph> {
  const { doc, warnings, weights: embedded } = await loadGraph(file);
  for (const w of warnings) io.err(`warning: ${w}`);
  const limit = guard && nodeMemoryLimit(guard.maxMemory);
  if (typeof limit === 'string') throw new CliError(limit);
  let active: string;
  try {
    active = (await useNodeBackend(backend)).backend;
  } catch (err) {
    throw new CliError(`--backend ${backend}: ${(err as Error).message}`);
  }
  if (guard && limit) {
    const analysis = analyzeGraph(doc, { solve: false });
    // A graph with errors does not compile; the compiler says why.
    const verdict = analysis.errorCount === 0 && checkMemory(doc, analysis, limitOn(active, limit), guard.need);
    if (verdict && !verdict.ok) throw new CliError(`${file}: refused: ${verdict.message}`, EXIT.problems);
  }
  let compiled: CompiledGraph;
  try {
    compiled = compileGraph(doc);
  } catch (err) {
    if (err instanceof CompileError) throw new CliError(`${file}: ${err.message}`, EXIT.problems);
    throw err;
  }
  if (weights === undefined && embedded) {
    loadWeights(compiled, embedded, { strict: true });
    return compiled;
  }
  if (weights === undefined) {
    io.err('warning: no --weights given: the network has freshly initialised (random) weights');
    return compiled;
  }
  try {
    const { report } = await loadWeightsFrom(compiled, weights);
    if (report?.unused.length) io.err(`warning: ${weights}: ${report.unused.length} entries not used (${report.unused.slice(0, 5).join(', ')}${report.unused.length > 5 ? ', …' : ''})`);
  } catch (err) {
    compiled.model.dispose();
    if (err instanceof WeightsError) throw new CliError(`${weights}: ${err.message}`);
    throw new CliError((err as Error).message);
  }
  return compiled;
}

async function sizeOf(file: string): Promise<string> {
  return formatBytes((await stat(file)).size);
}

function parseOpset(value: string | undefined, format: string): OnnxOpset | undefined {
  if (value === undefined) return undefined;
  if (format !== 'onnx') throw new CliError(`--opset applies to --format onnx only`);
  const opset = ONNX_OPSETS.find((o) => String(o) === value);
  if (opset === undefined) throw new CliError(`--opset: expected ${ONNX_OPSETS.join(' or ')}, got "${value}"`);
  return opset;
}

/** PyTorch (model.py, weights.safetensors, train.py, README.md) or ONNX (model.onnx) into `dir`. */
async function writeExport(dir: string, compiled: CompiledGraph, format: 'pytorch' | 'onnx', io: Io, opset?: OnnxOpset): Promise<string[]> {
  let files: ExportFiles;
  try {
    if (format === 'pytorch') {
      const exported = await exportPyTorch(compiled);
      files = exported.files;
      // A block written inline (not as its class) is said here too, not only in the folder's README.
      for (const note of exported.notes) io.err(`note: ${note}`);
    } else files = { [ONNX_FILE]: await exportOnnx(compiled, { opset }) };
  } catch (err) {
    if (err instanceof ExportError) throw new CliError(`cannot export to ${format === 'pytorch' ? 'PyTorch' : 'ONNX'}: ${err.message}`, EXIT.problems);
    throw err;
  }
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    written.push(path.join(dir, name));
    await writeFile(written.at(-1)!, content);
  }
  return written;
}

/** `unet-studio export`: loaded only when the command runs, since it pulls in tfjs. */
export async function runExport(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      weights: { type: 'string' },
      optimize: { type: 'boolean' },
      'max-memory': { type: 'string' },
      opset: { type: 'string' },
    },
    allowPositionals: true,
  });
  const file = onePositional(positionals, 'graph file', usage);
  const format = values.format;
  if (format !== 'tfjs' && format !== 'state-dict' && format !== 'pytorch' && format !== 'onnx')
    throw new CliError(`--format: expected tfjs, state-dict, pytorch or onnx, got ${format === undefined ? 'nothing' : `"${format}"`}`);
  const opset = parseOpset(values.opset, format);
  if (!values.out) throw new CliError(`missing --out DIR (usage: unet-studio ${usage})`);
  const out = values.out;
  // The model's weights, and the serialised copy being written (plus the folded model with --optimize).
  // PyTorch / ONNX also hold the weights read out and re-laid before they are serialised.
  const need = { weightCopies: (values.optimize ? 3 : 2) + (format === 'pytorch' || format === 'onnx' ? 1 : 0), forward: false };
  let compiled = await compileWithWeights(file, values.weights, io, 'auto', { maxMemory: values['max-memory'], need });
  if (values.optimize) {
    const optimised = await compileForInference(compiled);
    compiled.model.dispose();
    compiled = optimised;
    io.out(`optimised: ${compiled.folded.length} BatchNorm folded, ${compiled.droppedDropout.length} dropout removed`);
  }
  try {
    let written: string[];
    if (format === 'tfjs') written = await writeModelFolder(out, compiled);
    else if (format === 'pytorch' || format === 'onnx') written = await writeExport(out, compiled, format, io, opset);
    else {
      await mkdir(out, { recursive: true });
      written = [path.join(out, 'graph.json'), path.join(out, STATE_DICT_FILE)];
      await writeFile(written[0]!, serializeGraph(compiled.doc));
      await writeStateDictFile(written[1]!, await exportWeights(compiled));
    }
    io.out(`${compiled.doc.name || file}: ${compiled.model.countParams().toLocaleString('en-US')} parameters`);
    for (const f of written) io.out(`wrote ${f} (${await sizeOf(f)})`);
  } finally {
    compiled.model.dispose();
  }
  return EXIT.ok;
}
