import { formatShape } from '../../../core/types';
import type { TorchModelSource } from './model';
import { pyText } from './names';

/** README.md of the export folder: what is in it and how to train, on one machine or several. */
export function folderReadme(name: string, source: TorchModelSource, parameters: number): string {
  const title = pyText(name) || 'network';
  const channels = source.outputShape.c;
  return `# ${title} — PyTorch export

Exported by UNet Studio: input N×${formatShape(source.inputShape)}, output N×${formatShape(source.outputShape)}` +
    `${source.outputActivation ? ` (${source.outputActivation})` : ' (raw scores)'}, ${parameters.toLocaleString('en-US')} parameters.

| File | What |
| --- | --- |
| \`model.py\` | the network as one \`nn.Module\` (\`UNet\`), layers named after the graph's nodes${structureText(source)} |
| \`weights.safetensors\` | its weights (\`model.load_weights\`; \`load_state_dict(strict=True)\`) — read with torch alone if the \`safetensors\` package is missing |
| \`train.py\` | training on image/mask folders, one process or many (torchrun, DistributedDataParallel) |
| \`graph.json\` | the UNet Studio graph it was exported from |
${source.notes.map((n) => `\nNote: ${n}\n`).join('')}
## Use it

\`\`\`python
import torch
import model
net = model.build().eval()            # UNet() + weights.safetensors
y = net(torch.rand(1, *model.INPUT_SHAPE))
\`\`\`

## Train

Data: \`DATA/images/NAME.png\` and \`DATA/masks/NAME.png\` (or \`.npy\`); masks hold class indices (0/255 counts as 0/1).
Each step takes random ${source.inputShape.h}×${source.inputShape.w} crops; the loss compares the network's ${source.outputShape.h}×${source.outputShape.w} output with the matching mask region.

\`\`\`sh
python train.py --data DATA                                   # CPU or one GPU (mixed precision on CUDA)
torchrun --nproc_per_node=4 train.py --data DATA              # 4 GPUs on this machine (nccl; gloo on CPU)
torchrun --nnodes=2 --node_rank=0 --master_addr=HOST --master_port=29500 \\
         --nproc_per_node=8 train.py --data DATA              # run on each machine, node_rank 0 and 1
python train.py --data DATA --resume auto                     # continue from runs/last.pt
\`\`\`

Losses (\`--loss\`): \`bce\` (one output channel, the default there), \`ce\` (the default for ${channels > 1 ? 'this model' : 'several channels'}), \`dice\`,
\`bce+dice\`, \`weighted-ce\` (the U-Net paper's weight map: class balance + w0·exp(−(d1+d2)²/2σ²), w0 = 10, σ = 5).
Options: \`--epochs\`, \`--max-steps\`, \`--batch-size\` (per process), \`--lr\`, \`--out\` (checkpoints \`last.pt\`, final \`weights.pt\`),
\`--weights none\` (start from a fresh initialisation), \`--sync-bn\`, \`--no-amp\`.

Debian 12's torch 1.13 on Python 3.11 stops torchrun at start with \`'NoneType' object has no attribute 'get'\`;
add \`--redirects 2 --tee 2\` to the torchrun command there.
`;
}

function structureText(source: TorchModelSource): string {
  if (source.structure === 'levels') return ', in DoubleConv / Down / Up blocks';
  if (source.structure === 'document') return `, the graph's blocks as classes (${source.blockClasses.map((c) => `\`${c}\``).join(', ')})`;
  return '';
}
