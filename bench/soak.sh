#!/bin/bash
# Soak benchmark (not in CI): the console against a moving fleet on a flaky API for a long
# time, RSS, open descriptors and CPU sampled every minute. Prints one line a minute and a
# summary; figures only, nothing is asserted.
#
#   bench/soak.sh [--minutes 30] [--servers 2000] [--faults 'SPEC;SPEC'] [--build DIR]
#
# Default faults: 10 % of API answers are 503, 2 % of connections are reset (agents' and
# console's alike: the agents retry as real agents do). The console runs in a pseudo-
# terminal made by script(1) at the default 5 s refresh (con_lists: the list requests, all
# the console's: the agents send none); the emulator is a separate process with its agents
# moving servers through the migration wave (--speed 10).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
minutes=30 servers=2000 build="$here/build-bench"
faults='/v3/*=status:503,p=0.1;/v3/*=reset,p=0.02'
while [ $# -gt 0 ]; do
    case $1 in
        --minutes) minutes=$2; shift 2 ;;
        --servers) servers=$2; shift 2 ;;
        --faults) faults=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        *) echo "usage: bench/soak.sh [--minutes M] [--servers N] [--faults 'SPEC;SPEC'] [--build DIR]" >&2; exit 2 ;;
    esac
done
if [ ! -x "$build/smsconsole" ]; then
    sh "$here/scripts/deps.sh"
    sh "$here/scripts/build.sh" "$(basename "$build")" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
work=$(mktemp -d)
emu_pid= script_pid= console_pid=
cleanup() {
    [ -n "$console_pid" ] && kill "$console_pid" 2>/dev/null || true
    [ -n "$script_pid" ] && kill "$script_pid" 2>/dev/null || true
    [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

"$build/src/emulator/smsemu" --servers "$servers" --speed 10 --quiet >"$work/emu.out" 2>&1 &
emu_pid=$!
url=
for _ in $(seq 600); do              # registering 2,000 agents takes a while
    url=$(sed -n 's/^listening on //p' "$work/emu.out")
    [ -n "$url" ] && break
    sleep 0.5
done
[ -n "$url" ] || { echo "soak: the emulator did not start" >&2; exit 1; }
# the faults start once the fleet is registered
printf '%s\n' "$faults" | tr ';' '\n' | curl -s -X PUT --data-binary @- "$url/emulator/faults" >/dev/null

cat >"$work/run.sh" <<RUN
#!/bin/sh
echo \$\$ >"$work/console.pid"
exec env TERM=xterm-256color LC_ALL=C.UTF-8 SMS_PASSWORD=admin-pass XDG_STATE_HOME="$work/state" \
    "$build/smsconsole" --endpoint "$url" --iam-endpoint "$url" --user admin --domain demo \
    --project ap-southeast-3
RUN
chmod +x "$work/run.sh"
sleep $((minutes * 60 + 120)) | script -qfec "$work/run.sh" /dev/null >/dev/null 2>&1 &
script_pid=$!
for _ in $(seq 100); do [ -s "$work/console.pid" ] && break; sleep 0.1; done
console_pid=$(cat "$work/console.pid")

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" | wc -l; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
stats() { curl -s "$url/emulator/stats"; }
num() { sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p"; }

echo "soak: $servers servers, faults '$faults', $minutes min, console pid $console_pid"
printf '%4s %12s %12s %6s %6s %10s %10s %9s %9s %9s\n' min console_kib emu_kib con_fd emu_fd cpu_s \
    req_total 5xx faults con_lists
first_rss= last_rss= max_rss=0 first_fd= fd=
for m in $(seq 0 "$minutes"); do
    [ "$m" -gt 0 ] && sleep 60
    kill -0 "$console_pid" 2>/dev/null || { echo "soak: the console exited at minute $m" >&2; exit 1; }
    kill -0 "$emu_pid" 2>/dev/null || { echo "soak: the emulator exited at minute $m" >&2; exit 1; }
    r=$(rss_kib "$console_pid"); e=$(rss_kib "$emu_pid")
    fd=$(fd_count "$console_pid"); efd=$(fd_count "$emu_pid")
    [ -z "$first_fd" ] && first_fd=$fd
    c=$(awk -v t="$(cpu_ticks "$console_pid")" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }')
    s=$(stats)
    printf '%4d %12d %12d %6d %6d %10s %10s %9s %9s %9s\n' "$m" "$r" "$e" "$fd" "$efd" "$c" \
        "$(echo "$s" | num requests)" "$(echo "$s" | num 5xx)" "$(echo "$s" | num faults_applied)" \
        "$(echo "$s" | num list_requests)"
    lists=$(echo "$s" | num list_requests)
    [ "$m" -gt 0 ] && [ "${lists:-0}" -eq 0 ] &&
        { echo "soak: the console listed nothing in a minute (login refused?)" >&2; exit 1; }
    [ -z "$first_rss" ] && first_rss=$r
    [ "$m" -eq 1 ] && first_rss=$r      # minute 1: after the first full fleet is loaded
    last_rss=$r
    [ "$r" -gt "$max_rss" ] && max_rss=$r
done
echo "soak: console RSS minute 1 $first_rss KiB, end $last_rss KiB, max $max_rss KiB," \
     "growth $((last_rss - first_rss)) KiB over $((minutes - 1)) min; CPU ${c} s in ${minutes} min;" \
     "open descriptors $first_fd at start, $fd at the end"
