#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite twice: in a
# normal build (then the layout and clang-tidy checks, scripts/tidy.sh), and
# under AddressSanitizer and UndefinedBehaviorSanitizer;
# then the tests that run ftpsniff's threads under ThreadSanitizer; then each
# libFuzzer target briefly (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTPSNIFF_WERROR=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
cmake --build build -j2
ctest --test-dir build -j2 --output-on-failure
scripts/tidy.sh build

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFTPSNIFF_SANITIZE=ON -DFTPSNIFF_WERROR=ON
cmake --build build-asan -j2
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan -j2 --output-on-failure

# The read-ahead and rendering threads: their own tests, and every capture file run.
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTPSNIFF_TSAN=ON -DFTPSNIFF_WERROR=ON
cmake --build build-tsan -j2 --target ftpsniff unit_tests
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan -j2 --output-on-failure \
    -R 'AsyncEvents|ReadEveryFrame|PcapReader|PcapInPlace|golden|cli\.'

scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
