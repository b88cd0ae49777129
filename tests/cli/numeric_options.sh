#!/usr/bin/env bash
# Every numeric option refuses a bad value with one readable line: the
# option, the value and the range to give (not CLI11's double range), exit
# status 2; the values at each end of a range are taken.
# Usage: numeric_options.sh FTPSNIFF CAPTURES_DIR
set -uo pipefail
bin=$1 demo=$2/vsftpd-python-demo.pcap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# refused OPTION VALUE RANGE: exit status 2 and exactly this one line.
refused() {
    local option=$1 value=$2 range=$3
    "$bin" -r "$demo" "$option" "$value" >/dev/null 2>"$work/err" </dev/null
    local got=$?
    [ "$got" -eq 2 ] || fail "$option $value: exit status $got, expected 2"
    local want="ftpsniff: $option: $value is not allowed; give $range"
    [ "$(head -1 "$work/err")" = "$want" ] || fail "$option $value: said '$(head -1 "$work/err")', expected '$want'"
    [ "$(wc -l <"$work/err")" -eq 2 ] || fail "$option $value: more than the error and the --help hint"
}

# taken OPTION VALUE: the demo capture is read as usual.
taken() {
    "$bin" -r "$demo" "$1" "$2" >/dev/null 2>"$work/err" </dev/null || fail "$1 $2 refused: $(cat "$work/err")"
}

for value in 0 -5 abc 10000001 99999999999999999999999 1e3; do
    refused --max-flows "$value" "a whole number from 1 to 10000000"
done
taken --max-flows 1
taken --max-flows 10000000
refused --idle-timeout 0 "a whole number from 1 to 1000000000"
refused --idle-timeout 1.5 "a whole number from 1 to 1000000000"
taken --idle-timeout 1000000000
refused --max-line 15 "a whole number from 16 to 1048576"
refused --max-line 1048577 "a whole number from 16 to 1048576"
taken --max-line 16
taken --max-line 1048576
refused --max-out-of-order 0 "a whole number from 1 to 1073741824"
refused --max-out-of-order 1073741825 "a whole number from 1 to 1073741824"
taken --max-out-of-order 1073741824
refused --snaplen -1 "a whole number from 0 to 262144"
refused --snaplen 262145 "a whole number from 0 to 262144"
taken --snaplen 0  # whole packets, as in tcpdump
refused --buffer-size 0 "a whole number from 1 to 2097151"
refused --buffer-size 2097152 "a whole number from 1 to 2097151"  # its bytes must fit an int
refused --count 0 "a whole number of 1 or more"
refused --count x "a whole number of 1 or more"
taken --count 18446744073709551615
refused --session 0 "a whole number of 1 or more"
taken --session 1
refused --duration 0 "a number of seconds above 0 and at most 1000000000"
refused --duration inf "a number of seconds above 0 and at most 1000000000"
refused --duration -1 "a number of seconds above 0 and at most 1000000000"
taken --duration 0.5

[ "$failures" -eq 0 ] || { echo "numeric option checks: $failures failed" >&2; exit 1; }
