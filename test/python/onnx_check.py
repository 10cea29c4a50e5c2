"""onnx.checker.check_model(full_check=True) on each file given; prints one JSON line per file."""
import json
import sys

import onnx

for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        print(json.dumps({'file': path, 'ok': True, 'opset': model.opset_import[0].version, 'nodes': len(model.graph.node)}), flush=True)
    except Exception as err:
        print(json.dumps({'file': path, 'ok': False, 'error': str(err)}), flush=True)
