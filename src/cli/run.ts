import type { CliCommand } from './command';

export const runUsage = 'run <graph.json|model.onnx> --image IN.png|jpg [--weights FILE|DIR] [--backend auto|wasm|cpu] --out OUT.png [--npy OUT.npy] [--max-memory SIZE]';

export const runCommand: CliCommand = {
  name: 'run',
  usage: runUsage,
  description: 'Run the network on one image (resized and normalised per the input node); write the output as a PNG and/or .npy.',
  options: [
    ['--image FILE', 'PNG or JPEG; converted to the input node’s channels (1 grayscale, 3 RGB) and size'],
    ['--weights FILE|DIR', 'a weights .json (PyTorch layout) or an exported model folder; default: random init'],
    ['--backend NAME', 'auto (wasm, else cpu), wasm or cpu'],
    ['--out FILE', 'output picture: class mask, probability map or image, per the output node’s view'],
    ['--npy FILE', 'raw output as float32 .npy, shape (N, C, H, W)'],
    ['--max-memory SIZE', 'refuse (before allocating) a run estimated to need more, e.g. 8G; default: the free memory (wasm: at most 4 GiB)'],
  ],
  // The action imports tfjs; loading it lazily keeps summary/validate/sizes fast to start.
  run: async (argv, io) => (await import('./run-action')).runRun(argv, io),
};
