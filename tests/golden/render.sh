#!/usr/bin/env bash
# Prints what a golden file holds for one capture: ftpsniff's output, then
# its standard error and exit status, run from the capture's directory so
# paths do not depend on the checkout. Usage: render.sh FTPSNIFF CAPTURE text|json|markdown
set -uo pipefail
bin=$(realpath "$1") capture=$2 format=$3
cd "$(dirname "$capture")" || exit 1
err=$(mktemp)
TZ=UTC LC_ALL=C.UTF-8 "$bin" -r "$(basename "$capture")" --format "$format" 2>"$err"
status=$?
echo "--- stderr"
cat "$err"
echo "--- exit status $status"
rm -f "$err"
