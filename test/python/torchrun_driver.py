"""Runs the exported train.py of several folders in one torchrun launch (a launch costs seconds; the run is the same
code `torchrun train.py` executes): for each FOLDER, train.main(['--data', DATA, ...]) with DistributedDataParallel
over the launch's processes. Usage: torchrun --nproc_per_node=2 torchrun_driver.py DATA STEPS fresh|resume FOLDER...
"""
import importlib.util
import os
import sys

import torch.distributed as dist


def main():
    data, steps, mode, folders = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    dist.init_process_group('gloo')
    for folder in folders:
        sys.modules.pop('model', None)
        sys.path.insert(0, folder)
        spec = importlib.util.spec_from_file_location(f'train_{abs(hash(folder))}', os.path.join(folder, 'train.py'))
        train = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(train)
        if dist.get_rank() == 0:
            print(f'=== {folder}', flush=True)
        train.main(['--data', data, '--out', os.path.join(folder, 'runs'), '--max-steps', steps, '--batch-size', '1',
                    '--workers', '0', '--lr', '0.003', '--epochs', '1000'] + (['--resume', 'auto'] if mode == 'resume' else []))
        sys.path.remove(folder)
        dist.barrier()
    dist.destroy_process_group()


if __name__ == '__main__':
    main()
