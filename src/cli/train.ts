import type { CliCommand } from './command';

export const trainUsage =
  'train <graph.json> (--data DIR | --samples membranes|nuclei) --out WEIGHTS_DIR [--steps N] [--batch B] [--patch P] ' +
  '[--loss bce|ce|dice|bce+dice|weighted-ce] [--optimizer adam|sgd] [--lr X] [--seed S] [--weights FILE|DIR] [--backend auto|wasm|cpu] [--max-memory SIZE]';

export const trainCommand: CliCommand = {
  name: 'train',
  usage: trainUsage,
  description: 'Train the network on image + mask pairs (random patches, flips/rotations, a validation split); write weights that `run --weights` takes.',
  options: [
    ['--data DIR', 'image + mask pairs, paired by name: a.png + a-mask.png (or _mask, -label), or images/a.png + masks/a.png; masks binary or indexed PNGs'],
    ['--samples NAME', 'generated data instead: membranes (grayscale EM-like cells) or nuclei (RGB stain)'],
    ['--out DIR', 'weights folder: graph.json, model.json + weights.bin (tfjs) and weights.json (PyTorch layout)'],
    ['--steps N', 'optimiser steps (default 500)'],
    ['--batch B', 'patches per step (default 4)'],
    ['--patch P', "input patch side in px (default: the graph's input up to 128, or the nearest valid size)"],
    ['--loss NAME', 'bce / ce: cross-entropy (binary for a 1-channel head); dice; bce+dice (default); weighted-ce: the paper’s border-weighted cross-entropy'],
    ['--optimizer NAME', 'adam (default) or sgd (momentum 0.99, as the paper)'],
    ['--lr X', 'learning rate (default 0.001)'],
    ['--seed S', 'seed of the initial weights, the patches and the augmentation (default 1)'],
    ['--weights FILE|DIR', 'start from these weights (nodes that do not fit start fresh)'],
    ['--val-every N', 'validate (and print val Dice) every N steps (default 50)'],
    ['--log-every N', 'print a progress line every N steps (default 10)'],
    ['--backend NAME', 'auto (wasm, else cpu), wasm or cpu'],
    ['--max-memory SIZE', 'refuse (before allocating) training estimated to need more (weights, gradients, optimiser state, activations × batch), e.g. 8G; default: the free memory (wasm: at most 4 GiB)'],
  ],
  // The action imports tfjs; loading it lazily keeps summary/validate/sizes fast to start.
  run: async (argv, io) => (await import('./train-action')).runTrain(argv, io),
};
