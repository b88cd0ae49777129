#!/usr/bin/env bash
# Every sequence diagram the report draws for the bundled captures, in each
# language, and README's, parse with Mermaid's own parser (check.mjs), and
# the sessions with findings have one. Usage: reports.sh FTPSNIFF CAPTURES_DIR
set -uo pipefail
bin=$1 captures=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -d "$here/node_modules/mermaid" ]; then
    echo "FAIL: Mermaid is not installed: run scripts/setup.sh (npm ci --prefix tests/mermaid)" >&2
    exit 1
fi
failures=0 total=0
for capture in "$captures"/*.pcap "$captures"/*.pcapng; do
    name=$(basename "$capture")
    for lang in en ja ko; do
        "$bin" -r "$capture" --lang "$lang" --format markdown >"$work/$name.$lang.md" 2>/dev/null
    done
    # A session whose verdict is not healthy gets a diagram (as may one with only info findings).
    with_findings=$("$bin" -r "$capture" --format json 2>/dev/null |
        python3 -c 'import json,sys; print(sum(1 for l in sys.stdin if (r:=json.loads(l))["type"]=="session_end" and (r.get("verdict") or {}).get("status", "healthy") != "healthy"))')
    drawn=$(grep -c '^```mermaid$' "$work/$name.en.md")
    total=$((total + drawn))
    if [ "$drawn" -lt "$with_findings" ]; then
        echo "FAIL: $name: $drawn diagrams for $with_findings sessions with findings" >&2
        failures=$((failures + 1))
    fi
done
[ "$total" -gt 20 ] || { echo "FAIL: only $total diagrams drawn" >&2; failures=$((failures + 1)); }
node "$here/check.mjs" "$work"/*.md "$here/../../README.md" || failures=$((failures + 1))
exit $((failures > 0))
