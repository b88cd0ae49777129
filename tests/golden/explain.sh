#!/usr/bin/env bash
# Prints `ftpsniff explain` for a fixed set of questions, each under a header
# line, with its exit status: the golden file tests/golden/explain.out.
# Usage: explain.sh FTPSNIFF
set -uo pipefail
bin=$1
while IFS= read -r args; do
    echo "=== ftpsniff explain $args"
    # shellcheck disable=SC2086 # the arguments are meant to split
    LC_ALL=C.UTF-8 "$bin" explain $args 2>&1
    echo "--- exit status $?"
done <<'QUESTIONS'
530
530 --after PASS
530 --after CWD
550 --after RETR --format json
350 --after RNFR
214 331
214 331 --format json
226 550
459
999 --format json
421 --lang ja
421 --after CONNECT
530 --after PASS --lang ko
214 421 --lang ja
421 --after CONNECT
214 421
202 331
214 503
214 502
331 214 --lang ko
10054
10060 --format json
530 --after CWD --lang ja
5300
abc
QUESTIONS
