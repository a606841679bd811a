#!/usr/bin/env bash
# Downloads the corpus's Debian packages (versions pinned: bookworm snapshot 20250520 + security) and unpacks each.
# Usage: fetch-corpus.sh [CACHE_DIR]   (default out/corpus/debs; unpacked trees go to CACHE_DIR/../extract/<package>)
# Needs apt-get (after `apt-get update`) and dpkg-deb. Writes CACHE_DIR/packages.tsv: package, version, .deb file.
set -euo pipefail

cache="${1:-out/corpus/debs}"
extract="$(dirname "$cache")/extract"
mkdir -p "$cache" "$extract"

# package=version. Documentation first, then the man pages of the tools administrators use every day
# (the container's base system has its man pages stripped, so they come from the packages themselves).
packages=(
  manpages=6.03-2
  manpages-dev=6.03-2
  debian-reference-en=2.100
  debian-handbook=11.20220922
  python3.11-doc=3.11.2-6+deb12u9
  postgresql-doc-15=15.20-0+deb12u1
  coreutils=9.1-1
  util-linux=2.38.1-5+deb12u3
  procps=2:4.0.2-3
  iproute2=6.1.0-3
  openssh-client=1:9.2p1-2+deb12u10
  systemd=252.39-1~deb12u2
  bash=5.2.15-2+b13
  grep=3.8-5
  sed=4.9-1+deb12u1
  findutils=4.9.0-4
  tar=1.34+dfsg-1.2+deb12u1
  rsync=3.5.0+ds1-0+deb12u1
  apt=2.6.2
  dpkg=1.21.23
  e2fsprogs=1.47.0-2+b2
  lvm2=2.03.16-2
  cron=3.0pl1-162
  sudo=1.9.13p3-1+deb12u4
  openssl=3.0.22-1~deb12u2
  curl=7.88.1-10+deb12u15
  git-man=1:2.39.5-0+deb12u3
  nftables=1.0.6-2+deb12u2
  iptables=1.8.9-2
  passwd=1:4.13+dfsg1-1+deb12u2
  logrotate=3.21.0-1
  man-db=2.11.2-2
)

command -v apt-get >/dev/null || { echo "fetch-corpus: apt-get is needed" >&2; exit 2; }
command -v dpkg-deb >/dev/null || { echo "fetch-corpus: dpkg-deb is needed" >&2; exit 2; }

: > "$cache/packages.tsv.tmp"
for spec in "${packages[@]}"; do
  name="${spec%%=*}"
  version="${spec#*=}"
  file_version="${version//:/%3a}"
  deb=$(ls "$cache/${name}_${file_version}_"*.deb 2>/dev/null | head -n 1 || true)
  if [[ -z "$deb" ]]; then
    if ! (cd "$cache" && apt-get download -q "$name=$version" >/dev/null 2>"$name.err"); then
      served=$(apt-cache policy "$name" 2>/dev/null | awk '/Candidate:/ {print $2}')
      echo "fetch-corpus: $name version $version is not served any more (apt offers: ${served:-nothing}; if nothing, run apt-get update first); see $cache/$name.err" >&2
      exit 1
    fi
    rm -f "$cache/$name.err"
    deb=$(ls "$cache/${name}_${file_version}_"*.deb | head -n 1)
  fi
  target="$extract/$name"
  if [[ ! -d "$target" ]]; then
    rm -rf "$target.tmp"
    dpkg-deb -x "$deb" "$target.tmp"
    mv "$target.tmp" "$target"
  fi
  printf '%s\t%s\t%s\n' "$name" "$version" "$(basename "$deb")" >> "$cache/packages.tsv.tmp"
done
mv "$cache/packages.tsv.tmp" "$cache/packages.tsv"
echo "fetch-corpus: ${#packages[@]} packages in $cache, unpacked under $extract"
