#!/usr/bin/env bash
# Installs what is missing, builds ftpsniff and runs it on the demo capture.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
build/ftpsniff -r captures/vsftpd-python-demo.pcap
