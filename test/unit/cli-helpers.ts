// The `unet-studio` command in-process (tests of what a command prints and returns) and the graphs that used to take
// a machine down (the resource-guard tests), shared by the CLI and runtime tests.
import { runCli } from '../../src/cli/cli';
import { handGraph } from './compile-helpers';

/** Runs `unet-studio ARGV…` in this process: its exit code and what it printed on stdout and stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The 2.6e11-parameter conv: 4096 channels in, 65,536 out, 31×31 (1.88 TiB of weights). */
export const giantConv = () =>
  handGraph(
    [['input', 'input', { channels: 4096, height: 8, width: 8 }], ['conv', 'conv2d', { filters: 65536, kernel: 31, padding: 'same' }], ['output', 'output']],
    [['input', 'conv'], ['conv', 'output']],
  );

/** A 1×16384² input through one 64-filter conv: ~68 GiB of activations, a few KB of weights. */
export const hugeInput = () =>
  handGraph(
    [['input', 'input', { channels: 1, height: 16384, width: 16384 }], ['conv', 'conv2d', { filters: 64, kernel: 3, padding: 'same' }], ['head', 'conv2d', { filters: 2, kernel: 1 }], ['output', 'output']],
    [['input', 'conv'], ['conv', 'head'], ['head', 'output']],
  );
