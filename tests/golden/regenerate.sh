#!/usr/bin/env bash
# Rewrites every golden file from the current build. Review the diff before
# committing it. Usage: tests/golden/regenerate.sh [FTPSNIFF]  (default build/ftpsniff)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/build/ftpsniff}
for capture in "$top"/captures/*.pcap; do
    name=$(basename "$capture" .pcap)
    "$top/tests/golden/render.sh" "$bin" "$capture" text >"$top/tests/golden/$name.txt"
    "$top/tests/golden/render.sh" "$bin" "$capture" json >"$top/tests/golden/$name.jsonl"
    "$top/tests/golden/render.sh" "$bin" "$capture" markdown >"$top/tests/golden/$name.md"
    echo "wrote tests/golden/$name.{txt,jsonl,md}"
done
"$top/tests/golden/explain.sh" "$bin" >"$top/tests/golden/explain.out"
echo "wrote tests/golden/explain.out"
