#!/usr/bin/env python3
"""Compares the engine's logits (dsv4 logits --all --out F) with one window of the dsv4-sysadmin fixture.
Usage: compare-logits.py FIXTURE_DIR WINDOW_INDEX ENGINE.f32"""
import array
import json
import sys

fixture, index, engine_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
manifest = json.load(open(f"{fixture}/manifest.json"))
case = manifest["cases"][index]
rows, vocab = case["logits"]["shape"]
ref = array.array("f")
ref.frombytes(open(f"{fixture}/{case['logits']['file']}", "rb").read())
eng = array.array("f")
eng.frombytes(open(engine_path, "rb").read())
worst, agree = 0.0, 0
for r, pos in enumerate(case["row_positions"]):
    a = ref[r * vocab:(r + 1) * vocab]
    b = eng[pos * vocab:(pos + 1) * vocab]
    d = max(abs(x - y) for x, y in zip(a, b))
    worst = max(worst, d)
    agree += max(range(vocab), key=a.__getitem__) == max(range(vocab), key=b.__getitem__)
    print(f"position {pos:4d}: max |engine - fixture| {d:.3e}")
print(f"{case['name']}: max {worst:.3e} over {rows} rows, argmax agrees on {agree}/{rows}")
