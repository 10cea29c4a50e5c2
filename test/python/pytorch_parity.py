"""Loads each exported PyTorch folder (model.py + weights.safetensors, strict) and compares its output with ours.

Usage: pytorch_parity.py CASES.json — a list of {dir, input, expected, shape_in, shape_out}; raw float32 NCHW
files. Prints one JSON line per case: {dir, max_diff, scale, params, blocks} or {dir, error}.
"""
import importlib.util
import json
import sys
import traceback

import numpy as np
import torch


def load_module(folder, name):
    spec = importlib.util.spec_from_file_location(name, f'{folder}/model.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    torch.set_num_threads(1)
    cases = json.load(open(sys.argv[1]))
    for i, case in enumerate(cases):
        try:
            m = load_module(case['dir'], f'exported_{i}')
            net = m.UNet()
            m.load_weights(net, f"{case['dir']}/weights.safetensors", strict=True)
            net.eval()
            x = torch.from_numpy(np.fromfile(case['input'], dtype='<f4').reshape(case['shape_in']))
            with torch.no_grad():
                y = net(x).numpy()
            want = np.fromfile(case['expected'], dtype='<f4').reshape(case['shape_out'])
            print(json.dumps({'dir': case['dir'], 'shape': list(y.shape), 'max_diff': float(np.abs(y - want).max()),
                              'scale': float(np.abs(want).max()), 'params': sum(p.numel() for p in net.parameters())}), flush=True)
        except Exception:
            print(json.dumps({'dir': case['dir'], 'error': traceback.format_exc()}), flush=True)


if __name__ == '__main__':
    main()
