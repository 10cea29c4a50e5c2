"""PyTorch side of `npm run bench -- train`: the same base-16 same-padding U-Net (Keras get_unet layout: two 3×3
same convs + ReLU per level, 2×2 max-pool, ConvTranspose2d 2×2 stride 2, concat [up, skip], 1×1 sigmoid head),
one training step = forward + BCE + backward + Adam, CPU, one thread. Prints one JSON line.

Run:  /usr/bin/python3 bench/train_torch.py --base 16 --depth 4 --size 128 --batch 4 --warmup 2 --steps 8
"""
import argparse, json, time
import torch, torch.nn as nn


class UNet(nn.Module):
    def __init__(self, base, depth, cin=1):
        super().__init__()
        conv = lambda i, o: nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.ReLU(), nn.Conv2d(o, o, 3, padding=1), nn.ReLU())
        ch = [base * 2 ** i for i in range(depth + 1)]
        self.enc = nn.ModuleList(conv(cin if i == 0 else ch[i - 1], ch[i]) for i in range(depth + 1))
        self.up = nn.ModuleList(nn.ConvTranspose2d(ch[i + 1], ch[i], 2, stride=2) for i in range(depth))
        self.dec = nn.ModuleList(conv(2 * ch[i], ch[i]) for i in range(depth))
        self.head = nn.Conv2d(base, 1, 1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.enc):
            x = block(x)
            if i < len(self.enc) - 1:
                skips.append(x)
                x = self.pool(x)
        for i in reversed(range(len(self.up))):
            x = self.dec[i](torch.cat([self.up[i](x), skips[i]], 1))
        return torch.sigmoid(self.head(x))


def main():
    p = argparse.ArgumentParser()
    for name, default in [('base', 16), ('depth', 4), ('size', 128), ('batch', 4), ('warmup', 2), ('steps', 8), ('threads', 1)]:
        p.add_argument(f'--{name}', type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet(a.base, a.depth)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    x = torch.rand(a.batch, 1, a.size, a.size)
    y = (torch.rand(a.batch, 1, a.size, a.size) > 0.5).float()
    times = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
        if i >= a.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'params': sum(t.numel() for t in model.parameters()), 'ms': times}))


if __name__ == '__main__':
    main()
