"""Prints how numpy's str() shows some float64 arrays; the CLI prints Jacobians the same way.

Run: python3 scripts/numpy_print_fixture.py > test/unit/shared/fixtures/numpy-print.json
"""
import json

import numpy as np

CASES = [
    [[2.0, 1.0], [1.0, 3.0], [-1.0, 1.0]],
    [[5.00000002, 6.0], [4.0, 0.99999999]],
    [0.5, -0.3],
    [[1.0, 2.0, -1.0], [3.0, -1.0, 1.0]],
    [0.24835707650561634, -0.06913215058559233],
    [1e-9, 1.0],
    [123456.789, 2.5],
    [[0.0, 0.0], [0.0, 0.0]],
    [3.14159265358979],
    [-0.5],
    [0.1 + 0.2, 1 / 3],
    [2.5e8, -1.0],
    [[1e-5, 2e-5], [3e-5, -4e-5]],
]

print(json.dumps(
    [{"values": np.array(c).ravel().tolist(), "shape": list(np.array(c).shape), "numpy": str(np.array(c))} for c in CASES],
    indent=1,
))
