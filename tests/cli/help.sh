#!/usr/bin/env bash
# --help fits an 80-column terminal, and the man page documents every option
# --help lists. Usage: help.sh FTPSNIFF MAN_PAGE
set -uo pipefail
bin=$1 man=$2
help=$("$bin" --help) || { echo "FAIL: --help exited non-zero" >&2; exit 1; }
failures=0
while IFS= read -r line; do
    case $line in Usage:*) continue ;; esac
    if [ "${#line}" -gt 80 ]; then echo "FAIL: --help line over 80 columns: $line" >&2; failures=$((failures + 1)); fi
done <<<"$help"
for option in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
    case $option in --help | --version) continue ;; esac
    grep -q -- "$(sed 's/-/\\\\-/g' <<<"$option")" "$man" || {
        echo "FAIL: the man page does not document $option" >&2
        failures=$((failures + 1))
    }
done
[ "$failures" -eq 0 ]
