#!/usr/bin/env bash
# Runs llama.cpp's llama-bench and `dsv4 bench` on the same GGUF files, same threads, weights read into memory
# (llama-bench -lm none, dsv4 --no-mmap), in one session, and prints both speeds and their ratio.
# Usage: side-by-side.sh [-t "1 2"] [-p 512] [-n 128] [-r 3] [--rounds K] MODEL.gguf...
# Needs benchmarks/llama.cpp/setup.sh run first (root: the llama.cpp lives in a Debian sid chroot) and a Release
# build of dsv4 (dotnet build src/DeepSeekV4.Cli -c Release). Each round runs llama.cpp, then dsv4, per model and
# thread count; several rounds interleave them so that a noisy neighbour hits both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
root=${LLAMA_ROOT:-/opt/dsv4-llama-sid}
dsv4=${DSV4:-$repo/src/DeepSeekV4.Cli/bin/Release/net10.0/dsv4.dll}
threads="1 2"; pp=512; tg=128; reps=3; rounds=1; models=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t) threads=$2; shift 2 ;;
    -p) pp=$2; shift 2 ;;
    -n) tg=$2; shift 2 ;;
    -r) reps=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
[ ${#models[@]} -gt 0 ] || { echo "usage: $0 [-t \"1 2\"] [-p 512] [-n 128] [-r 3] [--rounds K] MODEL.gguf..." >&2; exit 2; }
[ -x "$root/usr/bin/llama-bench" ] || { echo "llama.cpp not found in $root: run $here/setup.sh first" >&2; exit 1; }
[ -f "$dsv4" ] || { echo "dsv4 not built at $dsv4: run dotnet build src/DeepSeekV4.Cli -c Release" >&2; exit 1; }
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mountpoint -q "$root/sys" || mount --bind /sys "$root/sys"

out=$(mktemp -d)
for ((round = 1; round <= rounds; round++)); do
  for model in "${models[@]}"; do
    name=$(basename "$model")
    # The chroot sees the file through a hard link (same file system) or, failing that, a copy.
    inside="/tmp/side-by-side-$name"
    [ -e "$root$inside" ] || ln "$model" "$root$inside" 2>/dev/null || cp "$model" "$root$inside"
    for t in $threads; do
      echo "round $round: $name, $t thread(s): llama.cpp" >&2
      chroot "$root" llama-bench -m "$inside" -p "$pp" -n "$tg" -r "$reps" -t "$t" -lm none -o json \
        > "$out/llama-$round-$name-$t.json" 2>"$out/llama-$round-$name-$t.log"
      echo "round $round: $name, $t thread(s): dsv4" >&2
      dotnet "$dsv4" bench --model "$model" -p "$pp" -n "$tg" --repetitions "$reps" --threads "$t" --no-mmap --json \
        > "$out/dsv4-$round-$name-$t.json" 2>"$out/dsv4-$round-$name-$t.log"
    done
  done
done
python3 - "$out" "$pp" "$tg" <<'PY'
import json, os, sys, glob, statistics
out, pp, tg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = {}
for path in sorted(glob.glob(os.path.join(out, "*.json"))):
    engine, rnd, rest = os.path.basename(path)[:-5].split("-", 2)
    name, threads = rest.rsplit("-", 1)
    data = json.load(open(path))
    if engine == "llama":
        for test in data:
            kind = "pp" if test["n_prompt"] > 0 else "tg"
            rows.setdefault((name, int(threads), kind), {}).setdefault(engine, []).extend(test["samples_ts"])
    else:
        for kind in ("pp", "tg"):
            if data.get(kind + "_samples"):
                rows.setdefault((name, int(threads), kind), {}).setdefault(engine, []).extend(data[kind + "_samples"])
def fmt(s):
    return f"{statistics.mean(s):.2f} ± {statistics.stdev(s) if len(s) > 1 else 0:.2f}"
build = json.load(open(glob.glob(os.path.join(out, "llama-*.json"))[0]))[0]
print(f"llama.cpp build {build['build_number']} ({build['build_commit']}), {build['cpu_info']}; weights read into memory")
print("| model | threads | test | llama.cpp t/s | dsv4 t/s | dsv4 / llama.cpp |")
print("| --- | ---: | --- | ---: | ---: | ---: |")
for (name, threads, kind), r in sorted(rows.items()):
    l, d = r.get("llama", []), r.get("dsv4", [])
    ratio = f"{statistics.mean(d) / statistics.mean(l):.2f}" if l and d else "-"
    test = f"{kind}{pp if kind == 'pp' else tg}"
    print(f"| {name} | {threads} | {test} | {fmt(l) if l else '-'} | {fmt(d) if d else '-'} | {ratio} |")
PY
echo "raw results: $out" >&2
