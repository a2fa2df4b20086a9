#!/usr/bin/env bash
# scripts/reference.sh BINARY OUT: builds the référentiel into OUT unless it is up to date with the
# data packages (package-lock.json) and the code that builds it (src/geo, src/refdata).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1; out=$2
stamp="$out.stamp"
want=$(cat package-lock.json src/geo/* src/refdata/* data/contours/* 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
mkdir -p "$(dirname "$out")"
"$bin" reference build --out "$out.tmp"
mv "$out.tmp" "$out"
echo "$want" > "$stamp"
