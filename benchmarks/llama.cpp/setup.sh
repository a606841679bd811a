#!/usr/bin/env bash
# Installs a llama.cpp that can run DeepSeek V4 GGUFs, for side-by-side benchmarks against `dsv4 bench`.
# Debian sid packages llama.cpp with deepseek4 support (llama.cpp-tools 0.7.0+dfsg, ggml 0.27.0, CPU backends
# built for every x86 level and picked at run time); it needs a newer glibc than the host's Debian 12, so it
# lives in a sid chroot made with debootstrap. Needs root. Usage: setup.sh [ROOT] (default /opt/dsv4-llama-sid).
set -euo pipefail
root=${1:-/opt/dsv4-llama-sid}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ -x "$root/usr/bin/llama-bench" ]; then
  echo "llama.cpp already installed in $root"; exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
debootstrap --variant=minbase --include=llama.cpp-tools sid "$root" "$mirror"
chroot "$root" llama-bench --version 2>&1 | head -2 || true
echo "llama.cpp installed in $root (run: benchmarks/llama.cpp/side-by-side.sh)"
