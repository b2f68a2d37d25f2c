#!/bin/sh
# Installs the Debian packages smsconsole needs, only those that are missing.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again.
set -eu
SMS_PACKAGES="gcc libc6-dev make cmake pkg-config git \
 libncurses-dev libcurl4-openssl-dev libssl-dev libcjson-dev libconfig-dev \
 libmicrohttpd-dev libcmocka-dev libvterm-dev"
missing=""
for p in $SMS_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "deps: installing:$missing" >&2
    if [ "$(id -u)" != 0 ]; then
        echo "deps: not root; run as root or install:$missing" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
