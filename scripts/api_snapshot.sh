#!/usr/bin/env bash
# scripts/api_snapshot.sh BINARY ASSETS_ROOT OUT_DIR [REFERENCE]
#
# Snapshot of every GET route of BINARY on a fresh demo (scripts/api_snapshot.py says what is
# requested and how answers are normalised): creates a database in a temporary folder, loads the
# demo, serves it on a free port of 127.0.0.1 from ASSETS_ROOT (the folder with web/ and
# node_modules/: the server reads its templates and assets there, and some files relative to its
# working directory), writes the snapshot into OUT_DIR (must not exist or be empty), stops the
# server (SIGTERM, then waits) and removes the temporary folder (KEEP_TMP=1 keeps it).
#
# REFERENCE (or $MAILLAGE_REFERENCE) is the référentiel file; without it one is built by BINARY
# in the temporary folder. Use the same file for the two binaries being compared, e.g.
#   scripts/api_snapshot.sh /work/snap/maillage-before /work/snap/before-tree /work/snap/before \
#       /work/snap/reference.sqlite
#   scripts/api_snapshot.sh build/debug/src/app/maillage "$PWD" /tmp/after /work/snap/reference.sqlite
#   scripts/api_snapshot.py --compare /work/snap/before /tmp/after
# Extra options for api_snapshot.py can be given in $SNAPSHOT_ARGS (e.g. "--jobs 8").
set -euo pipefail
if [ $# -lt 3 ] || [ $# -gt 4 ]; then
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "$1"); assets=$(realpath "$2"); out=$(realpath -m "$3")
reference=${4:-${MAILLAGE_REFERENCE:-}}
[ -z "$reference" ] || reference=$(realpath "$reference")
[ -x "$bin" ] || { echo "binaire introuvable : $bin" >&2; exit 2; }
[ -d "$assets/web/templates" ] || { echo "pas de web/templates dans $assets" >&2; exit 2; }
[ -d "$assets/node_modules" ] || { echo "pas de node_modules dans $assets (lien vers celui du dépôt ?)" >&2; exit 2; }
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then echo "$out existe et n'est pas vide" >&2; exit 2; fi

tmp=$(mktemp -d /tmp/api_snapshot.XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "le serveur ne s'arrête pas : SIGKILL" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  if grep -q "ERROR: AddressSanitizer\|runtime error:" "$tmp/serve.log" 2>/dev/null; then
    echo "ATTENTION : erreurs des sanitizers dans le journal du serveur :" >&2
    grep -A5 "ERROR: AddressSanitizer\|runtime error:" "$tmp/serve.log" | head -40 >&2
  fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "dossier temporaire gardé : $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

cd "$assets"
export MAILLAGE_ASSETS="$assets"
export MAILLAGE_DATABASE="$tmp/maillage.sqlite"
if [ -z "$reference" ]; then
  reference="$tmp/reference.sqlite"
  "$bin" reference build --out "$reference" > "$tmp/reference.log" 2>&1 ||
    { cat "$tmp/reference.log" >&2; exit 1; }
fi
export MAILLAGE_REFERENCE="$reference"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

start=$(date +%s.%N)  # the run's clock window opens here (normalisation N3)
"$bin" demo load --port "$port" > "$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log" >&2; exit 1; }
"$bin" serve --host 127.0.0.1 --port "$port" > "$tmp/serve.log" 2>&1 &
server_pid=$!
python3 - "$port" "$server_pid" <<'EOF'
import sys, time, urllib.request, os
port, pid = sys.argv[1], int(sys.argv[2])
for _ in range(600):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("le serveur s'est arrêté")
    time.sleep(0.5)
sys.exit("le serveur ne répond pas sur /healthz")
EOF
echo "$(grep -c '' "$tmp/demo.log") lignes de démo ; serveur $server_pid sur le port $port"
# shellcheck disable=SC2086
python3 "$here/api_snapshot.py" --base-url "http://127.0.0.1:$port" --out "$out" \
  --clock-window-start "$start" ${SNAPSHOT_ARGS:-}
cp "$tmp/demo.log" "$out/demo-load.log.txt"
