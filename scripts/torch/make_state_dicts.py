"""Writes PyTorch state dicts for the weight-import tests: networks written like the seeds' own code (milesial's
UNet with inc / down1.maxpool_conv / up1.up / outc; LeeJunHyun's U_Net with Conv1.conv / Up5.up / Up_conv5;
seed 001's UNet with C1.layer / D1.Down / U1.Up / pred; seed 004's "U-Net 复现" with conv1.conv / up6 / conv10
and its three concat modes), at base width 4, saved with torch.save — plus float16, bfloat16, views into one
shared storage (offsets and strides) and .safetensors. Each case also gets <case>.json: the template and builder
options that rebuild the network in UNet Studio, an input and PyTorch's output (float32, base64).

Run:  /usr/bin/python3 scripts/torch/make_state_dicts.py --out DIR      (the tests run it into a temp folder)
"""
import argparse, base64, json, os, struct
import torch, torch.nn as nn, torch.nn.functional as F
import torchvision.transforms.functional as TF

# ---- milesial/Pytorch-UNet (unet_parts.py / unet_model.py), base width as a parameter ----
class DoubleConv(nn.Module):
    def __init__(s, cin, cout, mid=None):
        super().__init__()
        mid = mid or cout
        s.double_conv = nn.Sequential(nn.Conv2d(cin, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
                                      nn.Conv2d(mid, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))
    def forward(s, x): return s.double_conv(x)

class Down(nn.Module):
    def __init__(s, cin, cout):
        super().__init__()
        s.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv(cin, cout))
    def forward(s, x): return s.maxpool_conv(x)

class Up(nn.Module):
    def __init__(s, cin, cout):
        super().__init__()
        s.up = nn.ConvTranspose2d(cin, cin // 2, kernel_size=2, stride=2)
        s.conv = DoubleConv(cin, cout)
    def forward(s, x1, x2):
        x1 = s.up(x1)
        dy, dx = x2.size()[2] - x1.size()[2], x2.size()[3] - x1.size()[3]
        x1 = F.pad(x1, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])
        return s.conv(torch.cat([x2, x1], dim=1))

class OutConv(nn.Module):
    def __init__(s, cin, cout):
        super().__init__()
        s.conv = nn.Conv2d(cin, cout, kernel_size=1)
    def forward(s, x): return s.conv(x)

class MilesialUNet(nn.Module):
    def __init__(s, n_channels=3, n_classes=2, b=64):
        super().__init__()
        s.inc = DoubleConv(n_channels, b)
        s.down1, s.down2, s.down3, s.down4 = Down(b, 2 * b), Down(2 * b, 4 * b), Down(4 * b, 8 * b), Down(8 * b, 16 * b)
        s.up1, s.up2, s.up3, s.up4 = Up(16 * b, 8 * b), Up(8 * b, 4 * b), Up(4 * b, 2 * b), Up(2 * b, b)
        s.outc = OutConv(b, n_classes)
    def forward(s, x):
        x1 = s.inc(x); x2 = s.down1(x1); x3 = s.down2(x2); x4 = s.down3(x3); x5 = s.down4(x4)
        x = s.up1(x5, x4); x = s.up2(x, x3); x = s.up3(x, x2); x = s.up4(x, x1)
        return s.outc(x)

# ---- LeeJunHyun/Image_Segmentation network.py U_Net (seed 002) ----
class conv_block(nn.Module):
    def __init__(s, ch_in, ch_out):
        super().__init__()
        s.conv = nn.Sequential(nn.Conv2d(ch_in, ch_out, 3, 1, 1, bias=True), nn.BatchNorm2d(ch_out), nn.ReLU(inplace=True),
                               nn.Conv2d(ch_out, ch_out, 3, 1, 1, bias=True), nn.BatchNorm2d(ch_out), nn.ReLU(inplace=True))
    def forward(s, x): return s.conv(x)

class up_conv(nn.Module):
    def __init__(s, ch_in, ch_out):
        super().__init__()
        s.up = nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(ch_in, ch_out, 3, 1, 1, bias=True), nn.BatchNorm2d(ch_out), nn.ReLU(inplace=True))
    def forward(s, x): return s.up(x)

class U_Net(nn.Module):
    def __init__(s, img_ch=3, output_ch=1, b=64):
        super().__init__()
        s.Maxpool = nn.MaxPool2d(kernel_size=2, stride=2)
        s.Conv1, s.Conv2, s.Conv3, s.Conv4, s.Conv5 = conv_block(img_ch, b), conv_block(b, 2 * b), conv_block(2 * b, 4 * b), conv_block(4 * b, 8 * b), conv_block(8 * b, 16 * b)
        s.Up5, s.Up_conv5 = up_conv(16 * b, 8 * b), conv_block(16 * b, 8 * b)
        s.Up4, s.Up_conv4 = up_conv(8 * b, 4 * b), conv_block(8 * b, 4 * b)
        s.Up3, s.Up_conv3 = up_conv(4 * b, 2 * b), conv_block(4 * b, 2 * b)
        s.Up2, s.Up_conv2 = up_conv(2 * b, b), conv_block(2 * b, b)
        s.Conv_1x1 = nn.Conv2d(b, output_ch, 1, 1, 0)
    def forward(s, x):
        x1 = s.Conv1(x); x2 = s.Conv2(s.Maxpool(x1)); x3 = s.Conv3(s.Maxpool(x2)); x4 = s.Conv4(s.Maxpool(x3)); x5 = s.Conv5(s.Maxpool(x4))
        d5 = s.Up_conv5(torch.cat((x4, s.Up5(x5)), dim=1))
        d4 = s.Up_conv4(torch.cat((x3, s.Up4(d5)), dim=1))
        d3 = s.Up_conv3(torch.cat((x2, s.Up3(d4)), dim=1))
        d2 = s.Up_conv2(torch.cat((x1, s.Up2(d3)), dim=1))
        return s.Conv_1x1(d2)

# ---- seed 001 PyTorch UNet: Conv / DownSampling / UpSampling ----
class Conv(nn.Module):
    def __init__(s, C_in, C_out):
        super().__init__()
        s.layer = nn.Sequential(nn.Conv2d(C_in, C_out, 3, 1, 1), nn.BatchNorm2d(C_out), nn.Dropout(0.3), nn.LeakyReLU(),
                                nn.Conv2d(C_out, C_out, 3, 1, 1), nn.BatchNorm2d(C_out), nn.Dropout(0.4), nn.LeakyReLU())
    def forward(s, x): return s.layer(x)

class DownSampling(nn.Module):
    def __init__(s, C):
        super().__init__()
        s.Down = nn.Sequential(nn.Conv2d(C, C, 3, 2, 1), nn.LeakyReLU())
    def forward(s, x): return s.Down(x)

class UpSampling(nn.Module):
    def __init__(s, C):
        super().__init__()
        s.Up = nn.Conv2d(C, C // 2, 1, 1)
    def forward(s, x, r):
        return torch.cat((s.Up(F.interpolate(x, scale_factor=2, mode='nearest')), r), 1)

class Seed001UNet(nn.Module):
    def __init__(s, b=64):
        super().__init__()
        s.C1 = Conv(3, b); s.D1 = DownSampling(b); s.C2 = Conv(b, 2 * b); s.D2 = DownSampling(2 * b)
        s.C3 = Conv(2 * b, 4 * b); s.D3 = DownSampling(4 * b); s.C4 = Conv(4 * b, 8 * b); s.D4 = DownSampling(8 * b)
        s.C5 = Conv(8 * b, 16 * b)
        s.U1 = UpSampling(16 * b); s.C6 = Conv(16 * b, 8 * b); s.U2 = UpSampling(8 * b); s.C7 = Conv(8 * b, 4 * b)
        s.U3 = UpSampling(4 * b); s.C8 = Conv(4 * b, 2 * b); s.U4 = UpSampling(2 * b); s.C9 = Conv(2 * b, b)
        s.pred = nn.Conv2d(b, 3, 3, 1, 1)
    def forward(s, x):
        R1 = s.C1(x); R2 = s.C2(s.D1(R1)); R3 = s.C3(s.D2(R2)); R4 = s.C4(s.D3(R3)); Y1 = s.C5(s.D4(R4))
        O1 = s.C6(s.U1(Y1, R4)); O2 = s.C7(s.U2(O1, R3)); O3 = s.C8(s.U3(O2, R2)); O4 = s.C9(s.U4(O3, R1))
        return torch.sigmoid(s.pred(O4))

# ---- seed 004 "U-Net 复现": BN in every conv block, concat mode 0 crop (CenterCrop) / 1 pad / 2 same ----
class Seed004Double(nn.Module):
    def __init__(s, cin, cout, pad):
        super().__init__()
        s.conv = nn.Sequential(nn.Conv2d(cin, cout, 3, padding=pad), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                               nn.Conv2d(cout, cout, 3, padding=pad), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))
    def forward(s, x): return s.conv(x)

class Seed004UNet(nn.Module):
    def __init__(s, in_ch=1, out_ch=2, b=64, concat_mode=0):
        super().__init__()
        pad = 1 if concat_mode == 2 else 0
        s.mode = concat_mode
        s.conv1, s.pool1 = Seed004Double(in_ch, b, pad), nn.MaxPool2d(2)
        s.conv2, s.pool2 = Seed004Double(b, 2 * b, pad), nn.MaxPool2d(2)
        s.conv3, s.pool3 = Seed004Double(2 * b, 4 * b, pad), nn.MaxPool2d(2)
        s.conv4, s.pool4 = Seed004Double(4 * b, 8 * b, pad), nn.MaxPool2d(2)
        s.conv5 = Seed004Double(8 * b, 16 * b, pad)
        s.up6, s.conv6 = nn.ConvTranspose2d(16 * b, 8 * b, 2, stride=2), Seed004Double(16 * b, 8 * b, pad)
        s.up7, s.conv7 = nn.ConvTranspose2d(8 * b, 4 * b, 2, stride=2), Seed004Double(8 * b, 4 * b, pad)
        s.up8, s.conv8 = nn.ConvTranspose2d(4 * b, 2 * b, 2, stride=2), Seed004Double(4 * b, 2 * b, pad)
        s.up9, s.conv9 = nn.ConvTranspose2d(2 * b, b, 2, stride=2), Seed004Double(2 * b, b, pad)
        s.conv10 = nn.Conv2d(b, out_ch, 1)
    def join(s, skip, up):
        if s.mode == 0: skip = TF.center_crop(skip, list(up.shape[-2:]))
        elif s.mode == 1:
            dy, dx = skip.shape[2] - up.shape[2], skip.shape[3] - up.shape[3]
            up = F.pad(up, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])
        return torch.cat([skip, up], 1)
    def forward(s, x):
        c1 = s.conv1(x); c2 = s.conv2(s.pool1(c1)); c3 = s.conv3(s.pool2(c2)); c4 = s.conv4(s.pool3(c3)); c5 = s.conv5(s.pool4(c4))
        c6 = s.conv6(s.join(c4, s.up6(c5))); c7 = s.conv7(s.join(c3, s.up7(c6))); c8 = s.conv8(s.join(c2, s.up8(c7))); c9 = s.conv9(s.join(c1, s.up9(c8)))
        return s.conv10(c9)

B = 4
# case: (model, template id, input C×H×W)
CASES = {
    'milesial': (lambda: MilesialUNet(3, 2, B), 'milesial-transposed', (3, 37, 37)),
    'leejunhyun': (lambda: U_Net(3, 1, B), 'upconv-blocks', (3, 32, 32)),
    'seed001': (lambda: Seed001UNet(B), 'strided-nearest', (3, 32, 32)),
    'seed004-crop': (lambda: Seed004UNet(1, 2, B, 0), 'seed004-crop', (1, 188, 188)),
    'seed004-pad': (lambda: Seed004UNet(1, 2, B, 1), 'seed004-pad', (1, 190, 190)),
    'seed004-same': (lambda: Seed004UNet(1, 2, B, 2), 'seed004-same', (1, 48, 48)),
}

def b64(t): return base64.b64encode(t.detach().contiguous().float().numpy().astype('<f4').tobytes()).decode('ascii')

def lively(model, cin, size, gen):
    """He-normal convs and BatchNorm statistics measured on random inputs, so outputs depend on every weight."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            fan_in = m.weight[0].numel() if isinstance(m, nn.Conv2d) else m.weight.shape[0]
            m.weight.data = torch.randn(m.weight.shape, generator=gen) * (2 / fan_in) ** 0.5
            if m.bias is not None: m.bias.data = 0.1 * torch.randn(m.bias.shape, generator=gen)
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns: m.reset_running_stats(); m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(3): model(torch.rand(2, cin, size, size, generator=gen))
    model.eval()
    for m in bns:
        m.weight.data = 0.5 + torch.rand(m.num_features, generator=gen)
        m.bias.data = 0.2 * torch.randn(m.num_features, generator=gen)

def write_safetensors(path, sd):
    header, blobs, offset = {}, [], 0
    for k, v in sd.items():
        raw = v.detach().contiguous().numpy().tobytes()
        header[k] = {'dtype': {torch.float32: 'F32', torch.int64: 'I64'}[v.dtype], 'shape': list(v.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw); offset += len(raw)
    text = json.dumps(header).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f: f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))

def shared_views(sd):
    """Every float tensor as a view into one storage (offsets), conv weights stored transposed (strides)."""
    floats = [(k, v) for k, v in sd.items() if v.is_floating_point()]
    big = torch.zeros(sum(v.numel() for _, v in floats) + 3)
    out, at = {}, 3
    for k, v in sd.items():
        if not v.is_floating_point(): out[k] = v; continue
        n = v.numel()
        if v.dim() == 4:
            # A permuted view: the storage holds the weight as [kW, kH, I, O]; the tensor reads it back as [O, I, kH, kW].
            big[at:at + n] = v.permute(3, 2, 1, 0).contiguous().flatten()
            out[k] = big[at:at + n].view(v.shape[3], v.shape[2], v.shape[1], v.shape[0]).permute(3, 2, 1, 0)
        else:
            big[at:at + n] = v.flatten(); out[k] = big[at:at + n].view(v.shape)
        assert torch.equal(out[k], v)
        at += n
    return out

def make(name, out_dir):
    factory, template, (c, h, w) = CASES[name]
    torch.manual_seed(11)
    gen = torch.Generator().manual_seed(11)
    model = factory()
    lively(model, c, h, gen)
    x = torch.rand(1, c, h, w, generator=gen)
    files = {}
    sd = model.state_dict()
    torch.save(sd, os.path.join(out_dir, f'{name}.pth')); files['float32'] = f'{name}.pth'
    if name == 'milesial':
        torch.save(shared_views(sd), os.path.join(out_dir, f'{name}-views.pth')); files['views'] = f'{name}-views.pth'
        write_safetensors(os.path.join(out_dir, f'{name}.safetensors'), sd); files['safetensors'] = f'{name}.safetensors'
    outputs = {}
    with torch.no_grad():
        outputs['float32'] = model(x)
        if name == 'milesial':
            for dt, label in ((torch.float16, 'float16'), (torch.bfloat16, 'bfloat16')):
                low = {k: (v.to(dt) if v.is_floating_point() else v) for k, v in sd.items()}
                torch.save(low, os.path.join(out_dir, f'{name}-{label}.pth')); files[label] = f'{name}-{label}.pth'
                rounded = factory(); rounded.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in low.items()}); rounded.eval()
                outputs[label] = rounded(x)
    outputs['views'] = outputs['safetensors'] = outputs['float32']
    meta = {'template': template, 'builder': {'base': B, 'inputSize': {'h': h, 'w': w}}, 'input': {'shape': list(x.shape), 'data': b64(x)},
            'files': {k: {'file': f, 'output': {'shape': list(outputs[k].shape), 'data': b64(outputs[k])}} for k, f in files.items()},
            'params': sum(p.numel() for p in model.parameters())}
    with open(os.path.join(out_dir, f'{name}.json'), 'w') as f: json.dump(meta, f)
    print(f'{name:14s} {template:20s} {", ".join(files)}')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', required=True)
    ap.add_argument('--full-params', action='store_true', help='print the full-width seed 004 parameter count (31,042,434)')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_grad_enabled(False)
    if args.full_params: print('seed004 full width:', sum(p.numel() for p in Seed004UNet(1, 2, 64, 0).parameters()))
    for name in CASES: make(name, args.out)
