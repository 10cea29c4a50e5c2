import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { encodeNpy, imageToInput, inputSpecFromParams, nhwcToNchw, predict, renderOutput, resolveView } from '../runtime';
import { readImageFile, writePng } from '../runtime/node';
import { compileForInference } from '../compile';
import { CliError, EXIT, onePositional, type Io } from './command';
import { compileWithWeights, parseBackend } from './export-action';
import { runUsage as usage } from './run';

/** `unet-studio run`: loaded only when the command runs, since it pulls in tfjs. */
export async function runRun(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      image: { type: 'string' },
      weights: { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string' },
      npy: { type: 'string' },
      'max-memory': { type: 'string' },
    },
    allowPositionals: true,
  });
  const file = onePositional(positionals, 'graph file', usage);
  if (!values.image) throw new CliError(`missing --image FILE (usage: unet-studio ${usage})`);
  if (!values.out && !values.npy) throw new CliError('nothing to write: give --out OUT.png and/or --npy OUT.npy');
  const backend = parseBackend(values.backend);
  const image = await readImageFile(values.image).catch((err: Error) => {
    throw new CliError(err.message);
  });

  // The plain and the inference-optimised model are alive together while one is made from the other.
  const need = { weightCopies: 2, forward: true, image: { width: image.width, height: image.height } };
  const plain = await compileWithWeights(file, values.weights, io, backend, { maxMemory: values['max-memory'], need });
  const compiled = await compileForInference(plain);
  plain.model.dispose();
  try {
    const inputId = compiled.inputIds[0]!;
    const spec = inputSpecFromParams(compiled.shapes.nodes.get(inputId)!.params!);
    let input;
    try {
      input = imageToInput(image, spec);
    } catch (err) {
      throw new CliError(`${values.image}: ${(err as Error).message} (input node "${inputId}")`);
    }
    const started = performance.now();
    const outputs = await predict(compiled.model, input);
    const ms = performance.now() - started;
    const out = outputs[0]!;
    const outputId = compiled.outputIds[0]!;
    const view = resolveView(String(compiled.shapes.nodes.get(outputId)!.params!.view ?? 'auto'), out);
    const [, h, w, c] = out.shape;
    io.out(
      `${values.image} ${image.width}×${image.height} → input ${spec.channels}×${spec.height}×${spec.width} → ` +
        `output ${c}×${h}×${w} (${view}) in ${ms.toFixed(0)} ms`,
    );
    if (values.out) {
      await writePng(values.out, renderOutput(out, view));
      io.out(`wrote ${values.out}`);
    }
    if (values.npy) {
      const nchw = nhwcToNchw(out);
      await writeFile(values.npy, encodeNpy(nchw.data, nchw.shape));
      io.out(`wrote ${values.npy} (float32, shape ${nchw.shape.join('×')})`);
    }
  } finally {
    compiled.model.dispose();
  }
  return EXIT.ok;
}
