"""Writes the ONNX import fixtures in test/fixtures/onnx/: every reference U-Net variant at its full structure
(four levels, every module of the reference code) with base-4 widths (base 2 for the extra opset / fixed-size cells), exported by torch.onnx.export at opsets
11, 13 and 17, with fixed and with dynamic H/W. manifest.json records, per file, what PyTorch reports at each
test size: the parameter count, the output shape of every Conv / ConvTranspose / BatchNorm module (by module
name, which the importer keeps as the node id) and of the network. test/unit/import-onnx.test.ts checks the
import against it and the compiled model against onnxruntime-web on the same file.

Run:  /usr/bin/python3 scripts/torch/make_onnx.py [--out DIR] [--only NAME ...]
Models: the classes of scripts/torch/make_fixtures.py (adapted from the reference unets.py) plus Keras get_unet.
BatchNorm is kept as its own op (training=PRESERVE, no constant folding) so parameter counts compare 1:1;
one file (milesial-fused) uses the exporter's defaults, which fold BatchNorm into the convs.
"""
import argparse, json, os, sys
import onnx, torch, torch.nn as nn, torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import Double, UNetMilesial, UNetPaper, UNetSlim, UNetStrided, UNetUpConv, widths

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

class UNetKeras(nn.Module):
    """Keras get_unet (reference unets.py) with a base width: same padding, ReLU, Conv2DTranspose 2x2 s2 with bias,
    concat([up, skip]), 1x1 sigmoid."""
    def __init__(s, cin=1, base=32, depth=4):
        super().__init__()
        ch = widths(base, depth)
        s.enc = nn.ModuleList([Double(cin if i == 0 else ch[i - 1], ch[i], 1, False) for i in range(depth + 1)])
        s.ups = nn.ModuleList([nn.ConvTranspose2d(ch[i + 1], ch[i], 2, 2) for i in reversed(range(depth))])
        s.dec = nn.ModuleList([Double(ch[i] * 2, ch[i], 1, False) for i in reversed(range(depth))])
        s.out = nn.Conv2d(ch[0], 1, 1)
    def forward(s, x):
        sk = []
        for i, e in enumerate(s.enc):
            x = e(x)
            if i < len(s.enc) - 1: sk.append(x); x = F.max_pool2d(x, 2)
        for up, d in zip(s.ups, s.dec): x = d(torch.cat([up(x), sk.pop()], 1))
        return torch.sigmoid(s.out(x))

class GatedNet(nn.Module):
    """Element-wise products as exports write them: a spatial gate x·σ(conv1×1(x)) (one channel broadcast over x's,
    as in an attention gate's x·α), the same gate with the 1-channel operand first, and a channel gate of equal
    shapes x·σ(conv(x))."""
    def __init__(s, cin=3, ch=4):
        super().__init__()
        s.stem = nn.Conv2d(cin, ch, 3, padding=1)
        s.psi = nn.Conv2d(ch, 1, 1)
        s.psi2 = nn.Conv2d(ch, 1, 1)
        s.gate = nn.Conv2d(ch, ch, 3, padding=1)
        s.head = nn.Conv2d(ch, 2, 1)
    def forward(s, x):
        x = F.relu(s.stem(x))
        x = x * torch.sigmoid(s.psi(x))
        x = torch.sigmoid(s.psi2(x)) * x
        x = x * torch.sigmoid(s.gate(x))
        return s.head(x)

class OutPadNet(nn.Module):
    """PyTorch's usual exact ×2 up-conv: ConvTranspose2d(k3, s2, p1, output_padding=1) between two convs."""
    def __init__(s, cin=3, ch=4):
        super().__init__()
        s.stem = nn.Conv2d(cin, ch, 3, padding=1)
        s.up = nn.ConvTranspose2d(ch, ch // 2, 3, stride=2, padding=1, output_padding=1)
        s.head = nn.Conv2d(ch // 2, 2, 3, padding=1)
    def forward(s, x):
        return s.head(F.relu(s.up(F.relu(s.stem(x)))))

class NormSoftmaxNet(nn.Module):
    """Arithmetic with constants inside forward, as real models write it: input normalisation (x − mean) / std with
    per-channel buffers, then scalar ops (a constant first or second), and a channel softmax head — which PyTorch
    exports before opset 13 as Transpose → Softmax(last axis) → Transpose."""
    def __init__(s, cin=3, ch=4):
        super().__init__()
        s.register_buffer('mean', torch.tensor([0.485, 0.456, 0.406][:cin]).view(1, cin, 1, 1))
        s.register_buffer('std', torch.tensor([0.229, 0.224, 0.225][:cin]).view(1, cin, 1, 1))
        s.stem = nn.Conv2d(cin, ch, 3, padding=1)
        s.head = nn.Conv2d(ch, 3, 1)
    def forward(s, x):
        x = (x - s.mean) / s.std
        x = F.relu(s.stem(x))
        x = 2.0 * x - 0.5
        x = 1.0 - x / 4
        return F.softmax(s.head(x), 1)

B, D = 4, 4
# The extra opset / fixed-size cells of the matrix repeat a variant at base 2, to keep the committed files small.
B2 = 2
# name: (model factory, input channels, opset, dynamic H/W, [test sizes], note)
CASES = {
    'paper': (lambda: UNetPaper(1, 2, B, D), 1, 17, True, [188, 204], 'valid convs, center crop of every skip (Slice from shape arithmetic)'),
    'milesial-transposed-11': (lambda: UNetMilesial(3, 2, False, B2, D), 3, 11, True, [37, 50], 'F.pad of the up-conv to the skip (odd sizes pad)'),
    'milesial-transposed-13': (lambda: UNetMilesial(3, 2, False, B2, D), 3, 13, False, [37], 'the same network exported at a fixed 37×37'),
    'milesial-transposed-17': (lambda: UNetMilesial(3, 2, False, B, D), 3, 17, True, [37, 64], 'opset 17, dynamic'),
    'milesial-bilinear': (lambda: UNetMilesial(3, 2, True, B, D), 3, 17, True, [35, 48], 'Resize linear align_corners, F.pad'),
    'milesial-bilinear-11': (lambda: UNetMilesial(3, 2, True, B2, D), 3, 11, False, [32], 'opset 11, fixed'),
    'strided-nearest': (lambda: UNetStrided(B, D), 3, 13, True, [32, 48], 'stride-2 convs, Resize nearest + 1×1 conv'),
    'upconv-blocks': (lambda: UNetUpConv(3, 1, B, D), 3, 11, True, [32, 16], 'nn.Upsample nearest + 3×3 conv + BN + ReLU'),
    'slim-3X': (lambda: UNetSlim(3, '3X', B, D), 3, 17, False, [32], 'TensorFlow depth_to_space as Reshape → Transpose → Reshape'),
    'keras-get_unet': (lambda: UNetKeras(1, B, D), 1, 13, False, [32], 'same convs, ConvTranspose with bias, sigmoid head'),
    'convtranspose-outpad': (lambda: OutPadNet(3, 4), 3, 13, True, [16, 23], 'ConvTranspose k3 s2 p1 output_padding=1 (H → 2H)'),
    'gated-mul': (lambda: GatedNet(3, 4), 3, 13, True, [16, 23], 'Mul: x·σ(conv1×1(x)) gates (1 channel broadcast, either operand order) and x·σ(conv(x))'),
    'normalize-softmax-11': (lambda: NormSoftmaxNet(3, 4), 3, 11, True, [16, 23], '(x − mean) / std per channel, scalar Mul/Sub/Div, channel softmax as Transpose → Softmax → Transpose'),
    'normalize-softmax-13': (lambda: NormSoftmaxNet(3, 4), 3, 13, False, [16], 'the same at opset 13: Softmax(axis 1)'),
}

def lively(model, cin, size, gen):
    """Weights whose outputs depend on the input: He-normal convs and BatchNorm statistics measured on random
    inputs (train-mode passes), then random affine BN parameters — so a wrong up-sampling or crop shows in the
    output instead of vanishing in dead ReLUs."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            fan_in = m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3] if isinstance(m, nn.Conv2d) else m.weight.shape[0]
            m.weight.data = torch.randn(m.weight.shape, generator=gen) * (2 / fan_in) ** 0.5
            if m.bias is not None: m.bias.data = 0.1 * torch.randn(m.bias.shape, generator=gen)
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    if bns:
        for m in bns: m.reset_running_stats(); m.momentum = None
        model.train()
        with torch.no_grad():
            for _ in range(4): model(torch.rand(2, cin, size, size, generator=gen))
        model.eval()
        for m in bns:
            m.weight.data = 0.5 + torch.rand(m.num_features, generator=gen)
            m.bias.data = 0.2 * torch.randn(m.num_features, generator=gen)

def module_shapes(model, x):
    """Output shape (C, H, W) of every Conv2d / ConvTranspose2d / BatchNorm2d, by module name, and the network's."""
    shapes, hooks = {}, []
    for name, m in model.named_modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.BatchNorm2d)):
            hooks.append(m.register_forward_hook(lambda mod, inp, out, name=name: shapes.__setitem__(name, list(out.shape[1:]))))
    with torch.no_grad():
        y = model(x)
    for h in hooks: h.remove()
    return shapes, list(y.shape[1:])

def export(name, out_dir):
    factory, cin, opset, dynamic, sizes, note = CASES[name]
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(7)
    model = factory().eval()
    lively(model, cin, sizes[0], gen)
    x = torch.rand(1, cin, sizes[0], sizes[0], generator=gen)
    path = os.path.join(out_dir, f'{name}.onnx')
    axes = {'input': {0: 'batch', 2: 'height', 3: 'width'}, 'output': {0: 'batch', 2: 'out_height', 3: 'out_width'}} if dynamic else None
    torch.onnx.export(model, x, path, opset_version=opset, input_names=['input'], output_names=['output'], dynamic_axes=axes,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    entry = {'opset': opset, 'dynamic': dynamic, 'note': note, 'channels': cin, 'params': sum(p.numel() for p in model.parameters()), 'sizes': {}}
    for s in sizes:
        shapes, out = module_shapes(model, torch.rand(1, cin, s, s, generator=gen))
        entry['sizes'][str(s)] = {'modules': shapes, 'output': out}
    with torch.no_grad(): y = model(x)
    print(f'{name:26s} opset {opset} {"dynamic" if dynamic else "fixed  "} params={entry["params"]:,} y in [{y.min():.3f}, {y.max():.3f}] std {y.std():.3f} {os.path.getsize(path) / 1024:.0f} KB')
    return entry

def fused(out_dir):
    """milesial at the exporter's defaults (eval mode): BatchNorm is folded into the convs on export."""
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(7)
    model = UNetMilesial(3, 2, False, B2, D).eval()
    lively(model, 3, 32, gen)
    path = os.path.join(out_dir, 'milesial-fused.onnx')
    torch.onnx.export(model, torch.rand(1, 3, 32, 32, generator=gen), path, opset_version=17, input_names=['input'], output_names=['output'])
    print(f'{"milesial-fused":26s} opset 17 fixed   (BatchNorm folded by the exporter) {os.path.getsize(path) / 1024:.0f} KB')
    return {'opset': 17, 'dynamic': False, 'note': 'exporter defaults: BatchNorm folded into the convs', 'channels': 3, 'sizes': {'32': {}}}

class Unsupported(nn.Module):
    """A small net with ops no U-Net here has: a grouped conv, global pooling, flatten and a linear layer."""
    def __init__(s):
        super().__init__()
        s.stem = nn.Conv2d(2, 4, 3, padding=1)
        s.grouped = nn.Conv2d(4, 4, 3, padding=1, groups=2)
        s.fc1 = nn.Linear(4, 3)
        s.fc2 = nn.Linear(3, 2)
    def forward(s, x):
        x = F.relu(s.grouped(F.relu(s.stem(x))))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return s.fc2(F.relu(s.fc1(x)))

def unsupported(out_dir):
    torch.manual_seed(7)
    path = os.path.join(out_dir, 'unsupported.onnx')
    torch.onnx.export(Unsupported().eval(), torch.rand(1, 2, 8, 8), path, opset_version=13, input_names=['input'], output_names=['output'])
    print(f'{"unsupported":26s} opset 13 (grouped conv, GlobalAveragePool, Flatten, Gemm) {os.path.getsize(path)} bytes')

def refusals(out_dir):
    """Hand-written graphs the importer must refuse with a specific reason (not in the manifest):
    softmax-flat-11: Softmax(axis 1) at opset 11 — a softmax over C·H·W together, not over channels;
    add-spatial: x + a 1×1×H×W constant — neither one value nor one per channel."""
    from onnx import TensorProto, helper, numpy_helper
    import numpy as np
    x = helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 2, 4, 4])
    y = helper.make_tensor_value_info('output', TensorProto.FLOAT, [1, 2, 4, 4])
    w = numpy_helper.from_array(np.full((2, 2, 1, 1), 0.5, np.float32), 'conv.weight')
    flat = helper.make_graph([helper.make_node('Conv', ['input', 'conv.weight'], ['c'], name='/conv/Conv'),
                              helper.make_node('Softmax', ['c'], ['output'], name='/Softmax', axis=1)], 'softmax_flat', [x], [y], [w])
    k = numpy_helper.from_array(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4), 'bias_map')
    spatial = helper.make_graph([helper.make_node('Add', ['input', 'bias_map'], ['output'], name='/Add')], 'add_spatial', [x], [y], [k])
    for name, graph, opset in (('softmax-flat-11', flat, 11), ('add-spatial', spatial, 13)):
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)], producer_name='make_onnx.py')
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(out_dir, f'{name}.onnx'))
        print(f'{name:26s} opset {opset} (refused: {graph.name}) {os.path.getsize(os.path.join(out_dir, name + ".onnx"))} bytes')

def full_width(path, opset=17):
    """The full-width milesial U-Net (31,037,698 parameters, ~120 MB) for the import benchmark; never committed."""
    torch.manual_seed(7)
    model = UNetMilesial(3, 2, False).eval()
    axes = {'input': {0: 'batch', 2: 'height', 3: 'width'}, 'output': {0: 'batch', 2: 'out_height', 3: 'out_width'}}
    torch.onnx.export(model, torch.rand(1, 3, 256, 256), path, opset_version=opset, input_names=['input'], output_names=['output'],
                      dynamic_axes=axes, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    print(f'full-width milesial-transposed: {sum(p.numel() for p in model.parameters()):,} params, {os.path.getsize(path) / 2**20:.0f} MiB → {path}')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=os.path.join(ROOT, 'test', 'fixtures', 'onnx'))
    ap.add_argument('--only', nargs='*', choices=sorted(CASES))
    ap.add_argument('--refusals', action='store_true', help='(re)write only the refused hand-written graphs')
    ap.add_argument('--full-width', metavar='FILE', help='only write the full-width milesial U-Net to FILE (benchmark)')
    args = ap.parse_args()
    if args.full_width:
        import warnings; warnings.filterwarnings('ignore')
        full_width(args.full_width); sys.exit(0)
    os.makedirs(args.out, exist_ok=True)
    import warnings; warnings.filterwarnings('ignore')
    if args.refusals:
        refusals(args.out); sys.exit(0)
    manifest_path = os.path.join(args.out, 'manifest.json')
    manifest = json.load(open(manifest_path)) if args.only and os.path.exists(manifest_path) else {}
    for name in args.only or CASES: manifest[name] = export(name, args.out)
    if not args.only: manifest['milesial-fused'] = fused(args.out); unsupported(args.out); refusals(args.out)
    with open(manifest_path, 'w') as f: json.dump(manifest, f, indent=1, sort_keys=True)
