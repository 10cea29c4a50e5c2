import type { CliCommand } from './command';

export const exportUsage = 'export <graph.json|model.onnx> --format tfjs|state-dict --out DIR [--weights FILE|DIR] [--optimize] [--max-memory SIZE]';

export const exportCommand: CliCommand = {
  name: 'export',
  usage: exportUsage,
  description: 'Compile a graph and write a model folder: tfjs (graph.json, model.json, weights.bin) or PyTorch-layout weights.',
  options: [
    ['--format tfjs|state-dict', 'tfjs: files for tf.loadLayersModel; state-dict: weights.json in PyTorch layout (keyed by node id)'],
    ['--out DIR', 'folder to write (created if missing); graph.json is always written with the weights'],
    ['--weights FILE|DIR', 'weights to include: a weights .json (PyTorch layout) or an exported folder; default: the model file\'s own (ONNX), else random init'],
    ['--max-memory SIZE', 'refuse (before allocating) weights estimated to need more, e.g. 8G; default: the free memory'],
    ['--optimize', 'fold BatchNorm into the convs and drop dropout (inference only; graph.json is the folded graph)'],
  ],
  // The action imports tfjs; loading it lazily keeps summary/validate/sizes fast to start.
  run: async (argv, io) => (await import('./export-action')).runExport(argv, io),
};
