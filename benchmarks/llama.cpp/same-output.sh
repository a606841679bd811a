#!/usr/bin/env bash
# Greedy continuation of the same prompt by llama.cpp (llama-completion, temperature 0) and by dsv4 (generate --greedy)
# on the same GGUF: prints both texts and whether they agree. Shows that llama.cpp reads a file exactly as dsv4 does
# (vocabulary, metadata, tensor layouts) and that both compute the same model. Both engines round differently (llama.cpp
# converts activations to F16 for F16 weights, keeps an F16 KV cache; dsv4 keeps float32 activations and the model's
# FP8 KV format), so on random-weight models, whose next-token choices are near ties, long continuations part ways.
# Usage: same-output.sh MODEL.gguf [PROMPT] [TOKENS]   (needs setup.sh and a Release build of dsv4, like side-by-side.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
root=${LLAMA_ROOT:-/opt/dsv4-llama-sid}
dsv4=${DSV4:-$repo/src/DeepSeekV4.Cli/bin/Release/net10.0/dsv4.dll}
model=${1:?usage: $0 MODEL.gguf [PROMPT] [TOKENS]}; prompt=${2:-The quick brown fox}; tokens=${3:-16}
[ -x "$root/usr/bin/llama-completion" ] || { echo "llama.cpp not found in $root: run $here/setup.sh first" >&2; exit 1; }
inside="/tmp/same-output-$(basename "$model")"
[ -e "$root$inside" ] || ln "$model" "$root$inside" 2>/dev/null || cp "$model" "$root$inside"
llama=$(chroot "$root" llama-completion -m "$inside" -p "$prompt" -n "$tokens" --temp 0 -no-cnv -c 4096 -lm none --no-display-prompt 2>/dev/null)
ids=$(dotnet "$dsv4" tokenize --vocab "$model" --text "$prompt")
generated=$(dotnet "$dsv4" generate --model "$model" --tokens "$ids" --greedy -n "$tokens" --kv-cache native | tail -1)
ours=$(dotnet "$dsv4" detokenize --vocab "$model" --ids "$generated")
printf 'prompt ids: %s\nllama.cpp:  %s\ndsv4:       %s\n' "$ids" "$llama" "$ours"
common=0
while [ $common -lt ${#llama} ] && [ "${llama:$common:1}" == "${ours:$common:1}" ]; do common=$((common + 1)); done
if [ "$llama" == "$ours" ]; then echo "same text (${#ours} characters, $tokens tokens)"; else echo "the first $common characters agree, then the texts differ"; fi
