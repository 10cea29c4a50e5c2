"""Checks the losses of exported train.py files against values computed here, independently (numpy, by hand).

Usage: train_losses.py STUDIO_MAP.json FOLDER... — each FOLDER an exported PyTorch model (model.py + train.py);
STUDIO_MAP.json: {width, height, labels, weights}, a mask and the weight map UNet Studio's own trainer computes for it
(src/runtime/train/weightMap.ts), which border_weights must reproduce. Prints one JSON line per check:
{"check": NAME, "ok": bool, "detail": ...}; the unit test asserts every line is ok.
"""
import importlib.util
import json
import math
import sys
import traceback

import numpy as np
import torch

torch.set_num_threads(1)
results = []


def check(name, ok, detail=''):
    results.append({'check': name, 'ok': bool(ok), 'detail': detail})


def close(name, got, want, tol=1e-5):
    got = float(got)
    check(name, abs(got - want) <= tol * max(1.0, abs(want)), f'got {got:.8g}, expected {want:.8g}')


def load_train(folder, index):
    """train.py as a module (its __main__ guard keeps main() from running), with this folder's model.py."""
    sys.modules.pop('model', None)
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(f'train_{index}', f'{folder}/train.py')
        train = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(train)
    finally:
        sys.path.remove(folder)
    return train


# Independent references, numpy float64 on logits z (N×C×H×W) and class labels t (N×H×W).
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def pixel_ce(z, t):
    if z.shape[1] == 1:
        p = sigmoid(z[:, 0])
        return -(t * np.log(p) + (1 - t) * np.log(1 - p))
    logp = np.log(softmax(z))
    return -np.take_along_axis(logp, t[:, None], 1)[:, 0]


def dice(z, t, smooth=1.0):
    """1 − mean over compared classes of (2·Σpg + 1) / (Σp + Σg + 1): the foreground of one channel, every class of several."""
    if z.shape[1] == 1:
        p, g = sigmoid(z), t[:, None].astype(np.float64)
    else:
        p, g = softmax(z), np.eye(z.shape[1])[t].transpose(0, 3, 1, 2)
    inter = (p * g).sum((0, 2, 3))
    return 1 - ((2 * inter + smooth) / (p.sum((0, 2, 3)) + g.sum((0, 2, 3)) + smooth)).mean()


def model_output(train, z):
    """What the exported model returns for logits z, given its OUTPUT_ACTIVATION."""
    act = train.exported.OUTPUT_ACTIVATION
    out = sigmoid(z) if act == 'sigmoid' else softmax(z) if act == 'softmax' else z
    return torch.tensor(out, dtype=torch.float32)


def loss(train, name, z, t, w):
    return train.compute_loss(name, model_output(train, z), torch.from_numpy(t), torch.tensor(w, dtype=torch.float32)).item()


def check_losses(train, label):
    channels = train.exported.OUTPUT_SHAPE[0]
    rng = np.random.default_rng(3)
    t = rng.integers(0, max(channels, 2), size=(2, 6, 7))
    t[0, 0, 0], t[0, 0, 1] = 0, 1  # both classes present
    z = rng.normal(0, 2, size=(2, channels, 6, 7))
    ones = np.ones(t.shape)
    w = rng.uniform(0.2, 5, size=t.shape)
    # Logits that are certain of the right class, and of a wrong one.
    if channels == 1:
        perfect, wrong = np.where(t == 1, 30.0, -30.0)[:, None], np.where(t == 1, -30.0, 30.0)[:, None]
    else:
        perfect = 60 * np.eye(channels)[t].transpose(0, 3, 1, 2) - 30
        wrong = 60 * np.eye(channels)[(t + 1) % channels].transpose(0, 3, 1, 2) - 30
    for act in (train.exported.OUTPUT_ACTIVATION, None, 'sigmoid' if channels == 1 else 'softmax'):
        train.exported.OUTPUT_ACTIVATION = act
        tag = f'{label} (output activation {act})'
        ce = pixel_ce(z, t)
        tol = 1e-5 if act is None else 1e-4  # from probabilities: float32 log of a clipped p
        close(f'{tag}: bce = independent cross-entropy', loss(train, 'bce', z, t, ones), ce.mean(), tol)
        close(f'{tag}: ce = independent cross-entropy', loss(train, 'ce', z, t, ones), ce.mean(), tol)
        close(f'{tag}: dice = independent soft Dice', loss(train, 'dice', z, t, ones), dice(z, t), tol)
        close(f'{tag}: dice of a perfect prediction ≈ 0', loss(train, 'dice', perfect, t, ones), 0.0, 1e-5)
        d_wrong = loss(train, 'dice', wrong, t, ones)
        close(f'{tag}: dice of a fully wrong prediction = 1 − 1/(Σp + Σg + 1) per class', d_wrong, dice(wrong, t), 1e-5)
        check(f'{tag}: dice of a fully wrong prediction ≈ 1', d_wrong > 0.95, f'got {d_wrong}')
        close(f'{tag}: bce+dice = bce + dice', loss(train, 'bce+dice', z, t, ones), ce.mean() + dice(z, t), tol)
        close(f'{tag}: weighted-ce with all-ones weights = ce', loss(train, 'weighted-ce', z, t, ones), ce.mean(), tol)
        close(f'{tag}: weighted-ce = Σ w·ce / Σ w', loss(train, 'weighted-ce', z, t, w), (w * ce).sum() / w.sum(), tol)


def expected_weights(objects, shape, w0=10.0, sigma=5.0):
    """The paper's weight map by brute force from the objects as drawn (not found by component labelling):
    class balance N / (classes present · count) plus w0·exp(−(d1 + d2)² / 2σ²) on background pixels."""
    labels = np.zeros(shape, np.int64)
    for o in objects:
        labels[o] = 1
    counts = np.bincount(labels.ravel(), minlength=2)
    balance = labels.size / ((counts > 0).sum() * counts[labels])
    ys, xs = np.indices(shape)
    dists = []
    for o in objects:
        oy, ox = ys[o].ravel(), xs[o].ravel()
        dists.append(np.sqrt((ys[..., None] - oy) ** 2 + (xs[..., None] - ox) ** 2).min(-1))
    d = np.sort(np.stack(dists + [np.full(shape, np.inf)]), 0)  # d2 = ∞ with a single object: no border term
    border = np.where(labels == 0, w0 * np.exp(-((d[0] + d[1]) ** 2) / (2 * sigma ** 2)), 0)
    return labels, balance + border, balance


def check_border_weights(train):
    shape = (40, 40)
    # Two 10×10 squares, columns 5–14 and 17–26: a gap of two pixels (columns 15, 16).
    gap = [np.s_[15:25, 5:15], np.s_[15:25, 17:27]]
    labels, want, balance = expected_weights(gap, shape)
    got = train.border_weights(labels, 2)
    close('border_weights: gap pixel = class balance + w0·exp(−(1 + 2)²/2σ²)', got[20, 15], 1600 / (2 * 1400) + 10 * math.exp(-9 / 50), 1e-5)
    check('border_weights: a gap pixel weighs more than far background', got[20, 15] > 5 * got[0, 39], f'{got[20, 15]} vs {got[0, 39]}')
    close('border_weights: far background = class-balance weight', got[0, 39], balance[0, 39], 1e-5)
    close('border_weights: foreground = class-balance weight', got[20, 8], 1600 / (2 * 200), 1e-5)
    err = float(np.abs(got - want).max())
    check('border_weights: two squares, whole map = brute-force map', err < 1e-4, f'max |Δ| {err}')
    # Squares touching only at a corner are two cells (4-neighbourhood, as the studio's own weight map).
    corner = [np.s_[5:15, 5:15], np.s_[15:25, 15:25]]
    labels, want, _ = expected_weights(corner, shape)
    got = train.border_weights(labels, 2)
    err = float(np.abs(got - want).max())
    check('border_weights: squares touching at a corner are two cells (4-neighbourhood)', err < 1e-4, f'max |Δ| {err}')
    # One object: no border term; an image of background only: weight 1 (one class present).
    labels, want, _ = expected_weights([np.s_[3:9, 3:9]], (16, 16))
    err = float(np.abs(train.border_weights(labels, 2) - want).max())
    check('border_weights: one object = class balance only', err < 1e-5, f'max |Δ| {err}')
    empty = train.border_weights(np.zeros((8, 8), np.int64), 2)
    check('border_weights: background only = 1 everywhere', np.allclose(empty, 1), f'{empty.min()}..{empty.max()}')


def check_against_studio(train, path):
    """border_weights on a generated membrane mask = the studio's map (which stops where the term is < 1e-4·w0)."""
    studio = json.load(open(path))
    labels = np.array(studio['labels'], np.int64).reshape(studio['height'], studio['width'])
    want = np.array(studio['weights'], np.float32).reshape(labels.shape)
    err = float(np.abs(train.border_weights(labels, 2) - want).max())
    check('border_weights: a membrane mask gives the studio trainer\'s weight map', err < 2e-3, f'max |Δ| {err}, max weight {want.max()}')


def main():
    studio_map, folders = sys.argv[1], sys.argv[2:]
    for i, folder in enumerate(folders):
        try:
            train = load_train(folder, i)
            check(f'{folder}: train.py imports without running main()', hasattr(train, 'main'))
            check_losses(train, folder)
            if i == 0:
                check_border_weights(train)
                check_against_studio(train, studio_map)
        except Exception:
            check(f'{folder}: exception', False, traceback.format_exc())
    for r in results:
        print(json.dumps(r), flush=True)


if __name__ == '__main__':
    main()
