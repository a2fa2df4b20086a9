#!/usr/bin/env bash
# scripts/bench.sh [BUILD_DIR]: runs every benchmark of the release build. Each prints its figures
# with ratios against a baseline measured in the same run (machines here are noisy: compare ratios,
# not bare times). BENCH=name runs only bench/<name>; ROSTER_LIMITS=10,60 sets the solver budgets,
# SECTORS_LIMIT=60 the sectors engine's per instance.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
export MAILLAGE_REFERENCE=${MAILLAGE_REFERENCE:-$PWD/var/reference.sqlite}
for dir in bench/*/; do
  name=$(basename "$dir")
  [ -n "${BENCH:-}" ] && [ "$BENCH" != "$name" ] && continue
  echo "== bench/$name"
  case "$name" in
    roster)
      "$build/bench/roster/roster_nrp_bench" --dir ../shared/bench/nrp --limits "${ROSTER_LIMITS:-10,60}" --instances 1-8
      ;;
    sectors)
      "$build/bench/sectors/sectors_bench" ../shared/bench/districting --time-limit "${SECTORS_LIMIT:-60}"
      ;;
    access)
      if [ -f "$MAILLAGE_REFERENCE" ]; then
        csv=$(mktemp); "$build/tools/maillage/maillage" reference export communes --format csv --reference "$MAILLAGE_REFERENCE" >"$csv"
        MAILLAGE_COMMUNES_CSV=$csv "$build/bench/access/access_bench"; rm -f "$csv"
      else
        "$build/bench/access/access_bench"
      fi
      ;;
    *)
      for bin in "$build/bench/$name"/*_bench; do [ -x "$bin" ] && "$bin"; done
      ;;
  esac
done
