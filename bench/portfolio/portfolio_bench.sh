#!/usr/bin/env bash
# Portfolio API throughput (issue 3 §4): `maillage serve` on a demo database (real référentiel,
# Moselle demo), then wrk at 64 connections against /healthz (a trivial endpoint of the same
# server: the baseline) and against the portfolio JSON of Moselle as roc1.moselle, in the same
# run. Prints both rates, their ratio (target >= 0.5) and the portfolio's p99 (target < 50 ms).
# A figure below its target is reported, not hidden; the script fails only when it cannot measure.
#
#   portfolio_bench [--duration SECONDS] [--connections N]
#   env: MAILLAGE_BIN (default: the binary of this build), MAILLAGE_REFERENCE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${MAILLAGE_BIN:-$here/../../tools/maillage/maillage}
reference=${MAILLAGE_REFERENCE:-var/reference.sqlite}
duration=10
connections=64
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "usage: portfolio_bench [--duration S] [--connections N]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "portfolio_bench: wrk is not installed" >&2; exit 1; }
[ -x "$bin" ] || { echo "portfolio_bench: no maillage binary at $bin" >&2; exit 1; }
[ -f "$reference" ] || { echo "portfolio_bench: no référentiel at $reference" >&2; exit 1; }

tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# cpp-httplib gives each keep-alive connection a thread of the pool for its lifetime: with fewer
# threads than wrk's connections, the others queue for seconds and the p99 measures the queue, not
# the handler. The pool is sized to the load, as a deployment would (setting `threads`).
threads=${MAILLAGE_THREADS:-$((connections + 8))}
export MAILLAGE_DATABASE=$tmp/bench.sqlite MAILLAGE_REFERENCE=$reference MAILLAGE_PORT=$port
export MAILLAGE_THREADS=$threads
"$bin" demo load >"$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log" >&2; exit 1; }
"$bin" serve >"$tmp/serve.log" 2>&1 &
server=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 240); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
  sleep 0.25
done
curl -fs -c "$tmp/cookies" -H 'Content-Type: application/json' \
  -d '{"identifiant":"roc1.moselle@demo.maillage.fr","mot_de_passe":"demo-maillage-2026"}' \
  "$base/api/v1/session" >/dev/null
cookie=$(awk '$6 == "maillage_session" { print $6 "=" $7 }' "$tmp/cookies")
[ -n "$cookie" ] || { echo "portfolio_bench: sign-in failed" >&2; exit 1; }
portfolio="$base/api/v1/departements/57/portfolio"
structures=$(curl -fs -H "Cookie: $cookie" "$portfolio" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["structures"]))')

# wrk's --latency report: "Requests/sec: N" and the "99%" line of the distribution.
measure() {  # measure NAME URL -> "rate p99_ms"
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Cookie: $cookie" "$2")
  echo "$out" >"$tmp/$1.wrk"
  python3 - "$tmp/$1.wrk" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
print(rate, p99, errors.group(1) if errors else 0)
PY
}
# Warm-up (discarded): connections, page cache, the portfolio cache's first fill.
wrk -t2 -c"$connections" -d2s -H "Cookie: $cookie" "$base/healthz" >/dev/null
wrk -t2 -c"$connections" -d2s -H "Cookie: $cookie" "$portfolio" >/dev/null
read -r h_rate h_p99 h_err < <(measure healthz "$base/healthz")
read -r p_rate p_p99 p_err < <(measure portfolio "$portfolio")
python3 - "$h_rate" "$h_p99" "$p_rate" "$p_p99" "$h_err" "$p_err" "$connections" "$duration" "$structures" "$threads" <<'PY'
import sys
h_rate, h_p99, p_rate, p_p99 = map(float, sys.argv[1:5])
h_err, p_err, conns, dur, n, threads = sys.argv[5:11]
ratio = p_rate / h_rate if h_rate else 0.0
print(f"wrk -t2 -c{conns} -d{dur}s, same server ({threads} threads), same run (portfolio of Moselle: {n} structures)")
print(f"  /healthz (baseline)        {h_rate:10.0f} req/s   p99 {h_p99:7.2f} ms   non-2xx {h_err}")
print(f"  portfolio JSON (57)        {p_rate:10.0f} req/s   p99 {p_p99:7.2f} ms   non-2xx {p_err}")
print(f"  ratio portfolio/healthz    {ratio:10.2f}   (target >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'})")
print(f"  portfolio p99              {p_p99:10.2f} ms (target < 50 ms: {'met' if p_p99 < 50 else 'NOT met'})")
if int(h_err) or int(p_err):
    sys.exit("portfolio_bench: some answers were errors, the figures are not valid")
PY
