#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS]: builds the libFuzzer targets (clang, preset fuzz) and runs each for
# SECONDS (default 60) from its seed corpus in fuzz/<name>/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzzers -j "$(nproc)"
shopt -s nullglob
for bin in build/fuzz/fuzz/*/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus=fuzz/${name#fuzz_}/corpus
  work=$(mktemp -d); [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
  echo "fuzz: $name for ${secs}s"
  "$bin" -max_total_time="$secs" -print_final_stats=0 "$work" >"test-output/$name.log" 2>&1 \
    || { tail -40 "test-output/$name.log"; echo "fuzz: $name found a crash (see test-output/$name.log)" >&2; exit 1; }
  rm -rf "$work"
done
