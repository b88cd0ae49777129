#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan and UBSan in the library
# too) and runs each in turn for SECONDS_PER_TARGET (default 30), for CI or
# before a commit.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]
#
# Everything lives in build-fuzz/: seeds/<target> (remade from captures/ and
# data/ every run), corpus/<target> (kept between runs, so each run starts
# where the last one stopped), crashes/<target> and logs/<target>.log.
# Inputs in tests/fuzz/regressions/<target> are loaded too, so a crash that
# is not fixed yet fails again at once. A crash, leak, timeout or
# out-of-memory input is copied to tests/fuzz/regressions/<target>/ and the
# script exits 1: commit those files; fuzz_regressions replays them forever.
#
# Needs clang and libFuzzer from Debian: apt-get install clang libclang-rt-14-dev
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
if [[ ! $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
    exit 2
fi
if ! command -v clang++ >/dev/null; then
    echo "fuzz.sh: clang++ not found; apt-get install clang libclang-rt-14-dev" >&2
    exit 1
fi

build=build-fuzz
targets=(fuzz_decode fuzz_stream fuzz_ftp_lines fuzz_knowledge)

cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFTPSNIFF_FUZZ=ON -DFTPSNIFF_SANITIZE=ON >/dev/null
# Only the fuzzers: the rest of the tree is built and tested by scripts/test.sh.
cmake --build "$build" -j2 --target "${targets[@]}"
rm -rf "$build/seeds"  # remade each run; the corpus keeps what they found
python3 tests/fuzz/make_seeds.py "$build/seeds"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
summary=()
for t in "${targets[@]}"; do
    corpus=$build/corpus/$t crashes=$build/crashes/$t log=$build/logs/$t.log saved=tests/fuzz/regressions/$t
    mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
    rm -f "$crashes"/*  # only this run's findings
    cp "$build/seeds/$t"/* "$corpus"/
    extra=()
    [[ -d $saved ]] && extra+=("$saved")
    echo "== $t: ${seconds}s (log: $log)"
    status=0
    # One at a time: the machine has two cores and the build may still use one.
    "$build/tests/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "$corpus" "${extra[@]}" </dev/null >"$log" 2>&1 || status=$?

    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    summary+=("$(printf '%-15s %10s runs %8s exec/s %6s corpus files' "$t" "${runs:-?}" "${rate:-?}" \
        "$(find "$corpus" -type f | wc -l)")")

    findings=("$crashes"/*)
    if [[ $status -ne 0 || -e ${findings[0]} ]]; then
        failed+=("$t")
        echo "!! $t failed (exit status $status); the end of its log:" >&2
        grep -E '^(==[0-9]+==|SUMMARY|    #[0-9]+ |.*fuzz check failed|.*runtime error)' "$log" | head -40 >&2 || true
        if [[ -e ${findings[0]} ]]; then
            mkdir -p "$saved"
            for f in "${findings[@]}"; do
                if [[ -e $saved/${f##*/} ]]; then
                    echo "!! still fails on $saved/${f##*/} (saved before; not fixed yet)" >&2
                else
                    cp "$f" "$saved"/
                    echo "!! new; saved for replay: $saved/${f##*/}" >&2
                fi
            done
        else
            tail -20 "$log" >&2
        fi
    fi
done

echo
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
    echo >&2
    echo "fuzz.sh: ${failed[*]} found a problem. The inputs are in tests/fuzz/regressions/<target>/:" >&2
    echo "commit them with the fix; fuzz_regressions replays them in every build from now on." >&2
    exit 1
fi
echo "fuzz.sh: no crashes in ${seconds}s per target"
