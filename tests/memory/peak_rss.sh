#!/usr/bin/env bash
# --max-memory is a bound on the whole process: on captures built so that
# what ftpsniff holds would grow with the input (gen_memory_case.cpp), peak
# RSS (GNU time's %M) stays within --max-memory 16M plus 32 MiB for the
# program itself. A check on memory, not on time. Each capture is made here,
# used and deleted, so at most one sits on disk at a time.
# Usage: peak_rss.sh FTPSNIFF GEN_MEMORY_CASE [CASE...]
set -uo pipefail
bin=$1 gen=$2
shift 2
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(ooo verbs sessions fragments synflood syns)
if [ ! -x /usr/bin/time ]; then
    echo "SKIP: /usr/bin/time (Debian package time) is missing" >&2
    exit 77
fi
limit_kib=$(( (16 + 32) * 1024 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

for name in "${cases[@]}"; do
    capture=$work/$name.pcap
    "$gen" "$name" "$capture" || { fail "$name: the generator failed"; continue; }
    opts=(--format json)
    case $name in
        syns) opts=(--format text -w "$work/redacted.pcap") ;;
        sessions) opts=(--format markdown) ;;
    esac
    /usr/bin/time -f %M -o "$work/rss" "$bin" -r "$capture" --max-memory 16M "${opts[@]}" \
        >"$work/out" 2>"$work/err" </dev/null
    status=$?
    rss=$(tail -1 "$work/rss")
    printf '%-10s peak RSS %6d KiB (%d MiB)\n' "$name" "$rss" $((rss / 1024))
    [ "$status" -eq 0 ] || fail "$name: exit status $status: $(tail -3 "$work/err")"
    [ "$rss" -le "$limit_kib" ] || fail "$name: peak RSS $rss KiB is more than $limit_kib KiB"
    if [ "$name" = synflood ] && ! grep -q '"verb":"USER","arg":"realuser"' "$work/out"; then
        fail "synflood: the session after the SYNs was not followed"
    fi
    rm -f "$capture" "$work/redacted.pcap"
done
[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
