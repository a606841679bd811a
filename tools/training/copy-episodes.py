#!/usr/bin/env python3
"""Copy episodes: a token file in which segments are written several times in a row, to measure (or train) copying
from the context. A model that copies predicts every repeat almost exactly; one that does not stays at its loss on the
first occurrence.

  copy-episodes.py SRC.u16 OUT.u16 --tokens N [--seed S] [--random-only [--vocab-top K]]

Default: segments of 24-56 tokens written 2, 2 or 3 times; three in four are runs of SRC's text, one in four tokens
drawn one by one from SRC (nothing but copying predicts those). --random-only: segments of 8-32 tokens drawn one by
one, written 2 to 4 times; with --vocab-top K from SRC's K most frequent tokens only, uniformly.
"""
import argparse, array, collections, random

p = argparse.ArgumentParser()
p.add_argument("src"); p.add_argument("out")
p.add_argument("--tokens", type=int, required=True)
p.add_argument("--seed", type=int, default=7)
p.add_argument("--random-only", action="store_true")
p.add_argument("--vocab-top", type=int, default=0)
a = p.parse_args()

src = array.array("H"); src.frombytes(open(a.src, "rb").read())
top = [t for t, _ in collections.Counter(src).most_common(a.vocab_top)] if a.vocab_top else None
rng = random.Random(a.seed)
draw = (lambda: rng.choice(top)) if top else (lambda: src[rng.randrange(len(src))])
out = array.array("H")
while len(out) < a.tokens:
    if a.random_only:
        length, repeats = rng.randint(8, 32), rng.randint(2, 4)
        segment = [draw() for _ in range(length)]
    else:
        length, repeats = rng.randint(24, 56), rng.choice((2, 2, 3))
        if rng.random() < 0.25:
            segment = [draw() for _ in range(length)]
        else:
            start = rng.randrange(len(src) - length)
            segment = list(src[start:start + length])
    for _ in range(repeats):
        out.extend(segment)
open(a.out, "wb").write(out.tobytes())
print(f"{a.out}: {len(out):,} tokens")
