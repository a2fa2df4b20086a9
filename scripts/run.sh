#!/usr/bin/env bash
# scripts/run.sh BINARY PORT: creates or migrates the database, loads the demo data (the demo
# accounts; the référentiel file is built by `make reference`) and serves on 127.0.0.1:PORT until
# Ctrl-C. Every setting can also come from MAILLAGE_* variables (see src/app/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1; port=$2
mkdir -p var
export MAILLAGE_REFERENCE=${MAILLAGE_REFERENCE:-$PWD/var/reference.sqlite}
export MAILLAGE_DATABASE=${MAILLAGE_DATABASE:-$PWD/var/maillage.sqlite}
"$bin" demo load --port "$port"
echo
echo "Maillage démarre sur http://127.0.0.1:$port/ (Ctrl-C pour arrêter)."
exec "$bin" serve --port "$port"
