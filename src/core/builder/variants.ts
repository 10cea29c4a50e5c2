import type { GraphDoc } from '../types';
import { buildUNet } from './build';
import type { UNetOptionsInput } from './options';

/** A named U-Net design: the options that rebuild it exactly, and where it comes from. */
export interface UNetVariant {
  /** Stable id; also the template's file name (templates/<id>.json). */
  id: string;
  /** Builder options, name and description included; unspecified options keep the paper defaults. */
  options: UNetOptionsInput & { name: string; description: string };
}

const PAPER_SOURCE =
  'Ronneberger, Fischer & Brox, "U-Net: Convolutional Networks for Biomedical Image Segmentation", MICCAI 2015 (arXiv:1505.04597)';
const MILESIAL = 'milesial/Pytorch-UNet (github.com/milesial/Pytorch-UNet, unet_model.py / unet_parts.py)';
const SLIM_SOURCE =
  'The TensorFlow-slim U-Net of Learning-to-See-in-the-Dark (Chen et al., CVPR 2018): same-padded 3×3 convs with leaky ReLU 0.2, 2×2 max-pool, bias-free 2×2 transposed-conv up steps';

const upconvBlocks: UNetOptionsInput = {
  inChannels: 3,
  inputSize: { h: 256, w: 256 },
  padding: 'same',
  norm: 'batch',
  upMode: 'nearest-conv',
  upConvKernel: 3,
  upNormAct: true,
  concatMode: 'none',
  skipOrder: 'skip-first',
  head: { kernel: 1, classes: 1 },
};

const milesial: UNetOptionsInput = {
  inChannels: 3,
  inputSize: { h: 256, w: 256 },
  padding: 'same',
  bias: false,
  norm: 'batch',
  concatMode: 'pad',
  skipOrder: 'skip-first',
  head: { kernel: 1, classes: 2 },
};

const slim: UNetOptionsInput = {
  base: 32,
  inChannels: 3,
  inputSize: { h: 256, w: 256 },
  padding: 'same',
  activation: 'leakyRelu',
  alpha: 0.2,
  down: 'maxpool-same',
  upMode: 'transposed',
  upBias: false,
  concatMode: 'none',
  skipOrder: 'up-first',
};

/** The reference designs (see the reference table in the docs), each the source of a template. */
export const UNET_VARIANTS: readonly UNetVariant[] = [
  {
    id: 'paper-572',
    options: {
      name: 'U-Net (paper, 572×572)',
      description:
        `The original U-Net: unpadded 3×3 convs with ReLU, 2×2 max-pool, 2×2 up-convs halving the channels, skips ` +
        `center-cropped and concatenated as [skip, up], 1×1 head to 2 classes; 1×572×572 → 2×388×388. Source: ${PAPER_SOURCE}.`,
    },
  },
  {
    id: 'milesial-transposed',
    options: {
      ...milesial,
      name: 'U-Net (milesial, transposed conv)',
      description:
        `Same-padded 3×3 convs without bias + BatchNorm + ReLU, 2×2 transposed-conv up steps; the up-sampled tensor is ` +
        `zero-padded to the skip's size and concatenated as [skip, up]. Source: ${MILESIAL}, UNet(n_channels=3, n_classes=2, bilinear=False).`,
      upMode: 'transposed',
    },
  },
  {
    id: 'milesial-bilinear',
    options: {
      ...milesial,
      name: 'U-Net (milesial, bilinear)',
      description:
        `As milesial's transposed variant, but parameter-free bilinear ×2 up-sampling (align_corners=True); the ` +
        `bottleneck and decoder widths are halved and each decoder double conv goes through half its input width. ` +
        `Source: ${MILESIAL}, UNet(n_channels=3, n_classes=2, bilinear=True).`,
      upMode: 'bilinear',
      alignCorners: true,
      bottleneckFactor: 2,
      midChannels: 'half-in',
    },
  },
  {
    id: 'keras-get_unet',
    options: {
      name: 'U-Net (Keras get_unet)',
      description:
        'The widely copied Keras get_unet (e.g. jocicmarko/ultrasound-nerve-segmentation): 32…512 channels, same-padded ' +
        'ReLU convs, Conv2DTranspose 2×2 stride 2, concatenate([up, skip]), 1×1 sigmoid head; 1×96×96 in.',
      base: 32,
      inChannels: 1,
      inputSize: { h: 96, w: 96 },
      padding: 'same',
      concatMode: 'none',
      skipOrder: 'up-first',
      head: { kernel: 1, classes: 1, activation: 'sigmoid' },
    },
  },
  {
    id: 'strided-nearest',
    options: {
      name: 'U-Net (strided down, nearest up)',
      description:
        'A common PyTorch U-Net: conv → BatchNorm → dropout (0.3, then 0.4) → LeakyReLU(0.01), twice per ' +
        'level; down by a 3×3 stride-2 conv + LeakyReLU; up by nearest ×2 and a 1×1 conv halving the channels; ' +
        'concat [up, skip]; 3×3 head to 3 channels with sigmoid.',
      inChannels: 3,
      inputSize: { h: 256, w: 256 },
      padding: 'same',
      norm: 'batch',
      dropout: [0.3, 0.4],
      activation: 'leakyRelu',
      alpha: 0.01,
      down: 'strided-conv',
      upMode: 'nearest-conv',
      upConvKernel: 1,
      concatMode: 'none',
      skipOrder: 'up-first',
      head: { kernel: 3, classes: 3, activation: 'sigmoid' },
    },
  },
  {
    id: 'upconv-blocks',
    options: {
      name: 'U-Net (up-conv blocks)',
      description:
        'The U_Net of LeeJunHyun/Image_Segmentation: conv_block = (3×3 conv + BatchNorm + ReLU) ×2, ' +
        'up_conv = nearest ×2 + 3×3 conv + BatchNorm + ReLU halving the channels, concat [skip, up], 1×1 head to 1 channel.',
      ...upconvBlocks,
    },
  },
  {
    id: 'attention-unet',
    options: {
      ...upconvBlocks,
      name: 'Attention U-Net',
      description:
        'Attention U-Net (Oktay et al., "Attention U-Net: Learning Where to Look for the Pancreas", MIDL 2018; arXiv:1804.03999) ' +
        'as AttU_Net of LeeJunHyun/Image_Segmentation: the up-conv-blocks U-Net with an attention gate on every skip, ' +
        'α = σ(BN(ψ(relu(BN(W_g·g) + BN(W_x·x))))) with 1×1 convs, F_int = half the skip width, g = the up-sampled decoder ' +
        'tensor; concat [gated skip, up]; 1×1 head to 1 channel.',
      skipGate: 'attention',
    },
  },
  {
    id: 'res-unet',
    options: {
      name: 'ResUNet',
      description:
        'ResUNet (Zhang, Liu & Wang, "Road Extraction by Deep Residual U-Net", IEEE GRSL 2018; arXiv:1711.10684): widths ' +
        '64/128/256 and a 512 bridge over three levels; input unit conv → BN → ReLU → conv plus a conv shortcut; down by ' +
        'pre-activated residual units (BN → ReLU → 3×3 conv, twice, plus a 3×3 conv + BN shortcut) striding by 2; up by 2×2 ' +
        'transposed convs keeping the channels, concat [up, skip], residual unit; 1×1 head to 1 channel with sigmoid.',
      depth: 3,
      inChannels: 3,
      inputSize: { h: 256, w: 256 },
      padding: 'same',
      block: 'residual',
      down: 'strided-block',
      upMode: 'transposed',
      upConvChannels: 'same',
      concatMode: 'none',
      skipOrder: 'up-first',
      head: { kernel: 1, classes: 1, activation: 'sigmoid' },
    },
  },
  {
    id: 'slim-1X',
    options: {
      ...slim,
      name: 'U-Net (TF-slim, 1×)',
      description: `${SLIM_SOURCE}; concat [up, skip]; 1×1 head to 6 channels, no activation.`,
      head: { kernel: 1, classes: 6 },
    },
  },
  {
    id: 'slim-3X',
    options: {
      ...slim,
      name: 'U-Net (TF-slim, 3× depth-to-space)',
      description:
        `${SLIM_SOURCE}; concat [up, skip]; 1×1 head to 27 channels, then TensorFlow depth_to_space with block 3 ` +
        '(3 channels at 3× the size).',
      head: { kernel: 1, classes: 3 },
      depthToSpace: 3,
    },
  },
  {
    id: 'paper-crop',
    options: {
      name: 'U-Net (paper) · skips cropped',
      description:
        `The paper network, skips joined by cropping: unpadded convs, the skip is center-cropped to ` +
        `the up-sampled tensor (identical to paper-572). Source: ${PAPER_SOURCE}.`,
    },
  },
  {
    id: 'paper-pad-decoder',
    options: {
      name: 'U-Net (paper) · decoder padded to the skip',
      description:
        `The paper network, skips joined by padding the decoder: unpadded convs, the up-sampled decoder tensor is ` +
        `zero-padded to the skip's size (extra row/column bottom/right) instead of cropping the skip. Source: ${PAPER_SOURCE}.`,
      concatMode: 'pad',
    },
  },
  {
    id: 'paper-same',
    options: {
      name: 'U-Net (paper) · same padding',
      description:
        `The paper network with same padding: same-padded convs keep every size, so skips ` +
        `concatenate as they are; the input must be a multiple of 16 (here 512×512). Source: ${PAPER_SOURCE}.`,
      padding: 'same',
      concatMode: 'none',
      inputSize: { h: 512, w: 512 },
    },
  },
  ...(['crop', 'pad', 'same'] as const).map(
    (mode, i): UNetVariant => ({
      id: `seed004-${mode}`,
      options: {
        name: `U-Net (paper + BatchNorm) · ${mode === 'crop' ? 'skips cropped' : mode === 'pad' ? 'decoder padded to the skip' : 'same padding'}`,
        description:
          `The paper U-Net with BatchNorm after every 3×3 conv (bias kept), as a common PyTorch reimplementation writes it: ` +
          `31,042,434 parameters, ${mode === 'crop' ? "the skip center-cropped (torchvision's CenterCrop, whose " +
            'half-to-even rounding equals our floor here because U-Net skip surpluses are even — set the crop\'s rounding to half-even for other sizes)' : mode === 'pad' ? "the up-sampled tensor zero-padded to the skip's size" : 'same-padded convs, input a multiple of 16'}, ` +
          `so its state dicts load without folding. Source: ${PAPER_SOURCE}.`,
        norm: 'batch',
        ...(mode === 'pad' ? { concatMode: 'pad' as const } : {}),
        ...(mode === 'same' ? { padding: 'same' as const, concatMode: 'none' as const, inputSize: { h: 512, w: 512 } } : {}),
      },
    }),
  ),
];

export function getVariant(id: string): UNetVariant | undefined {
  return UNET_VARIANTS.find((v) => v.id === id);
}

/** The template document of a variant. */
export function buildVariant(id: string): GraphDoc {
  const variant = getVariant(id);
  if (!variant) throw new Error(`unknown U-Net variant "${id}" (known: ${UNET_VARIANTS.map((v) => v.id).join(', ')})`);
  return buildUNet(variant.options);
}
