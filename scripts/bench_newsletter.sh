#!/usr/bin/env bash
# scripts/bench_newsletter.sh [COUNT] [RATE] [BIN]: sends COUNT (default 5000) newsletter messages
# to the local SMTP sink (tests/tools/smtp_sink.py; it refuses the addresses "refuse@…", one in 50
# here) through bench/newsletter, then checks that every message the service logged as sent is in
# the sink and every other was logged refused. Prints the time and the peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5000}
rate=${2:-0}
bin=${3:-build/dev/bench/newsletter/newsletter_bench}
python=${MAILLAGE_PYTHON:-/usr/bin/python3}
dir=$(mktemp -d)
"$python" tests/tools/smtp_sink.py serve "$dir/mails" > "$dir/sink.out" 2>"$dir/sink.err" &
sink=$!
trap 'kill $sink 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do grep -q ready "$dir/sink.out" 2>/dev/null && break; sleep 0.1; done
port=$(head -1 "$dir/sink.out" | cut -d' ' -f1)
[ -n "$port" ] || { echo "the SMTP sink did not start: $(cat "$dir/sink.err")" >&2; exit 1; }
/usr/bin/time -v "$bin" "smtp://127.0.0.1:$port" "$count" "$rate" 2> "$dir/time.txt" | tee "$dir/bench.txt"
grep -E "Maximum resident|Elapsed" "$dir/time.txt"
received=$(find "$dir/mails" -name '*.eml' | wc -l)
sent=$(sed -n 's/^delivery log: sent=\([0-9]*\).*/\1/p' "$dir/bench.txt")
echo "sink received $received messages; the delivery log says $sent sent"
[ "$received" = "$sent" ] || { echo "MISMATCH: messages lost or duplicated" >&2; exit 1; }
