#!/usr/bin/env python3
"""How much of the demo's text is on its documents' subject: the README's main command (the two example documents
under "Summarize this document in one sentence:", --temperature 0.6 --top-p 0.9 --repeat-penalty 1.15) at seeds 1–8.

For each completion, its words (4+ letters, not stop words) are counted three ways: found only in its own document,
found only in the other document, and found in its own document at all (the share of the completion's words).
A model that ignores its document scores about the same for "own only" and "other only" (the disk document's
words are the commoner ones: file, system, service, packages).

usage: tools/training/subject-check.py [MODEL.gguf] [--seeds N] [extra dsv4 complete options]   (run from the
repository root, after dotnet build src/DeepSeekV4.Cli -c Release; N seeds from 1, default 8)
"""
import json, re, subprocess, sys

DOCS = {"backup": "docs/examples/backup.txt", "disk": "docs/examples/disk-space.txt"}
STOP = set("this that with from then when what which have there their they them will would into only each other some such "
           "than were been does done also about after before where while your more most make made used uses using".split())


def words(text):
    return set(re.findall(r"[a-z]{4,}", text.lower())) - STOP


def main():
    args = sys.argv[1:]
    model = args.pop(0) if args and not args[0].startswith("--") else "models/dsv4-sysadmin.gguf"
    seeds = 8
    if args[:1] == ["--seeds"]:
        seeds = int(args[1])
        args = args[2:]
    extra = args or ["--temperature", "0.6", "--top-p", "0.9", "--repeat-penalty", "1.15"]
    text = {k: open(v).read() for k, v in DOCS.items()}
    vocab = {k: words(v) for k, v in text.items()}
    only = {"backup": vocab["backup"] - vocab["disk"], "disk": vocab["disk"] - vocab["backup"]}
    total = {"own_only": 0, "other_only": 0, "in_own": 0, "words": 0}
    for seed in range(1, seeds + 1):
        out = subprocess.run(["dotnet", "src/DeepSeekV4.Cli/bin/Release/net10.0/dsv4.dll", "complete", "--model", model, "--prompt",
                              "Summarize this document in one sentence:", "--file", DOCS["backup"], "--file", DOCS["disk"],
                              "--max-tokens", "48", "--seed", str(seed), *extra], capture_output=True, text=True, check=True)
        for result, key, other in zip(json.loads(out.stdout), ["backup", "disk"], ["disk", "backup"]):
            w = words(result["Text"])
            total["own_only"] += len(w & only[key])
            total["other_only"] += len(w & only[other])
            total["in_own"] += len(w & vocab[key])
            total["words"] += len(w)
            print(f"seed {seed} {key}: {result['Text']!r}")
    total["share_in_own"] = round(total["in_own"] / max(1, total["words"]), 3)
    print(json.dumps(total))


if __name__ == "__main__":
    main()
