#!/usr/bin/env bash
# --duration ends a live capture on time on a quiet interface, where no
# packet comes to wake the read: with a filter nothing matches, `--duration 1`
# must end within a few seconds, cleanly (summary, exit status 0).
# Skips (77) without root. Usage: duration_quiet.sh FTPSNIFF
set -uo pipefail
bin=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root to capture on lo"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$(date +%s%N)
timeout 10 "$bin" -i lo --duration 1 --format json 'tcp port 9 and host 192.0.2.99' >"$out" 2>/dev/null
status=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$status" -eq 0 ] || { echo "FAIL: exit status $status (124: still running after 10 s)"; exit 1; }
[ "$elapsed_ms" -lt 4000 ] || { echo "FAIL: took ${elapsed_ms} ms for --duration 1"; exit 1; }
grep -q '"type":"summary"' "$out" || { echo "FAIL: no summary"; exit 1; }
echo "duration on a quiet interface: ended after ${elapsed_ms} ms"
