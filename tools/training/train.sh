#!/usr/bin/env bash
# Reproduces models/dsv4-sysadmin.gguf and tests/fixtures/dsv4-sysadmin/ from nothing but the repository:
# restores and builds tools/DeepSeekV4.Training (TorchSharp-cpu 0.107.0 = libtorch 2.10 CPU, from NuGet), builds the
# corpus, tokenizer and continuation samples (tools/DeepSeekV4.Corpus, Debian packages), trains in two phases (resumable:
# rerun to continue), exports, draws the loss curve, and prints the time each part took. Outputs outside git go to out/
# (git-ignored).
#   tools/training/train.sh            (env: CORPUS_OUT, TRAIN_RUN, PHASE2_RUN, THREADS to override the defaults)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${CORPUS_OUT:-$root/out/corpus}
run=${TRAIN_RUN:-$root/out/train-run}
run2=${PHASE2_RUN:-$root/out/train-run-phase2}
threads=${THREADS:-1}
start=$(date +%s)
stamp() { echo "[$(date -u +%H:%M:%S)] $* ($(( $(date +%s) - start )) s since start)"; }

dotnet build "$root/tools/DeepSeekV4.Training" -c Release
bin="$root/tools/DeepSeekV4.Training/bin/Release/net10.0"
# libLibTorchSharp asks for GCC 13's libstdc++ for one symbol nothing calls; Debian 12 ships GCC 12's.
python3 "$root/tools/training/relax-glibcxx.py" "$bin/runtimes/linux-x64/native/libLibTorchSharp.so"
stamp "built"

if [ ! -f "$corpus/READY" ]; then
  dotnet run --project "$root/tools/DeepSeekV4.Corpus" -c Release -- all --out "$corpus"
  # Chat-formatted samples appended to train.u16 (the lead's chat_mix.py), so the model learns the chat template.
  if [ -f "$root/tools/training/chat_mix.py" ]; then
    dotnet build "$root/src/DeepSeekV4.Cli" -c Release
    python3 "$root/tools/training/chat_mix.py" --corpus "$corpus" --dsv4 "dotnet $root/src/DeepSeekV4.Cli/bin/Release/net10.0/dsv4.dll"
  fi
  touch "$corpus/READY"
fi
stamp "corpus ready in $corpus"

# The committed model's run: seed 1234, one schedule of 3,000 steps of 1,024 tokens (warm-up, then cosine to a tenth).
# Threads: 1 by default, because libgomp's team of 2 gains little on two shared cores; the result is deterministic for a
# fixed thread count. Rerun after an interruption and it resumes from the last checkpoint (every 25 steps).
steps=3000
shape=(--dim 256 --ratios 0,4,128,4 --experts 8 --active 2 --moe-inter 96 --lr 3e-3 --warmup 20
  --dense-indexer-steps 100 --eval-every 100 --eval-windows 8 --checkpoint-every 25 --seed 1234)
if [ ! -f "$run/checkpoint.bin" ]; then
  dotnet "$bin/dsv4-train.dll" train --threads "$threads" --data "$corpus" --out "$run" "${shape[@]}" --steps "$steps"
else
  dotnet "$bin/dsv4-train.dll" train --resume --threads "$threads" --data "$corpus" --out "$run" --steps "$steps"
fi
stamp "phase 1 trained ($run/loss.csv, $run/train.log)"

# Phase 2, the demo's job: 2,000 more steps on phase 1's weights and optimizer, 35 % of the windows from
# continuations.u16 (a short document under an instruction, answered by what it says next, from a sentence start),
# the rate from 6e-4 by a cosine to the same minimum; the GGUF declares the trained context (1,024) as context_length.
steps2=5000
if [ ! -f "$run2/checkpoint.bin" ]; then
  dotnet "$bin/dsv4-train.dll" train --threads "$threads" --data "$corpus" --out "$run2" --init "$run/checkpoint.bin" --steps "$steps2" \
    --lr 6e-4 --mix-file continuations.u16 --mix-share 0.35 --max-ctx 1024
else
  dotnet "$bin/dsv4-train.dll" train --resume --threads "$threads" --data "$corpus" --out "$run2" --steps "$steps2"
fi
stamp "phase 2 trained ($run2/loss.csv, $run2/train.log)"

dotnet "$bin/dsv4-train.dll" export --threads "$threads" --checkpoint "$run2/checkpoint.bin" --data "$corpus" \
  --out "$root/models/dsv4-sysadmin.gguf" --fixture-dir "$root/tests/fixtures/dsv4-sysadmin" --eval-windows 64 --type q4_k
cp "$run2/loss.csv" "$root/docs/dsv4-sysadmin-loss.csv"
dotnet run --project "$root/tools/DeepSeekV4.Corpus" -c Release -- plot-loss --csv "$root/docs/dsv4-sysadmin-loss.csv" \
  --png "$root/docs/dsv4-sysadmin-loss.png" --title "dsv4-sysadmin: training loss"
stamp "exported"
