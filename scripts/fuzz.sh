#!/bin/sh
# Builds the libFuzzer targets with clang (build-fuzz) and fuzzes each parser briefly:
# SMS_FUZZ_SECONDS in all (default 30), shared between the targets; or, with
# SMS_FUZZ_RUNS=N, N inputs per target from a fixed seed, so the same tree fuzzes the same
# inputs every time (what scripts/test.sh, and so CI, does). New inputs go to a
# scratch directory, never into the committed corpus. A crash is copied into
# tests/fuzz/corpus/<target>/ (so ctest replays it from then on) and fails the run:
# fix the bug, then commit the input. Exits 0 without fuzzing when clang or its
# libFuzzer runtime is missing (apt-get install clang libclang-rt-14-dev).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
budget=${SMS_FUZZ_SECONDS:-30}
targets="model api_error config theme history inventory sign fault emu_http"
if ! command -v clang >/dev/null 2>&1 ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' |
     clang -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null; then
    echo "fuzz: no clang with libFuzzer here: skipped (apt-get install clang libclang-rt-14-dev)" >&2
    exit 0
fi
CC=clang cmake -S "$here" -B "$here/build-fuzz" -DCMAKE_BUILD_TYPE=Debug -DSMS_FUZZ=ON >/dev/null
# shellcheck disable=SC2086
cmake --build "$here/build-fuzz" -j"$(nproc)" --target $(for t in $targets; do printf 'fuzz_%s ' "$t"; done) >/dev/null
n=$(echo $targets | wc -w)
each=$(( budget / n )); [ "$each" -ge 1 ] || each=1
if [ -n "${SMS_FUZZ_RUNS:-}" ]; then
    limit="-runs=$SMS_FUZZ_RUNS -seed=1"; span="from seed 1"
else
    limit="-max_total_time=$each"; span="in ${each} s"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for t in $targets; do
    corpus="$here/tests/fuzz/corpus/$t"
    [ "$t" = model ] && corpus="$here/tests/fuzz/corpus"
    mkdir -p "$work/$t" "$work/$t-art"
    # shellcheck disable=SC2086
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
       LSAN_OPTIONS="suppressions=$here/tests/lsan.supp" \
       "$here/build-fuzz/tests/fuzz/fuzz_$t" $limit -rss_limit_mb=1024 -max_len=65536 \
       -artifact_prefix="$work/$t-art/" -print_final_stats=1 "$work/$t" "$corpus" \
       >"$work/$t.log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
        echo "fuzz: $t: ${runs:-?} inputs $span, no crash"
    else
        status=1
        mkdir -p "$here/tests/fuzz/corpus/$t"
        for a in "$work/$t-art"/*; do
            [ -e "$a" ] || continue
            cp "$a" "$here/tests/fuzz/corpus/$t/$(basename "$a")"
            echo "fuzz: $t: CRASH kept as tests/fuzz/corpus/$t/$(basename "$a")" >&2
        done
        tail -40 "$work/$t.log" >&2
    fi
done
exit $status
