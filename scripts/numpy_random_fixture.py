#!/usr/bin/env python3
"""Print a JSON fixture of numpy legacy-generator output for src/engine/random.ts.

Usage: python3 scripts/numpy_random_fixture.py > test/unit/engine/fixtures/numpy-random.json

Floats go through json.dumps, which writes Python's shortest round-tripping
repr, so JavaScript's JSON.parse recovers the identical float64 bits.
"""
import json
import sys

import numpy as np

SEEDS = [0, 1, 42, 12345, 4294967295]


def flat(values):
    # C-order ravel matches the order NumpyRandom.fillRandn/fillRand write in.
    return [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def seed_case(seed):
    # The bit generator behind RandomState is the only public path to the raw
    # MT19937 words; randint/tomaxint post-process them.
    raw = np.random.RandomState(seed)._bit_generator.random_raw(10)

    rs = np.random.RandomState(seed)
    interleaved = [
        {"call": "randn", "shape": [2, 2], "values": flat(rs.randn(2, 2))},
        {"call": "rand", "shape": [3], "values": flat(rs.rand(3))},
        {"call": "randn", "shape": [3], "values": flat(rs.randn(3))},
        {"call": "randn", "shape": [], "values": flat(rs.randn())},
    ]

    # Above, the cached gauss from randn(3) is consumed by the next randn()
    # call; here it must also survive intervening rand() draws untouched.
    rs = np.random.RandomState(seed)
    cache_across_rand = [
        {"call": "randn", "shape": [], "values": flat(rs.randn())},
        {"call": "rand", "shape": [2], "values": flat(rs.rand(2))},
        {"call": "randn", "shape": [], "values": flat(rs.randn())},
        {"call": "randn", "shape": [], "values": flat(rs.randn())},
    ]

    return {
        "seed": seed,
        "uint32": [int(v) for v in raw],
        "rand": flat(np.random.RandomState(seed).rand(12)),
        "randn": flat(np.random.RandomState(seed).randn(12)),
        "interleaved": interleaved,
        "cacheAcrossRand": cache_across_rand,
    }


def training_case():
    # Uses the global generator on purpose: that is what the reference
    # training script calls, and it must agree with RandomState(42).
    np.random.seed(42)
    specs = [("W1", (2, 2)), ("b1", (2,)), ("W2", (2, 2)), ("b2", (2,)), ("W3", (2,)), ("b3", ())]
    params = []
    for name, shape in specs:
        value = np.random.randn(*shape) * 0.5
        params.append({"name": name, "shape": list(shape), "values": flat(value)})
    return {"seed": 42, "scale": 0.5, "params": params}


def main():
    fixture = {
        "generatedBy": "scripts/numpy_random_fixture.py",
        "numpyVersion": np.__version__,
        "seeds": [seed_case(s) for s in SEEDS],
        "training": training_case(),
    }
    json.dump(fixture, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
