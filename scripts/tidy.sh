#!/usr/bin/env bash
# Checks that every source keeps .clang-format's layout and passes
# .clang-tidy's checks. Needs a build directory with compile_commands.json
# (scripts/test.sh makes one); the first argument names it (default build).
#
#   scripts/tidy.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

unformatted=()
while IFS= read -r f; do
    clang-format --dry-run -Werror "$f" 2>/dev/null || unformatted+=("$f")
done < <(git ls-files '*.cpp' '*.hpp')
if [ ${#unformatted[@]} -gt 0 ]; then
    echo "tidy.sh: not in .clang-format's layout (clang-format -i FILE): ${unformatted[*]}" >&2
    exit 1
fi

if [ ! -f "$build/compile_commands.json" ]; then
    echo "tidy.sh: no $build/compile_commands.json; configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON" >&2
    exit 1
fi
# The database holds GCC's flags: clang neither knows all of them nor reads
# -Wconversion the same way, and -Werror would make its compiler warnings
# errors; only the checks of .clang-tidy count here.
git ls-files 'src/*.cpp' | xargs -P2 -n4 clang-tidy -p "$build" --quiet \
    --extra-arg=-Wno-error --extra-arg=-Wno-unknown-warning-option
