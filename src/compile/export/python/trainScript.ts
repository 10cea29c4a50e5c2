/** train.py, the training script of a PyTorch export (same for every model; it reads model.py's constants). */
export const TRAIN_PY = String.raw`"""Train the exported network on image/mask folders, on one machine or many (torchrun + DistributedDataParallel).

    python train.py --data DIR                                  # CPU or one GPU
    torchrun --nproc_per_node=4 train.py --data DIR             # 4 GPUs (nccl) or 4 CPU processes (gloo)
    torchrun --nnodes=2 --node_rank=0 --master_addr=HOST --nproc_per_node=8 train.py --data DIR

DIR holds images/ and masks/ with matching file names (a.png and a.png, or a.npy). Images are read as
INPUT_SHAPE[0] channels scaled to [0, 1]; masks hold class indices (0/255 masks count as 0/1). Training takes
random INPUT_SHAPE crops; the target is the matching OUTPUT_SHAPE region (the centre for valid convolutions).
Checkpoints go to --out (last.pt, resumed with --resume); the final weights to --out/weights.pt.
"""
import argparse
import os
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset, DistributedSampler

import model as exported

IMAGE_EXTS = ('.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.npy')
LOSSES = ('bce', 'ce', 'dice', 'bce+dice', 'weighted-ce')


def read_array(path, channels=None):
    """An image or mask file as a float32 array H×W×C (.npy: H×W or H×W×C, or C×H×W when C is small)."""
    if path.suffix == '.npy':
        a = np.load(path).astype(np.float32)
        if a.ndim == 3 and a.shape[0] <= 4 < a.shape[-1]:
            a = a.transpose(1, 2, 0)
    else:
        try:
            from PIL import Image
        except ImportError:
            raise SystemExit(f'{path}: reading images needs Pillow (pip install pillow, or apt-get install python3-pil), or use .npy files')
        img = Image.open(path)
        if channels is not None:
            img = img.convert('L' if channels == 1 else 'RGB')
        a = np.asarray(img, dtype=np.float32)
        if channels is not None:
            a = a / 255.0
    if a.ndim == 2:
        a = a[:, :, None]
    if channels is not None and a.shape[2] != channels:
        if a.shape[2] == 1:
            a = np.repeat(a, channels, axis=2)
        else:
            raise SystemExit(f'{path}: {a.shape[2]} channels, the model takes {channels}')
    return a


def class_map(mask, classes):
    """Class indices from a mask: its values, or 0/1 for a 0/255-style binary mask."""
    m = mask[:, :, 0]
    if m.max() > max(classes - 1, 1):
        if classes > 2:
            raise SystemExit(f'mask values up to {m.max():g} for {classes} classes; store class indices 0..{classes - 1}')
        m = m > 0
    return m.astype(np.int64)


def border_weights(labels, classes, w0=10.0, sigma=5.0):
    """The U-Net paper's weight map, as UNet Studio computes it: class balance (each class present weighs
    N / (classes present · its count), so the mean is 1) plus w0·exp(-(d1 + d2)² / 2σ²) on background pixels,
    d1 and d2 the distances to the nearest and second-nearest cell (4-connected foreground component)."""
    t = torch.from_numpy(labels)
    counts = torch.bincount(t.flatten(), minlength=classes).float()
    present = int((counts > 0).sum())
    w = (t.numel() / (present * counts.clamp_min(1)))[t]
    fg = (t > 0).float()[None, None]
    if fg.sum() == 0:
        return w.numpy().astype(np.float32)
    # Connected components (4-neighbourhood: cells touching at a corner are two) by propagating the largest
    # label to the pixel's row and column neighbours until nothing changes.
    h, wd = labels.shape
    comp = (torch.arange(1, h * wd + 1, dtype=torch.float32).reshape(1, 1, h, wd)) * fg
    while True:
        grown = torch.maximum(F.max_pool2d(comp, (3, 1), 1, (1, 0)), F.max_pool2d(comp, (1, 3), 1, (0, 1))) * fg
        if torch.equal(grown, comp):
            break
        comp = grown
    ids = comp.unique()
    ids = ids[ids > 0]
    if len(ids) < 2:
        return w.numpy().astype(np.float32)
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(wd, dtype=torch.float32), indexing='ij')
    grid = torch.stack([ys.flatten(), xs.flatten()], 1)
    d1 = torch.full((h * wd,), float('inf'))
    d2 = torch.full((h * wd,), float('inf'))
    for k in ids:
        obj = comp[0, 0] == k
        edge = obj & (F.max_pool2d((~obj).float()[None, None], 3, 1, 1)[0, 0] > 0)  # the object's boundary pixels
        pts = grid[edge.flatten()] if edge.any() else grid[obj.flatten()]
        d = torch.cat([torch.cdist(chunk, pts).min(1).values for chunk in grid.split(65536)])
        d[obj.flatten()] = 0
        d2 = torch.minimum(d2, torch.maximum(d1, d))
        d1 = torch.minimum(d1, d)
    border = w0 * torch.exp(-((d1 + d2) ** 2) / (2 * sigma ** 2))
    border[fg.flatten() > 0] = 0
    return (w + border.reshape(h, wd)).numpy().astype(np.float32)


class Folder(Dataset):
    """images/NAME and masks/NAME pairs; random input-size crops and the output-size target region."""

    def __init__(self, root, classes, weight_maps, crop=True):
        root = Path(root)
        images = {p.stem: p for p in sorted((root / 'images').iterdir()) if p.suffix.lower() in IMAGE_EXTS}
        masks = {p.stem: p for p in sorted((root / 'masks').iterdir()) if p.suffix.lower() in IMAGE_EXTS}
        self.names = sorted(images.keys() & masks.keys())
        if not self.names:
            raise SystemExit(f'{root}: no image/mask pairs (expected images/NAME.png and masks/NAME.png)')
        self.images, self.masks = images, masks
        self.classes, self.weight_maps, self.crop = classes, weight_maps, crop
        self.cache = {}

    def __len__(self):
        return len(self.names)

    def load(self, name):
        if name not in self.cache:
            image = read_array(self.images[name], exported.INPUT_SHAPE[0])
            labels = class_map(read_array(self.masks[name]), self.classes)
            if labels.shape != image.shape[:2]:
                raise SystemExit(f'{name}: mask {labels.shape} and image {image.shape[:2]} differ in size')
            weights = border_weights(labels, self.classes) if self.weight_maps else np.ones(labels.shape, np.float32)
            self.cache[name] = (image, labels, weights)
        return self.cache[name]

    def __getitem__(self, i):
        image, labels, weights = self.load(self.names[i])
        _, h, w = exported.INPUT_SHAPE
        ph, pw = max(h - image.shape[0], 0), max(w - image.shape[1], 0)
        if ph or pw:  # mirror small images up to the input size, as the paper's overlap-tile does at borders
            pad = ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2))
            image = np.pad(image, pad + ((0, 0),), mode='reflect')
            labels, weights = np.pad(labels, pad, mode='reflect'), np.pad(weights, pad, mode='reflect')
        top = random.randint(0, image.shape[0] - h) if self.crop else (image.shape[0] - h) // 2
        left = random.randint(0, image.shape[1] - w) if self.crop else (image.shape[1] - w) // 2
        x = torch.from_numpy(np.ascontiguousarray(image[top:top + h, left:left + w].transpose(2, 0, 1)))
        target = torch.from_numpy(np.ascontiguousarray(labels[top:top + h, left:left + w]))
        weight = torch.from_numpy(np.ascontiguousarray(weights[top:top + h, left:left + w]))
        return x, fit(target, torch.long), fit(weight, torch.float32)


def fit(t, dtype):
    """The target for the network's output: its centre (valid convolutions shrink the output) or, for a larger
    output (depth-to-space), nearest-upsampled."""
    _, oh, ow = exported.OUTPUT_SHAPE
    h, w = t.shape
    if oh <= h and ow <= w:
        return t[(h - oh) // 2:(h - oh) // 2 + oh, (w - ow) // 2:(w - ow) // 2 + ow].to(dtype)
    return F.interpolate(t[None, None].float(), size=(oh, ow), mode='nearest')[0, 0].to(dtype)


def probabilities(out):
    act = exported.OUTPUT_ACTIVATION
    if act is not None:
        return out
    return torch.sigmoid(out) if out.shape[1] == 1 else F.softmax(out, dim=1)


def pixel_losses(out, target):
    """Per-pixel BCE (one output channel) or cross-entropy, from logits or from the model's own sigmoid/softmax."""
    if out.shape[1] == 1:
        y = target[:, None].float()
        if exported.OUTPUT_ACTIVATION == 'sigmoid':
            return F.binary_cross_entropy(out.clamp(1e-7, 1 - 1e-7), y, reduction='none')[:, 0]
        return F.binary_cross_entropy_with_logits(out, y, reduction='none')[:, 0]
    if exported.OUTPUT_ACTIVATION == 'softmax':
        return F.nll_loss(out.clamp_min(1e-7).log(), target, reduction='none')
    return F.cross_entropy(out, target, reduction='none')


def dice_loss(out, target, smooth=1.0):
    p = probabilities(out)
    if p.shape[1] == 1:
        g = target[:, None].float()
    else:
        g = F.one_hot(target, p.shape[1]).permute(0, 3, 1, 2).float()
    inter = (p * g).sum((0, 2, 3))
    return 1 - ((2 * inter + smooth) / (p.sum((0, 2, 3)) + g.sum((0, 2, 3)) + smooth)).mean()


def compute_loss(name, out, target, weight):
    out = out.float()
    if name in ('bce', 'ce'):
        return pixel_losses(out, target).mean()
    if name == 'dice':
        return dice_loss(out, target)
    if name == 'bce+dice':
        return pixel_losses(out, target).mean() + dice_loss(out, target)
    if name == 'weighted-ce':
        return (pixel_losses(out, target) * weight).sum() / weight.sum()
    raise ValueError(name)


def arguments(argv=None):
    p = argparse.ArgumentParser(description='Train the exported network (single process or torchrun).')
    p.add_argument('--data', required=True, help='folder with images/ and masks/')
    p.add_argument('--out', default='runs', help='checkpoints and final weights (default: runs/)')
    p.add_argument('--epochs', type=int, default=50)
    p.add_argument('--max-steps', type=int, default=0, help='stop after this many optimiser steps in all (0: no limit)')
    p.add_argument('--batch-size', type=int, default=4, help='per process')
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--loss', choices=LOSSES, help='default: bce for one output channel, else ce')
    p.add_argument('--weights', default=str(exported.WEIGHTS), help="initial weights ('none': fresh initialisation)")
    p.add_argument('--resume', help="a checkpoint to continue from ('auto': OUT/last.pt when it exists)")
    p.add_argument('--no-amp', action='store_true', help='no mixed precision on CUDA')
    p.add_argument('--sync-bn', action='store_true', help='synchronise BatchNorm statistics across GPUs')
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--log-every', type=int, default=1)
    return p.parse_args(argv)


def main(argv=None):
    args = arguments(argv)
    classes = max(exported.OUTPUT_SHAPE[0], 2)
    loss_name = args.loss or ('bce' if exported.OUTPUT_SHAPE[0] == 1 else 'ce')
    if loss_name in ('ce',) and exported.OUTPUT_SHAPE[0] == 1:
        raise SystemExit('--loss ce needs two or more output channels; this model has one (use bce, dice or bce+dice)')

    distributed = int(os.environ.get('WORLD_SIZE', '1')) > 1
    cuda = torch.cuda.is_available()
    own_group = distributed and not dist.is_initialized()
    if own_group:
        dist.init_process_group('nccl' if cuda else 'gloo')
    rank = dist.get_rank() if distributed else 0
    world = dist.get_world_size() if distributed else 1
    local_rank = int(os.environ.get('LOCAL_RANK', '0'))
    device = torch.device(f'cuda:{local_rank}' if cuda else 'cpu')
    if cuda:
        torch.cuda.set_device(device)
    random.seed(args.seed + rank)
    torch.manual_seed(args.seed)
    log = print if rank == 0 else (lambda *a, **k: None)

    net = exported.UNet()
    if args.weights.lower() != 'none' and Path(args.weights).exists():
        exported.load_weights(net, args.weights)
    if distributed and cuda and args.sync_bn:
        net = torch.nn.SyncBatchNorm.convert_sync_batchnorm(net)
    net.to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    amp = cuda and not args.no_amp
    scaler = torch.cuda.amp.GradScaler(enabled=amp)
    out_dir = Path(args.out)
    epoch, step = 0, 0
    resume = out_dir / 'last.pt' if args.resume == 'auto' else (Path(args.resume) if args.resume else None)
    if resume is not None and resume.exists():
        ckpt = torch.load(resume, map_location=device)
        net.load_state_dict(ckpt['model'])
        optimizer.load_state_dict(ckpt['optimizer'])
        scaler.load_state_dict(ckpt['scaler'])
        epoch, step = ckpt['epoch'], ckpt['step']
        log(f'resumed from {resume} at epoch {epoch} step {step}')
    elif args.resume and args.resume != 'auto':
        raise SystemExit(f'--resume {args.resume}: no such checkpoint')
    model = DistributedDataParallel(net, device_ids=[local_rank] if cuda else None) if distributed else net

    data = Folder(args.data, classes, weight_maps=loss_name == 'weighted-ce')
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=args.seed) if distributed else None
    loader = DataLoader(data, batch_size=args.batch_size, shuffle=sampler is None, sampler=sampler,
                        num_workers=args.workers, pin_memory=cuda, drop_last=False)
    log(f'{len(data)} samples, {world} process(es) on {device.type}, loss {loss_name}, amp {amp}')

    def save():
        if rank != 0:
            return
        out_dir.mkdir(parents=True, exist_ok=True)
        ckpt = {'model': net.state_dict(), 'optimizer': optimizer.state_dict(), 'scaler': scaler.state_dict(),
                'epoch': epoch, 'step': step, 'args': vars(args)}
        torch.save(ckpt, out_dir / 'last.pt.tmp')
        os.replace(out_dir / 'last.pt.tmp', out_dir / 'last.pt')
        torch.save(net.state_dict(), out_dir / 'weights.pt')

    done = False
    while epoch < args.epochs and not done:
        if sampler is not None:
            sampler.set_epoch(epoch)
        model.train()
        started = time.time()
        for x, target, weight in loader:
            x, target, weight = x.to(device), target.to(device), weight.to(device)
            with torch.autocast(device_type='cuda', enabled=amp):
                out = model(x)
            loss = compute_loss(loss_name, out, target, weight)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            step += 1
            if step % args.log_every == 0:
                shown = loss.detach().clone()
                if distributed:
                    dist.all_reduce(shown)
                    shown /= world
                log(f'epoch {epoch + 1} step {step} loss {shown.item():.6f}', flush=True)
            if args.max_steps and step >= args.max_steps:
                done = True
                break
        if not done:
            epoch += 1
            log(f'epoch {epoch} done in {time.time() - started:.1f}s')
        save()
    log(f'saved {out_dir / "last.pt"} and {out_dir / "weights.pt"}')
    if own_group:
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
`;
