"""Writes test/fixtures/gradients/gradients.json: PyTorch's gradients for every op a U-Net trains through, so
test/unit/training-kernels.test.ts can check the tfjs gradients (wasm kernels and gradient fixes in
src/runtime/kernels/) without PyTorch at test time.

Each case is a small random problem: inputs (NCHW, PyTorch weight layouts), the op's parameters, an upstream
gradient R of the output, and PyTorch's gradient of sum(op(inputs) * R) with respect to every input.
Run:  /usr/bin/python3 scripts/torch/make_gradient_fixtures.py
"""
import base64, json, os
import torch, torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'gradients', 'gradients.json')


def b64(t):
    return base64.b64encode(t.detach().contiguous().to(torch.float32).numpy().astype('<f4').tobytes()).decode('ascii')


def enc(t):
    return {'shape': list(t.shape), 'data': b64(t)}


def depth_to_space_tf(x, r):
    """TensorFlow's depth_to_space on NCHW: out[c, h*r+i, w*r+j] = in[(i*r+j)*C + c, h, w]."""
    n, crr, h, w = x.shape
    c = crr // (r * r)
    return x.reshape(n, r, r, c, h, w).permute(0, 3, 4, 1, 5, 2).reshape(n, c, h * r, w * r)


def case(name, op, params, fn, **inputs):
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    out = fn(**leaves)
    upstream = torch.randn(out.shape)
    (out * upstream).sum().backward()
    return {
        'name': name, 'op': op, 'params': params,
        'inputs': {k: enc(v) for k, v in inputs.items()},
        'output': enc(out), 'upstream': enc(upstream),
        'grads': {k: enc(v.grad) for k, v in leaves.items()},
    }


def main():
    torch.manual_seed(13)
    r = torch.randn
    cases = []
    # Convolutions: (kernel, stride, padding, dilation) on a non-square input with a ragged edge.
    for k, s, p, d in [(3, 1, 1, 1), (3, 1, 0, 1), (3, 2, 1, 1), (3, 2, 0, 1), (3, 1, 2, 2), (3, 1, 0, 2), (2, 2, 0, 1), (1, 1, 0, 1), (5, 1, 2, 1)]:
        cases.append(case(f'conv2d k{k} s{s} p{p} d{d}', 'conv2d', {'kernel': k, 'stride': s, 'padding': p, 'dilation': d},
                          lambda x, w, b: F.conv2d(x, w, b, stride=s, padding=p, dilation=d),
                          x=r(2, 3, 9, 8), w=r(4, 3, k, k), b=r(4)))
    # Asymmetric explicit padding (tfjs takes [[top, bottom], [left, right]]).
    cases.append(case('conv2d k3 pad t2 b0 l1 r3', 'conv2d', {'kernel': 3, 'stride': 1, 'pads': [2, 0, 1, 3], 'dilation': 1},
                      lambda x, w, b: F.conv2d(F.pad(x, (1, 3, 2, 0)), w, b), x=r(2, 3, 7, 6), w=r(4, 3, 3, 3), b=r(4)))
    # Transposed convolutions: the U-Net up-conv (2×2 stride 2) and a 3×3 stride-2 one doubling the size.
    cases.append(case('conv_transpose k2 s2', 'conv2dTranspose', {'kernel': 2, 'stride': 2, 'padding': 0, 'outputPadding': 0},
                      lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2), x=r(2, 6, 4, 5), w=r(6, 3, 2, 2), b=r(3)))
    cases.append(case('conv_transpose k3 s2 p1 op1', 'conv2dTranspose', {'kernel': 3, 'stride': 2, 'padding': 1, 'outputPadding': 1},
                      lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1), x=r(2, 6, 4, 5), w=r(6, 3, 3, 3), b=r(3)))
    # Pooling.
    cases.append(case('max_pool 2', 'maxPool', {'kernel': 2, 'stride': 2, 'padding': 0}, lambda x: F.max_pool2d(x, 2), x=r(2, 3, 8, 6)))
    cases.append(case('max_pool 3 s1 p1', 'maxPool', {'kernel': 3, 'stride': 1, 'padding': 1}, lambda x: F.max_pool2d(x, 3, 1, 1), x=r(2, 3, 7, 6)))
    cases.append(case('avg_pool 2', 'avgPool', {'kernel': 2, 'stride': 2, 'padding': 0}, lambda x: F.avg_pool2d(x, 2), x=r(2, 3, 8, 6)))
    cases.append(case('avg_pool 3 s1 p1 (padding excluded)', 'avgPool', {'kernel': 3, 'stride': 1, 'padding': 1},
                      lambda x: F.avg_pool2d(x, 3, 1, 1, count_include_pad=False), x=r(2, 3, 7, 6)))
    # Resizes.
    for ac in (False, True):
        cases.append(case(f'bilinear x2 align_corners={ac}', 'bilinear', {'scale': 2, 'alignCorners': ac},
                          lambda x: F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=ac), x=r(2, 3, 5, 4)))
    cases.append(case('bilinear x3 align_corners=False', 'bilinear', {'scale': 3, 'alignCorners': False},
                      lambda x: F.interpolate(x, scale_factor=3, mode='bilinear', align_corners=False), x=r(1, 2, 4, 3)))
    cases.append(case('nearest x2', 'nearest', {'scale': 2}, lambda x: F.interpolate(x, scale_factor=2, mode='nearest'), x=r(2, 3, 5, 4)))
    # Padding, depth-to-space, concat + crop.
    cases.append(case('reflection pad t2 b1 l1 r3', 'reflectPad', {'pads': [2, 1, 1, 3]}, lambda x: F.pad(x, (1, 3, 2, 1), mode='reflect'), x=r(2, 3, 6, 5)))
    cases.append(case('zero pad t1 b2 l0 r1', 'zeroPad', {'pads': [1, 2, 0, 1]}, lambda x: F.pad(x, (0, 1, 1, 2)), x=r(2, 3, 6, 5)))
    cases.append(case('depth_to_space 2 (TF order)', 'depthToSpace', {'blockSize': 2}, lambda x: depth_to_space_tf(x, 2), x=r(2, 12, 3, 4)))
    cases.append(case('concat then centre crop', 'concatCrop', {'crop': [1, 2, 1, 0]},
                      lambda x, y: torch.cat([x, y], 1)[:, :, 1:-2, 1:], x=r(2, 3, 7, 6), y=r(2, 2, 7, 6)))
    # Normalisation and activations.
    cases.append(case('batch_norm training (batch statistics)', 'batchNorm', {'epsilon': 1e-3},
                      lambda x, gamma, beta: F.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-3),
                      x=r(4, 3, 5, 4) * 2 + 1, gamma=r(3), beta=r(3)))
    cases.append(case('leaky_relu 0.2', 'leakyRelu', {'alpha': 0.2}, lambda x: F.leaky_relu(x, 0.2), x=r(2, 3, 5, 4)))
    cases.append(case('elu', 'elu', {}, lambda x: F.elu(x), x=r(2, 3, 5, 4)))
    cases.append(case('relu', 'relu', {}, lambda x: F.relu(x), x=r(2, 3, 5, 4)))
    cases.append(case('sigmoid', 'sigmoid', {}, lambda x: torch.sigmoid(x), x=r(2, 3, 5, 4)))
    cases.append(case('softmax over channels', 'softmax', {}, lambda x: F.softmax(x, 1), x=r(2, 3, 5, 4)))
    # A conv with its leaky ReLU (what LeakyConv2D computes).
    cases.append(case('conv k3 p1 + leaky_relu 0.1', 'leakyConv2d', {'kernel': 3, 'padding': 1, 'alpha': 0.1},
                      lambda x, w, b: F.leaky_relu(F.conv2d(x, w, b, padding=1), 0.1), x=r(2, 3, 6, 5), w=r(4, 3, 3, 3), b=r(4)))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'torch': torch.__version__, 'generator': 'scripts/torch/make_gradient_fixtures.py', 'cases': cases}, f)
    print(f'wrote {len(cases)} cases to {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT) // 1024} KB)')


if __name__ == '__main__':
    main()
