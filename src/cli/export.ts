import type { CliCommand } from './command';

export const exportUsage =
  'export <graph.json|model.onnx> --format tfjs|state-dict|pytorch|onnx --out DIR [--weights FILE|DIR] [--optimize] [--max-memory SIZE] [--opset 17|13]';

export const exportCommand: CliCommand = {
  name: 'export',
  usage: exportUsage,
  description: 'Compile a graph and write a model folder: tfjs, PyTorch-layout weights, PyTorch code + weights + train.py, or ONNX.',
  options: [
    ['--format FORMAT', 'tfjs: files for tf.loadLayersModel; state-dict: weights.json in PyTorch layout (keyed by node id); ' +
      'pytorch: model.py, weights.safetensors, train.py (torchrun-ready), README.md; onnx: model.onnx'],
    ['--out DIR', 'folder to write (created if missing); graph.json is always written with the weights'],
    ['--weights FILE|DIR', 'weights to include: a weights .json (PyTorch layout) or an exported folder; default: the model file\'s own (ONNX), else random init'],
    ['--max-memory SIZE', 'refuse (before allocating) weights estimated to need more, e.g. 8G; default: the free memory'],
    ['--optimize', 'fold BatchNorm into the convs and drop dropout (inference only; graph.json is the folded graph)'],
    ['--opset 17|13', 'onnx: the ONNX opset (default 17; 13 for older runtimes)'],
  ],
  // The action imports tfjs; loading it lazily keeps summary/validate/sizes fast to start.
  run: async (argv, io) => (await import('./export-action')).runExport(argv, io),
};
