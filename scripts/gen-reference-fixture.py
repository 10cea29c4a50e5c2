"""Writes test/fixtures/reference.json: what the template tests compare against, taken from the reference
designs in /work/shared/reference (conv-shapes.json and the GMAC column of README.md), plus the paper network's
two other concat modes, which the reference leaves out and this script measures with PyTorch on variants of
unets.UNetPaper, and the reference designs conv-shapes.json does not list (attention-unet, res-unet), traced
here from unets.py and checked against the README table's parameters and GMAC.
Run with Debian's PyTorch:  /usr/bin/python3 scripts/gen-reference-fixture.py"""
import json, os, re, sys
REF = os.environ.get('UNET_REFERENCE', '/work/shared/reference')
sys.path.insert(0, REF)
import torch, torch.nn as nn, torch.nn.functional as F
from unets import UNetPaper, UNetAttention, ResUNet, Double, center_crop, nparams

class PaperPadDecoder(UNetPaper):
    """Concat mode 1: zero-pad the up-sampled tensor to the skip (extra row/column bottom/right), no crop."""
    def forward(s, x):
        skips = []
        for i, e in enumerate(s.enc):
            x = e(x)
            if i < len(s.enc) - 1: skips.append(x); x = F.max_pool2d(x, 2)
        for up, d, sk in zip(s.ups, s.dec, reversed(skips)):
            x = up(x)
            dy, dx = sk.shape[2] - x.shape[2], sk.shape[3] - x.shape[3]
            x = F.pad(x, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])
            x = d(torch.cat([sk, x], 1))
        return s.out(x)

class PaperSame(UNetPaper):
    """Concat mode 2: same-padded convs (pad 1), so skips need no crop."""
    def __init__(s, cin=1, ncls=2, base=64, depth=4):
        super().__init__(cin, ncls, base, depth)
        ch = [base * 2 ** i for i in range(depth + 1)]
        s.enc = nn.ModuleList([Double(cin if i == 0 else ch[i - 1], ch[i], 1, False) for i in range(depth + 1)])
        s.dec = nn.ModuleList([Double(ch[i] * 2, ch[i], 1, False) for i in reversed(range(depth))])

def seed004(mode):
    """Seed 004 ("U-Net 复现") as written: the paper network with BatchNorm after every 3×3 conv, in concat mode
    crop (0), pad (1) or same (2)."""
    base = PaperPadDecoder if mode == 'pad' else UNetPaper
    m = base()
    pad = 1 if mode == 'same' else 0
    ch = [64 * 2 ** i for i in range(5)]
    m.enc = nn.ModuleList([Double(1 if i == 0 else ch[i - 1], ch[i], pad, True) for i in range(5)])
    m.dec = nn.ModuleList([Double(ch[i] * 2, ch[i], pad, True) for i in reversed(range(4))])
    return m

def trace(model, shape):
    """Conv / transposed-conv outputs in forward order, like the reference trace.py, plus MACs."""
    rows, macs = [], [0]
    def hook(mod, inp, o):
        k = mod.kernel_size[0] * mod.kernel_size[1]
        if isinstance(mod, nn.ConvTranspose2d): macs[0] += inp[0][0].numel() * mod.out_channels * k
        else: macs[0] += o[0].numel() * mod.in_channels * k
        rows.append([type(mod).__name__, list(o.shape[1:]), sum(p.numel() for p in mod.parameters())])
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    model.eval()
    with torch.no_grad(): y = model(torch.zeros(1, *shape))
    for h in hs: h.remove()
    return {'input': list(shape), 'output': list(y.shape[1:]), 'params': nparams(model), 'gmac': round(macs[0] / 1e9, 2), 'convs': rows}

shapes = json.load(open(os.path.join(REF, 'conv-shapes.json')))
table = {m[0]: float(m[1]) for m in re.findall(r'^\| (\S+) \|.*\| ([\d.]+) \|$', open(os.path.join(REF, 'README.md')).read(), re.M)}
out = {}
for name, v in shapes.items():
    out[name] = {'source': 'conv-shapes.json + README table', 'input': v['input'], 'output': v['output'],
                 'params': v['params'], 'gmac': table[name], 'convs': v['convs']}
out['paper-crop'] = dict(out['paper-572'], source='= paper-572')
torch.manual_seed(0)
params_table = {m[0]: int(m[1].replace(',', '')) for m in re.findall(r'^\| (\S+) \|[^|]*\|[^|]*\| ([\d,]+) \|', open(os.path.join(REF, 'README.md')).read(), re.M)}
for name, model in [('attention-unet', UNetAttention(3, 1)), ('res-unet', ResUNet(3, 1))]:
    if name in out: continue
    traced = trace(model, (3, 256, 256))
    assert traced['params'] == params_table[name] and traced['gmac'] == table[name], (name, traced['params'], traced['gmac'])
    out[name] = dict(traced, source='PyTorch: unets.py traced (params and GMAC = README table)')
out['paper-pad-decoder'] = dict(trace(PaperPadDecoder(), (1, 572, 572)), source='PyTorch: UNetPaper, up-sampled tensor padded to the skip')
out['paper-same'] = dict(trace(PaperSame(), (1, 512, 512)), source='PyTorch: UNetPaper with padding 1')
for mode, size in (('crop', 572), ('pad', 572), ('same', 512)):
    out[f'seed004-{mode}'] = dict(trace(seed004(mode), (1, size, size)), source=f'PyTorch: seed 004 network (paper + BN), concat mode {mode}')
    assert out[f'seed004-{mode}']['params'] == 31_042_434
# The measured GMAC of the paper must agree with the reference table, or the MAC convention differs.
check = trace(UNetPaper(), (1, 572, 572))
assert check['gmac'] == table['paper-572'] and check['convs'] == shapes['paper-572']['convs'], check['gmac']

dest = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'reference.json')
with open(dest, 'w') as f:
    f.write('{\n' + ',\n'.join(f'  {json.dumps(k)}: {json.dumps(v, separators=(",", ":"))}' for k, v in out.items()) + '\n}\n')
print('wrote', os.path.normpath(dest))
