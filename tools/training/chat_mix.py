#!/usr/bin/env python3
"""Adds chat-formatted samples to a training token file, so the model learns what follows DeepSeek's chat template.

Every document of TRAIN (uint16 ids, each document starting with BOS) longer than 64 tokens gives one sample laid out
as the engine's ChatEncoder lays out an Invoke-DSCompletion prompt (BOS <｜User｜>{instruction}\\n\\n{document}
<｜Assistant｜></think>) followed by the document's next tokens and <｜end▁of▁sentence｜>: the "answer" is the text
that continues the document, which is what a model this small can learn to give. The samples are appended after the
plain documents; training windows are drawn at uniform offsets, so they mix.

usage: chat_mix.py --corpus DIR --dsv4 'dotnet path/to/dsv4.dll' [--seed 17]
Reads DIR/train.u16 (the corpus tool's plain documents) and DIR/tokenizer.gguf; keeps the plain file as
DIR/train-plain.u16 and writes DIR/train.u16 = the plain documents, then the samples. Run again, it starts from
train-plain.u16, so the result is the same.
"""
import argparse, array, json, os, random, subprocess, sys

INSTRUCTIONS = [
    "Summarize this document in one sentence:",
    "Summarize this document:",
    "Continue this text:",
    "Explain what this document is about:",
    "What does this page describe?",
    "Read this and continue:",
]


def tokenize(dsv4, vocab, text):
    out = subprocess.run(dsv4.split() + ["tokenize", "--vocab", vocab, "--text", text], capture_output=True, text=True, check=True)
    return [int(t) for t in out.stdout.strip().split(",") if t]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--dsv4", required=True)
    ap.add_argument("--seed", type=int, default=17)
    a = ap.parse_args()
    vocab = f"{a.corpus}/tokenizer.gguf"
    bos, user, assistant, think_end, eos = tokenize(a.dsv4, vocab, "<｜begin▁of▁sentence｜><｜User｜><｜Assistant｜></think><｜end▁of▁sentence｜>")
    heads = [tokenize(a.dsv4, vocab, i + "\n\n") for i in INSTRUCTIONS]

    plain = f"{a.corpus}/train-plain.u16"
    if not os.path.exists(plain) or os.path.getmtime(f"{a.corpus}/train.u16") > os.path.getmtime(plain) + 1:
        os.replace(f"{a.corpus}/train.u16", plain)   # a new plain file from the corpus tool
    tokens = array.array("H")
    with open(plain, "rb") as f:
        tokens.frombytes(f.read())
    if sys.byteorder != "little":
        tokens.byteswap()
    starts = [i for i, t in enumerate(tokens) if t == bos] + [len(tokens)]
    rng = random.Random(a.seed)
    samples = array.array("H")
    count = 0
    for s, e in zip(starts, starts[1:]):
        doc = tokens[s + 1:e]
        if len(doc) <= 64:
            continue
        split = min(max(32, int(len(doc) * rng.uniform(0.3, 0.7))), 400)
        answer = doc[split:split + 200]
        if len(answer) < 16:
            continue
        samples.extend([bos, user, *heads[rng.randrange(len(heads))], *doc[max(0, split - 400):split], assistant, think_end, *answer, eos])
        count += 1
    out = tokens + samples
    if sys.byteorder != "little":
        out.byteswap()
    with open(f"{a.corpus}/train.u16.tmp", "wb") as f:
        f.write(out.tobytes())
    os.replace(f"{a.corpus}/train.u16.tmp", f"{a.corpus}/train.u16")
    os.utime(plain)
    print(json.dumps({"documents": len(starts) - 1, "chat_samples": count, "plain_tokens": len(tokens), "chat_tokens": len(samples),
                      "chat_share": round(len(samples) / len(out), 4)}))


if __name__ == "__main__":
    main()
