import type { TorchHelper } from '../types';

/** Python functions model.py defines when a layer uses them, in this order. */
export const TORCH_HELPERS: Record<TorchHelper, string> = {
  center_crop: `def center_crop(x, like):
    """The centre of x at like's H×W; an odd surplus leaves the extra row/column at the bottom/right."""
    h, w = like.shape[-2:]
    top = (x.shape[-2] - h) // 2
    left = (x.shape[-1] - w) // 2
    return x[..., top:top + h, left:left + w]`,
  pad_to: `def pad_to(x, like, mode='constant'):
    """x grown to like's H×W around the centre (F.pad); the extra row/column goes bottom/right."""
    dh = like.shape[-2] - x.shape[-2]
    dw = like.shape[-1] - x.shape[-1]
    return F.pad(x, [dw // 2, dw - dw // 2, dh // 2, dh - dh // 2], mode=mode)`,
  crop: `def crop(x, top, bottom, left, right):
    """Drops rows/columns from each side."""
    return x[..., top:x.shape[-2] - bottom, left:x.shape[-1] - right]`,
  pad_same: `def _pair(v):
    return (v, v) if isinstance(v, int) else v


def pad_same(x, kernel, stride, dilation=1, value=0.0):
    """TensorFlow's 'same' padding for a window: ceil(size / stride) outputs; the extra row/column goes bottom/right."""
    pads = []
    for size, k, s, d in reversed(list(zip(x.shape[-2:], _pair(kernel), _pair(stride), _pair(dilation)))):
        total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads, value=value)`,
  avg_pool_same: `def avg_pool_same(x, kernel, stride):
    """TensorFlow's average pooling with 'same' padding: border windows average only the real pixels."""
    ones = torch.ones_like(x[:, :1])
    total = F.avg_pool2d(pad_same(x, kernel, stride), kernel, stride)
    return total / F.avg_pool2d(pad_same(ones, kernel, stride), kernel, stride)`,
  depth_to_space: `def depth_to_space(x, r):
    """TensorFlow's depth_to_space (not pixel_shuffle's channel order): out[c, h·r+i, w·r+j] = x[(i·r+j)·C + c, h, w]."""
    n, c, h, w = x.shape
    x = x.view(n, r, r, c // (r * r), h, w)
    return x.permute(0, 3, 4, 1, 5, 2).reshape(n, c // (r * r), h * r, w * r)`,
  scale_shift: `class ScaleShift(nn.Module):
    """y = x·scale + shift per channel; the constants are buffers (saved, never trained)."""

    def __init__(self, channels):
        super().__init__()
        self.register_buffer('scale', torch.ones(channels))
        self.register_buffer('shift', torch.zeros(channels))

    def forward(self, x):
        return x * self.scale.view(1, -1, 1, 1) + self.shift.view(1, -1, 1, 1)`,
};

/** Helpers that call others. */
export const HELPER_NEEDS: Partial<Record<TorchHelper, TorchHelper[]>> = { avg_pool_same: ['pad_same'] };

/** Reading weights.safetensors with torch alone (the safetensors package is used when installed). */
export const LOAD_WEIGHTS = `def load_safetensors(path):
    """The tensors of a .safetensors file: the safetensors package when installed, else read with torch alone."""
    try:
        from safetensors.torch import load_file
    except ImportError:
        pass
    else:
        return load_file(str(path))
    import json
    import struct
    with open(path, 'rb') as f:
        data = f.read()
    (size,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + size])
    body = memoryview(data)[8 + size:]
    dtypes = {'F32': torch.float32, 'I64': torch.int64}
    tensors = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        begin, end = info['data_offsets']
        dtype = dtypes[info['dtype']]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info['shape'])
    return tensors


def load_weights(model, path=WEIGHTS, strict=True):
    """Loads weights.safetensors into the model (every tensor must fit: strict=True)."""
    model.load_state_dict(load_safetensors(path), strict=strict)
    return model`;
