#!/bin/sh
# core_has_no_secrets.sh CONSOLE CORETEST SMSEMU [--no-core]
# What a crash or a curious local user could take from the console's process:
#  1. the console, aborted while it works, leaves no core file, and its environment
#     (/proc/PID/environ) no longer holds SMS_PASSWORD while it runs;
#  2. the core-test build (the same program with dumps left on, SMS_CORE_TEST) aborted
#     after a password session and after an AK/SK session: its core holds no copy of the
#     password or the SK ("strings core | grep -c PASSWORD" is 0): no curl buffer, login
#     body, stdio buffer or environment string kept one. While a session runs the client
#     holds one copy by necessity (the password logs in again when the token expires):
#     that copy is what part 1's disabled dumps and ptrace protect.
# Part 2 is skipped with --no-core (sanitizer builds: ASan does not write usable cores).
# Exit 77 (skipped) when this machine cannot write core files at all.
set -u
console=$1 coretest=$2 emu=$3 no_core=${4:-}
work=$(mktemp -d)
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

ulimit -c unlimited 2>/dev/null || { echo "SKIP: core dumps cannot be enabled here"; exit 77; }
case $(cat /proc/sys/kernel/core_pattern) in
'|'*) echo "SKIP: core_pattern hands cores to a program"; exit 77 ;;
/*) echo "SKIP: core_pattern writes cores elsewhere"; exit 77 ;;
esac

"$emu" --servers 3 --no-agents --quiet >"$work/emu.out" &
emu_pid=$!
for _ in $(seq 100); do
    url=$(sed -n 's/^listening on //p' "$work/emu.out")
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || fail "the emulator did not start"
curl -s -X PUT --data-binary '/v3/sources=latency:20000' "$url/emulator/faults" >/dev/null
iam_requests() { curl -s "$url/emulator/stats" | sed 's/.*"iam_requests":\([0-9]*\).*/\1/'; }

# ---- 1. the console itself --------------------------------------------------------
mkdir "$work/run" && cd "$work/run" || exit 1
before=$(iam_requests)
SMS_PASSWORD=admin-pass "$console" --dump json --endpoint "$url" --iam-endpoint "$url" --user admin \
    --domain demo --project ap-southeast-3 >/dev/null 2>"$work/console.err" &
pid=$!
for _ in $(seq 200); do                      # logged in, now waiting on the slow list
    [ "$(iam_requests)" != "$before" ] && break
    sleep 0.05
done
[ "$(iam_requests)" != "$before" ] || fail "the console never logged in: $(cat "$work/console.err")"
kill -0 "$pid" 2>/dev/null || fail "the console ended early: $(cat "$work/console.err")"
tr '\0' '\n' <"/proc/$pid/environ" | grep -q 'SMS_PASSWORD\|admin-pass' &&
    fail "/proc/$pid/environ still shows the password"
grep -q '^Max core file size *0 ' "/proc/$pid/limits" || fail "core dumps are not disabled"
kill -ABRT "$pid"
wait "$pid"
status=$?
[ "$status" -eq 134 ] || fail "expected death by SIGABRT (134), got $status"
ls core* >/dev/null 2>&1 && fail "the console left a core file"
echo "ok: no secret in /proc/PID/environ, no core file after SIGABRT"

[ "$no_core" = --no-core ] && exit 0

# ---- 2. what a core would hold ----------------------------------------------------
curl -s -X DELETE "$url/emulator/faults" >/dev/null
core_of() {   # run the core-test build with the given environment; print its core's name
    rm -f core*
    env "$@" SMSCONSOLE_CORE_TEST_ABORT=1 "$coretest" --dump json --endpoint "$url" --iam-endpoint "$url" \
        --user admin --domain demo --project ap-southeast-3 >/dev/null 2>&1
    ls core* 2>/dev/null | head -1
}
core=$(core_of SMS_PASSWORD=admin-pass)
[ -n "$core" ] || { echo "SKIP: the core-test build wrote no core"; exit 77; }
n=$(strings "$core" | grep -c -e PASSWORD -e admin-pass)
[ "$n" -eq 0 ] || fail "the core holds $n line(s) with the password: $(strings "$core" | grep -e PASSWORD -e admin-pass | head -3)"
core=$(core_of HUAWEICLOUD_SDK_AK=DEMOACCESSKEY000001 HUAWEICLOUD_SDK_SK=demo-secret-key \
       HUAWEICLOUD_SDK_PROJECT_ID=0f5e3c1a9b7d4e2f8a6c4b2d0e9f7a51)
[ -n "$core" ] || fail "the AK/SK run wrote no core"
n=$(strings "$core" | grep -c -e demo-secret-key -e HUAWEICLOUD_SDK_SK)
[ "$n" -eq 0 ] || fail "the core holds $n line(s) with the SK"
echo "ok: cores after a password and an AK/SK session hold neither secret"
