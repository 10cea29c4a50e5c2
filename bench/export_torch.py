"""Times the exported model.py forward (eval, no_grad) on PyTorch CPU. Usage: export_torch.py FOLDER RUNS THREADS.
Prints one JSON line: {torch, threads, ms: [...]}."""
import importlib.util
import json
import sys
import time

import torch

folder, runs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
spec = importlib.util.spec_from_file_location('exported', f'{folder}/model.py')
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
net = m.build(f'{folder}/weights.safetensors').eval()
x = torch.rand(1, *m.INPUT_SHAPE)
times = []
with torch.no_grad():
    for i in range(runs + 2):
        t0 = time.perf_counter()
        net(x)
        if i >= 2:
            times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({'torch': torch.__version__, 'threads': threads, 'ms': times}))
