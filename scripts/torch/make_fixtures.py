"""Writes the numeric-parity fixtures in test/fixtures/parity/: for each reference U-Net variant, a small
PyTorch model (reduced width and depth) with random weights and BatchNorm statistics, evaluated in eval mode on
a random input. Each fixture holds the builder options that rebuild the same network in UNet Studio, the input,
PyTorch's output and the state dict keyed by our node ids (src/core/builder/ids.ts), so test/unit/parity.test.ts
can compare the compiled tfjs model without PyTorch.

Run:  /usr/bin/python3 scripts/torch/make_fixtures.py [--check-full] [--only VARIANT ...]
  --check-full  also builds each class at the reference width and checks the parameter counts of the
                reference table (so the generalised classes below are the reference ones).

The model classes are adapted from the reference re-implementations in the seed's `unets.py` (CEO reference,
/work/shared/reference/unets.py): the same modules in the same order, generalised only by `base` (width of
level 0) and `depth` (number of down steps) so fixtures stay small. Tensors are float32, little-endian, base64.
"""
import argparse, base64, json, os, sys
import torch, torch.nn as nn, torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, 'test', 'fixtures', 'parity')


# ---- adapted from unets.py (reference re-implementations) ---------------------------------------------------

def center_crop(x, h, w):
    H, W = x.shape[-2:]
    t, l = (H - h) // 2, (W - w) // 2
    return x[..., t:t + h, l:l + w]

def depth_to_space_tf(x, r):
    """TensorFlow's depth_to_space on NCHW: out[c, h*r+i, w*r+j] = in[(i*r+j)*C + c, h, w]."""
    N, CRR, H, W = x.shape
    C = CRR // (r * r)
    x = x.reshape(N, r, r, C, H, W).permute(0, 3, 4, 1, 5, 2)
    return x.reshape(N, C, H * r, W * r)

class Double(nn.Module):
    def __init__(s, cin, cout, pad, bn, bias=True, act=None, dropout=(0, 0), mid=None):
        super().__init__()
        act = act or (lambda: nn.ReLU())
        mid = mid or cout  # milesial bilinear: DoubleConv(in, out, in // 2)
        L = [nn.Conv2d(cin, mid, 3, padding=pad, bias=bias)]
        if bn: L.append(nn.BatchNorm2d(mid))
        if dropout[0]: L.append(nn.Dropout(dropout[0]))
        L.append(act())
        L.append(nn.Conv2d(mid, cout, 3, padding=pad, bias=bias))
        if bn: L.append(nn.BatchNorm2d(cout))
        if dropout[1]: L.append(nn.Dropout(dropout[1]))
        L.append(act())
        s.f = nn.Sequential(*L)
    def forward(s, x): return s.f(x)

def widths(base, depth): return [base * 2 ** i for i in range(depth + 1)]

class UNetPaper(nn.Module):
    """Ronneberger 2015: valid 3x3 convs, ReLU, maxpool, up-conv 2x2, crop+concat, 1x1 -> 2 classes."""
    def __init__(s, cin=1, ncls=2, base=64, depth=4):
        super().__init__()
        ch = widths(base, depth)
        s.enc = nn.ModuleList([Double(cin if i == 0 else ch[i - 1], ch[i], 0, False) for i in range(depth + 1)])
        s.ups = nn.ModuleList([nn.ConvTranspose2d(ch[i + 1], ch[i], 2, 2) for i in reversed(range(depth))])
        s.dec = nn.ModuleList([Double(ch[i] * 2, ch[i], 0, False) for i in reversed(range(depth))])
        s.out = nn.Conv2d(ch[0], ncls, 1)
    def forward(s, x):
        skips = []
        for i, e in enumerate(s.enc):
            x = e(x)
            if i < len(s.enc) - 1: skips.append(x); x = F.max_pool2d(x, 2)
        for up, d, sk in zip(s.ups, s.dec, reversed(skips)):
            x = up(x); x = d(torch.cat([center_crop(sk, *x.shape[-2:]), x], 1))
        return s.out(x)

class UNetMilesial(nn.Module):
    """same padding, BN, no conv bias; bilinear=True halves bottleneck and uses Upsample (align_corners=True)."""
    def __init__(s, cin=3, ncls=2, bilinear=False, base=64, depth=4):
        super().__init__()
        f = 2 if bilinear else 1
        ch = widths(base, depth)
        s.inc = Double(cin, ch[0], 1, True, bias=False)
        s.downs = nn.ModuleList([Double(ch[i - 1], ch[i] // (f if i == depth else 1), 1, True, False)
                                 for i in range(1, depth + 1)])
        s.ups = nn.ModuleList(); s.convs = nn.ModuleList()
        for i in reversed(range(depth)):
            cin_, cout = ch[i + 1], (ch[i] // f if i > 0 else ch[0])
            if bilinear:
                s.ups.append(nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True))
                s.convs.append(Double(cin_, cout, 1, True, False, mid=cin_ // 2))
            else:
                s.ups.append(nn.ConvTranspose2d(cin_, cin_ // 2, 2, 2))
                s.convs.append(Double(cin_, cout, 1, True, False))
        s.outc = nn.Conv2d(ch[0], ncls, 1)
    def forward(s, x):
        xs = [s.inc(x)]
        for d in s.downs: xs.append(d(F.max_pool2d(xs[-1], 2)))
        x = xs.pop()
        for up, c in zip(s.ups, s.convs):
            sk = xs.pop(); x = up(x)
            dy, dx = sk.shape[2] - x.shape[2], sk.shape[3] - x.shape[3]
            x = F.pad(x, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])
            x = c(torch.cat([sk, x], 1))
        return s.outc(x)

class UNetStrided(nn.Module):
    """Conv(BN, Dropout .3/.4, LeakyReLU) x2, stride-2 3x3 conv down (+LeakyReLU), nearest upsample + 1x1 conv
    halving channels, concat(up, skip), 3x3 pred -> 3, sigmoid."""
    def __init__(s, base=64, depth=4):
        super().__init__()
        ch = widths(base, depth)
        C = lambda a, b: Double(a, b, 1, True, True, act=lambda: nn.LeakyReLU(), dropout=(0.3, 0.4))
        s.C = nn.ModuleList([C(3 if i == 0 else ch[i - 1], ch[i]) for i in range(depth + 1)])
        s.D = nn.ModuleList([nn.Sequential(nn.Conv2d(c, c, 3, 2, 1), nn.LeakyReLU()) for c in ch[:-1]])
        s.U = nn.ModuleList([nn.Conv2d(ch[i + 1], ch[i + 1] // 2, 1) for i in reversed(range(depth))])
        s.Cd = nn.ModuleList([C(ch[i + 1], ch[i]) for i in reversed(range(depth))])
        s.pred = nn.Conv2d(ch[0], 3, 3, 1, 1)
    def forward(s, x):
        R = [s.C[0](x)]
        for i in range(len(s.D)): R.append(s.C[i + 1](s.D[i](R[-1])))
        y = R.pop()
        for u, c in zip(s.U, s.Cd):
            y = c(torch.cat([u(F.interpolate(y, scale_factor=2, mode='nearest')), R.pop()], 1))
        return torch.sigmoid(s.pred(y))

class UNetUpConv(nn.Module):
    """conv_block with BN (bias), up_conv = Upsample x2 nearest + 3x3 conv + BN + ReLU, concat(skip, up)."""
    def __init__(s, cin=3, cout=1, base=64, depth=4):
        super().__init__()
        ch = widths(base, depth)
        s.enc = nn.ModuleList([Double(cin if i == 0 else ch[i - 1], ch[i], 1, True) for i in range(depth + 1)])
        s.ups = nn.ModuleList([nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(ch[i + 1], ch[i], 3, 1, 1),
                                             nn.BatchNorm2d(ch[i]), nn.ReLU()) for i in reversed(range(depth))])
        s.dec = nn.ModuleList([Double(ch[i] * 2, ch[i], 1, True) for i in reversed(range(depth))])
        s.out = nn.Conv2d(ch[0], cout, 1)
    def forward(s, x):
        sk = []
        for i, e in enumerate(s.enc):
            x = e(x)
            if i < len(s.enc) - 1: sk.append(x); x = F.max_pool2d(x, 2)
        for up, d in zip(s.ups, s.dec): x = d(torch.cat([sk.pop(), up(x)], 1))
        return s.out(x)

class UNetSlim(nn.Module):
    """TF-slim: lrelu(0.2) convs (bias), maxpool SAME, conv_transpose 2x2 (no bias), concat(deconv, skip),
    1x1 -> 6 (1X) or 27 + depth_to_space(3) (3X)."""
    def __init__(s, cin=3, mode='1X', base=32, depth=4):
        super().__init__()
        ch = widths(base, depth)
        act = lambda: nn.LeakyReLU(0.2)
        s.enc = nn.ModuleList([Double(cin if i == 0 else ch[i - 1], ch[i], 1, False, act=act) for i in range(depth + 1)])
        s.ups = nn.ModuleList([nn.ConvTranspose2d(ch[i + 1], ch[i], 2, 2, bias=False) for i in reversed(range(depth))])
        s.dec = nn.ModuleList([Double(ch[i] * 2, ch[i], 1, False, act=act) for i in reversed(range(depth))])
        s.mode = mode
        s.out = nn.Conv2d(ch[0], 6 if mode == '1X' else 27, 1)
    def forward(s, x):
        sk = []
        for i, e in enumerate(s.enc):
            x = e(x)
            # TF 'SAME' 2x2/2 pooling pads bottom/right on odd sizes; the fixtures use even sizes, where it is plain.
            if i < len(s.enc) - 1: sk.append(x); x = F.max_pool2d(x, 2, ceil_mode=True)
        for up, d in zip(s.ups, s.dec): x = d(torch.cat([up(x), sk.pop()], 1))
        x = s.out(x)
        return x if s.mode == '1X' else depth_to_space_tf(x, 3)

class AttentionGate(nn.Module):
    """Attention U-Net gate (Oktay et al. 2018), as in LeeJunHyun/Image_Segmentation's Attention_block:
    psi = sigmoid(BN(conv1x1(relu(BN(W_g g) + BN(W_x x))))), output x * psi (psi broadcast over channels)."""
    def __init__(s, f_g, f_l, f_int):
        super().__init__()
        s.W_g = nn.Sequential(nn.Conv2d(f_g, f_int, 1), nn.BatchNorm2d(f_int))
        s.W_x = nn.Sequential(nn.Conv2d(f_l, f_int, 1), nn.BatchNorm2d(f_int))
        s.psi = nn.Sequential(nn.Conv2d(f_int, 1, 1), nn.BatchNorm2d(1), nn.Sigmoid())
    def forward(s, g, x):
        return x * s.psi(F.relu(s.W_g(g) + s.W_x(x)))

class UNetAttention(nn.Module):
    """AttU_Net: UNetUpConv with an attention gate on every skip (F_int = half the skip's channels);
    concat([gated skip, up])."""
    def __init__(s, cin=3, cout=1, base=64, depth=4):
        super().__init__()
        ch = widths(base, depth)
        s.enc = nn.ModuleList([Double(cin if i == 0 else ch[i - 1], ch[i], 1, True) for i in range(depth + 1)])
        s.ups = nn.ModuleList([nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(ch[i + 1], ch[i], 3, 1, 1),
                                             nn.BatchNorm2d(ch[i]), nn.ReLU()) for i in reversed(range(depth))])
        s.att = nn.ModuleList([AttentionGate(ch[i], ch[i], ch[i] // 2) for i in reversed(range(depth))])
        s.dec = nn.ModuleList([Double(ch[i] * 2, ch[i], 1, True) for i in reversed(range(depth))])
        s.out = nn.Conv2d(ch[0], cout, 1)
    def forward(s, x):
        sk = []
        for i, e in enumerate(s.enc):
            x = e(x)
            if i < len(s.enc) - 1: sk.append(x); x = F.max_pool2d(x, 2)
        for up, att, d in zip(s.ups, s.att, s.dec):
            u = up(x)
            x = d(torch.cat([att(u, sk.pop()), u], 1))
        return s.out(x)

class ResidualUnit(nn.Module):
    """Pre-activation residual unit (Zhang et al. 2018, ResUNet): BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3 plus a
    conv3x3(stride)+BN shortcut, summed."""
    def __init__(s, cin, cout, stride):
        super().__init__()
        s.block = nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, cout, 3, stride, 1),
                                nn.BatchNorm2d(cout), nn.ReLU(), nn.Conv2d(cout, cout, 3, 1, 1))
        s.skip = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout))
    def forward(s, x): return s.block(x) + s.skip(x)

class ResUNet(nn.Module):
    """ResUNet (Zhang, Liu & Wang 2018): stem conv-BN-ReLU-conv + conv shortcut; down by stride-2 residual units;
    up by 2x2 transposed conv (keeping channels), concat([up, skip]), residual unit; 1x1 conv + sigmoid.
    The reference is base 64, depth 3 (widths 64/128/256, bridge 512)."""
    def __init__(s, cin=3, cout=1, base=64, depth=3):
        super().__init__()
        f = widths(base, depth)
        s.stem = nn.Sequential(nn.Conv2d(cin, f[0], 3, 1, 1), nn.BatchNorm2d(f[0]), nn.ReLU(), nn.Conv2d(f[0], f[0], 3, 1, 1))
        s.stem_skip = nn.Conv2d(cin, f[0], 3, 1, 1)
        s.down = nn.ModuleList([ResidualUnit(f[i], f[i + 1], 2) for i in range(depth)])
        s.ups = nn.ModuleList([nn.ConvTranspose2d(f[i + 1], f[i + 1], 2, 2) for i in reversed(range(depth))])
        s.dec = nn.ModuleList([ResidualUnit(f[i + 1] + f[i], f[i], 1) for i in reversed(range(depth))])
        s.out = nn.Conv2d(f[0], cout, 1)
    def forward(s, x):
        x = s.stem(x) + s.stem_skip(x)
        sk = [x]
        for d in s.down: x = d(x); sk.append(x)
        sk.pop()
        for up, d in zip(s.ups, s.dec): x = d(torch.cat([up(x), sk.pop()], 1))
        return torch.sigmoid(s.out(x))


# ---- our node ids (src/core/builder/ids.ts) ------------------------------------------------------------------

def double_ids(double, prefix):
    """Modules of a Double in order: conv1, [bn1], conv2, [bn2] → enc{i}_conv1, enc{i}_bn1, …"""
    out, j = [], 0
    for m in double.f:
        if isinstance(m, nn.Conv2d): j += 1; out.append((f'{prefix}_conv{j}', m))
        elif isinstance(m, nn.BatchNorm2d): out.append((f'{prefix}_bn{j}', m))
    return out

def ids_paper(m):
    depth = len(m.ups)
    pairs = [p for i, e in enumerate(m.enc) for p in double_ids(e, f'enc{i}')]
    for k, (up, d) in enumerate(zip(m.ups, m.dec)):
        level = depth - 1 - k
        pairs += [(f'up{level}', up)] + double_ids(d, f'dec{level}')
    return pairs + [('head', m.out)]

ids_slim = ids_paper  # same module layout: enc, ups (transposed), dec, out

def ids_milesial(m):
    depth = len(m.ups)
    pairs = double_ids(m.inc, 'enc0') + [p for i, d in enumerate(m.downs) for p in double_ids(d, f'enc{i + 1}')]
    for k, (up, c) in enumerate(zip(m.ups, m.convs)):
        level = depth - 1 - k
        if isinstance(up, nn.ConvTranspose2d): pairs.append((f'up{level}', up))
        pairs += double_ids(c, f'dec{level}')
    return pairs + [('head', m.outc)]

def ids_strided(m):
    depth = len(m.D)
    pairs = [p for i, c in enumerate(m.C) for p in double_ids(c, f'enc{i}')]
    pairs += [(f'down{i}', d[0]) for i, d in enumerate(m.D)]
    for k, (u, c) in enumerate(zip(m.U, m.Cd)):
        level = depth - 1 - k
        pairs += [(f'up{level}_conv', u)] + double_ids(c, f'dec{level}')
    return pairs + [('head', m.pred)]

def ids_upconv(m):
    depth = len(m.ups)
    pairs = [p for i, e in enumerate(m.enc) for p in double_ids(e, f'enc{i}')]
    for k, (up, d) in enumerate(zip(m.ups, m.dec)):
        level = depth - 1 - k
        pairs += [(f'up{level}_conv', up[1]), (f'up{level}_bn', up[2])] + double_ids(d, f'dec{level}')
    return pairs + [('head', m.out)]

def ids_attention(m):
    depth = len(m.ups)
    pairs = [p for i, e in enumerate(m.enc) for p in double_ids(e, f'enc{i}')]
    for k, (up, att, d) in enumerate(zip(m.ups, m.att, m.dec)):
        level = depth - 1 - k
        # The gate is one node; its tensors keep the module's own names (W_g.0.weight, …), as the op declares them.
        pairs += [(f'up{level}_conv', up[1]), (f'up{level}_bn', up[2]), (f'att{level}', att)] + double_ids(d, f'dec{level}')
    return pairs + [('head', m.out)]

class Renamed(nn.Module):
    """Modules under new names: the ResUNet stem and its shortcut become one residual-block node (block.*, skip.0.*)."""
    def __init__(s, **parts):
        super().__init__()
        for name, module in parts.items(): s.add_module(name, module)

def ids_resunet(m):
    depth = len(m.ups)
    pairs = [('enc0_res', Renamed(block=m.stem, skip=nn.Sequential(m.stem_skip)))]
    pairs += [(f'enc{i + 1}_res', d) for i, d in enumerate(m.down)]
    for k, (up, d) in enumerate(zip(m.ups, m.dec)):
        level = depth - 1 - k
        pairs += [(f'up{level}', up), (f'dec{level}_res', d)]
    return pairs + [('head', m.out)]


# ---- fixtures ----------------------------------------------------------------------------------------------

# (builder variant id, torch model factory, id mapping, builder overrides, input C×H×W, why this size)
FIXTURES = {
    'paper': ('paper-572', lambda b, d: UNetPaper(1, 2, b, d), ids_paper, dict(base=4, depth=3), (1, 108, 108),
              'smallest even-pooling size ≥ 100 for depth 3 with valid convs: 108→…→20'),
    'milesial-transposed': ('milesial-transposed', lambda b, d: UNetMilesial(3, 2, False, b, d), ids_milesial,
                            dict(base=4, depth=3), (3, 21, 21), 'odd size: the up steps are zero-padded to the skips'),
    'milesial-bilinear': ('milesial-bilinear', lambda b, d: UNetMilesial(3, 2, True, b, d), ids_milesial,
                          dict(base=4, depth=3), (3, 20, 20), 'bilinear align_corners=True, pad to odd 5×5 skip'),
    'strided-nearest': ('strided-nearest', lambda b, d: UNetStrided(b, d), ids_strided, dict(base=4, depth=3),
                        (3, 16, 16), 'eval mode: dropout off, BatchNorm running statistics'),
    'upconv-blocks': ('upconv-blocks', lambda b, d: UNetUpConv(3, 1, b, d), ids_upconv, dict(base=4, depth=3),
                      (3, 16, 16), 'nearest ×2 + 3×3 conv + BN + ReLU up steps'),
    'slim-3X': ('slim-3X', lambda b, d: UNetSlim(3, '3X', b, d), ids_slim, dict(base=4, depth=3), (3, 16, 16),
                'depth-to-space (TensorFlow order) 27 → 3 channels at 3×'),
    'attention-unet': ('attention-unet', lambda b, d: UNetAttention(3, 1, b, d), ids_attention, dict(base=4, depth=3),
                       (3, 16, 16), 'attention gates (1×1 convs + BN, sigmoid α broadcast over the skip) on every skip'),
    'res-unet': ('res-unet', lambda b, d: ResUNet(3, 1, b, d), ids_resunet, dict(base=4, depth=3), (3, 16, 16),
                 'residual units striding by 2 with PyTorch padding 1 (on even sizes TF "same" would pad only bottom/right)'),
}

# Parameter counts of the reference table, for --check-full.
REFERENCE_PARAMS = {
    'paper': (lambda: UNetPaper(), 31_030_658),
    'milesial-transposed': (lambda: UNetMilesial(3, 2, False), 31_037_698),
    'milesial-bilinear': (lambda: UNetMilesial(3, 2, True), 17_263_042),
    'strided-nearest': (lambda: UNetStrided(), 32_090_627),
    'upconv-blocks': (lambda: UNetUpConv(3, 1), 34_527_041),
    'slim-3X': (lambda: UNetSlim(3, '3X'), 7_760_475),
    'attention-unet': (lambda: UNetAttention(3, 1), 34_878_573),
    'res-unet': (lambda: ResUNet(3, 1), 13_043_009),
}

def b64(t):
    return base64.b64encode(t.detach().contiguous().to(torch.float32).numpy().astype('<f4').tobytes()).decode('ascii')

def tensor_json(t):
    return {'shape': list(t.shape), 'dtype': 'float32', 'data': b64(t)}

def randomise(model, gen):
    """Weights stay at PyTorch's default init (outputs keep a sensible scale); BN gets non-trivial statistics."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = 0.5 + torch.rand(c, generator=gen)
            m.bias.data = 0.2 * torch.randn(c, generator=gen)
            m.running_mean.data = 0.2 * torch.randn(c, generator=gen)
            m.running_var.data = 0.5 + torch.rand(c, generator=gen)

def state_dict_by_id(pairs):
    out = {}
    for node_id, module in pairs:
        entries = {name: tensor_json(t) for name, t in module.state_dict().items() if name != 'num_batches_tracked'}
        if node_id in out: raise SystemExit(f'node id {node_id} mapped twice')
        out[node_id] = entries
    mapped = sum(p.numel() for _, m in pairs for p in m.parameters())
    return out, mapped

def make(name):
    variant, factory, id_map, builder, (c, h, w), why = FIXTURES[name]
    torch.manual_seed(1234)
    gen = torch.Generator().manual_seed(1234)
    model = factory(builder['base'], builder['depth']).eval()
    randomise(model, gen)
    x = torch.rand(1, c, h, w, generator=gen)
    with torch.no_grad():
        y = model(x)
    weights, mapped = state_dict_by_id(id_map(model))
    total = sum(p.numel() for p in model.parameters())
    if mapped != total: raise SystemExit(f'{name}: mapped {mapped} of {total} parameters to node ids')
    fixture = {
        'variant': variant,
        'builder': {**builder, 'inputSize': {'h': h, 'w': w}},
        'note': why,
        'torch': {'version': torch.__version__, 'class': type(model).__name__, 'params': total},
        'input': tensor_json(x),
        'output': tensor_json(y),
        'weights': weights,
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, f'{name}.json')
    with open(path, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
    print(f'{name:22s} in={tuple(x.shape)} out={tuple(y.shape)} params={total:,} |y|max={y.abs().max():.3f} '
          f'{os.path.getsize(path) / 1024:.0f} KB')

def check_full():
    for name, (factory, expected) in REFERENCE_PARAMS.items():
        got = sum(p.numel() for p in factory().parameters())
        status = 'ok' if got == expected else f'MISMATCH (expected {expected:,})'
        print(f'{name:22s} full-width params {got:,} {status}')
        if got != expected: sys.exit(1)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--check-full', action='store_true')
    ap.add_argument('--only', nargs='*', choices=sorted(FIXTURES))
    args = ap.parse_args()
    torch.set_grad_enabled(False)
    if args.check_full: check_full()
    for name in args.only or FIXTURES: make(name)
