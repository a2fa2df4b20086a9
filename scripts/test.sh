#!/usr/bin/env bash
# scripts/test.sh BUILD_DIR: every test. Starts a throw-away PostgreSQL so the store and API suites
# run on both backends, runs CTest, the browser test and a short fuzz smoke.
# MAILLAGE_TEST_PG is the connection string the PostgreSQL suites use; without it they are skipped
# with a message, which is refused under CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
mkdir -p test-output
export MAILLAGE_REFERENCE=$PWD/var/reference.sqlite

pgdir=$(mktemp -d /tmp/maillage-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pgdir"' EXIT
if url=$(scripts/pg.sh start "$pgdir"); then
  export MAILLAGE_TEST_PG=$url
  echo "test: PostgreSQL test server at $url"
else
  echo "test: PostgreSQL could not be started: PostgreSQL suites will be SKIPPED" >&2
  [ "${CI:-}" = true ] && { echo "test: CI must not skip PostgreSQL" >&2; exit 1; }
fi

echo "== unit, store and API tests (ctest)"
ctest --test-dir "$build" --output-on-failure -j 2 --timeout 600

for t in tests/browser/*.mjs; do
  [ -f "$t" ] || continue
  echo "== browser test $t"
  MAILLAGE_BIN=$PWD/$build/tools/maillage/maillage node "$t"
done

if [ "${MAILLAGE_SKIP_FUZZ:-}" != 1 ]; then
  echo "== fuzz smoke"
  scripts/fuzz.sh 10
fi
echo "test: all passed"
