#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite twice: in a
# normal build, and under AddressSanitizer and UndefinedBehaviorSanitizer;
# then runs each libFuzzer target briefly (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2
ctest --test-dir build -j2 --output-on-failure

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFTPSNIFF_SANITIZE=ON
cmake --build build-asan -j2
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan -j2 --output-on-failure

scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
