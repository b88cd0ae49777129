#!/usr/bin/env bash
# Runs ftpsniff on one bundled capture and compares its output, byte for
# byte, with the golden file. Usage: check.sh FTPSNIFF CAPTURE text|json|markdown GOLDEN_DIR
set -euo pipefail
bin=$1 capture=$2 format=$3 golden_dir=$4
name=$(basename "$capture" .pcap)
case $format in json) ext=jsonl ;; markdown) ext=md ;; *) ext=txt ;; esac
expected="$golden_dir/$name.$ext"
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
"$(dirname "$0")/render.sh" "$bin" "$capture" "$format" >"$actual"
if ! diff -u "$expected" "$actual"; then
    echo "golden mismatch for $name ($format); if the change is intended, run tests/golden/regenerate.sh" >&2
    exit 1
fi
