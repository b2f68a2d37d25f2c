#!/bin/sh
# Installs what is missing, builds, and starts the console against the built-in emulator.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
sh "$here/scripts/deps.sh"
sh "$here/scripts/build.sh" build
exec "$here/build/smsconsole" --demo "$@"
