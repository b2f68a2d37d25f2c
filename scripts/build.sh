#!/bin/sh
# Configures and builds into $1 (default: build), extra arguments go to cmake.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build}; [ $# -gt 0 ] && shift
cmake -S "$here" -B "$here/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$here/$dir" -j"$(nproc)"
