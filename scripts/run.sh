#!/usr/bin/env bash
# scripts/run.sh BINARY PORT: creates or migrates the database, loads the demo data and serves.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1; port=$2
mkdir -p var
export MAILLAGE_REFERENCE=${MAILLAGE_REFERENCE:-$PWD/var/reference.sqlite}
"$bin" demo load
exec "$bin" serve --port "$port"
