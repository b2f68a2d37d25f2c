#!/bin/sh
# Installs what is missing, builds, and runs every test: a normal build, a short
# reproducible fuzz run of every parser (with clang), then the same tests under ASan+UBSan. Exits non-zero on
# any failure.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
sh "$here/scripts/deps.sh"
sh "$here/scripts/build.sh" build
(cd "$here/build" && ctest --no-tests=error --output-on-failure -j2 --timeout 300)
# A short fuzz of every parser when clang is here (SMS_SKIP_FUZZ=1 skips it): a fixed
# number of inputs from a fixed seed, so a run's verdict depends on the code, not on luck;
# explore longer by hand with SMS_FUZZ_SECONDS=600 sh scripts/fuzz.sh.
if [ "${SMS_SKIP_FUZZ:-0}" != 1 ]; then
    SMS_FUZZ_RUNS=${SMS_FUZZ_RUNS:-4000} sh "$here/scripts/fuzz.sh"
fi
if [ "${SMS_SKIP_SANITIZE:-0}" != 1 ]; then
    sh "$here/scripts/build.sh" build-asan -DSMS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    (cd "$here/build-asan" && ctest --no-tests=error --output-on-failure -j2 --timeout 600)
fi
