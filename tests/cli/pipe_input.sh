#!/usr/bin/env bash
# Reading a pipe (tcpdump -w - | ftpsniff -r -) the way tcpdump does: each
# record is written as its packets come, not at the end of the input, and
# SIGINT or SIGTERM ends the run cleanly (the summary, exit status 0) even
# while the read waits on the pipe. Usage: pipe_input.sh FTPSNIFF CAPTURES_DIR
set -uo pipefail
bin=$1 captures=$2
work=$(mktemp -d)
feeder=''
cleanup() {
    [ -n "$feeder" ] && kill "$feeder" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

for signal in INT TERM; do
    mkfifo "$work/pipe"
    # The capture, then the pipe held open: the input has not ended.
    (cat "$captures/vsftpd-python-demo.pcap"; sleep 20) >"$work/pipe" &
    feeder=$!
    "$bin" -r - --format json <"$work/pipe" >"$work/out" 2>"$work/err" &
    sniff=$!
    for _ in $(seq 50); do
        grep -q '"code":221' "$work/out" 2>/dev/null && break
        sleep 0.1
    done
    grep -q '"code":221' "$work/out" || fail "$signal: the replies were not written while the pipe was open"
    grep -q '"type":"summary"' "$work/out" && fail "$signal: a summary before the input ended"
    kill -"$signal" "$sniff"
    wait "$sniff"
    status=$?
    [ "$status" -eq 0 ] || fail "$signal: exit status $status after the signal: $(cat "$work/err")"
    tail -1 "$work/out" | grep -q '"type":"summary"' || fail "$signal: no summary after the signal"
    grep -q '"cut"' "$work/out" && grep -q '"cut":"' "$work/out" && fail "$signal: the stop was reported as a damaged capture"
    kill "$feeder" 2>/dev/null
    wait "$feeder" 2>/dev/null
    feeder=''
    rm -f "$work/pipe"
done

[ "$failures" -eq 0 ] || { echo "pipe input: $failures failed"; exit 1; }
echo "pipe input: 4 checks passed"
