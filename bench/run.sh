#!/bin/bash
# The benchmark suite of issue 6: builds a Release tree, runs smsconsole against smsemu (a
# separate process, so the console's own cost is measured alone) through a pseudo-terminal
# (bench/ptyrun: libvterm screen, bytes, CPU, RSS, key latency), the in-process frame
# benchmark (bench/bench_frame), and the curl+jq `watch` baseline. Prints figures only.
#
#   bench/run.sh [--sizes "100 1000 10000 50000 100000"] [--window S]
#
# Takes about 6 minutes on a 2-core machine. See bench/README.md for what each figure means.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sizes="100 1000 10000 50000 100000"
window=20               # seconds of steady state per measurement (4 refreshes at 5 s)
rwin=30                 # seconds over which requests are counted (6 refreshes)
while [ $# -gt 0 ]; do
    case $1 in
        --sizes) sizes=$2; shift 2 ;;
        --window) window=$2; shift 2 ;;
        *) echo "usage: bench/run.sh [--sizes LIST] [--window S]" >&2; exit 2 ;;
    esac
done

need=""
for p in jq:jq curl:curl watch:procps; do
    command -v "${p%%:*}" >/dev/null || need="$need ${p#*:}"
done
sh "$here/scripts/deps.sh"
if [ -n "$need" ]; then
    echo "bench: installing:$need" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
sh "$here/scripts/build.sh" build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
B=$here/build-bench
work=$(mktemp -d)
emu_pid=""
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

export XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config
export SMS_USER=admin SMS_PASSWORD=admin-pass SMS_DOMAIN=demo SMS_PROJECT=ap-southeast-3
export LC_ALL=C.UTF-8 TERM=xterm-256color

# start_emu N [extra smsemu args]: sets URL and emu_pid; prints the start time.
start_emu() {
    local n=$1; shift
    local t0; t0=$(date +%s%N)
    "$B/src/emulator/smsemu" --servers "$n" --seed 1 --quiet "$@" >"$work/emu.out" 2>"$work/emu.err" &
    emu_pid=$!
    until grep -q '^listening on' "$work/emu.out" 2>/dev/null; do
        kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emu.err" >&2; exit 1; }
        sleep 0.05
    done
    URL=$(awk '/^listening on/{print $3; exit}' "$work/emu.out")
    export SMS_ENDPOINT=$URL SMS_IAM_ENDPOINT=$URL
    echo "emulator_start_ms $(( ($(date +%s%N) - t0) / 1000000 ))"
}
stop_emu() { kill "$emu_pid" 2>/dev/null; wait "$emu_pid" 2>/dev/null || true; emu_pid=""; }
requests() { curl -s "$URL/emulator/stats" | jq -r .requests; }
# reads a console makes (list pages, single servers, tasks) and overviews, from the stats
reads() { jq -r '"\(.list_requests + .show_requests + .task_requests) \(.overview_requests)"' "$1"; }
token() {
    curl -sS -D - -o /dev/null -H 'Content-Type: application/json' "$URL/v3/auth/tokens" -d \
        '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"admin-pass","domain":{"name":"demo"}}}},"scope":{"project":{"name":"ap-southeast-3"}}}}' |
        tr -d '\r' | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}'
}
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }     # calc EXPR
fig() { awk -v k="$1" '$1==k{print $2}' "$2"; }      # fig KEY FILE
console() { echo "$B/smsconsole --refresh ${1:-5}"; }
ptyrun() { "$B/bench/ptyrun" --size 200x60 --timeout 180 "$@"; }

echo "# smsconsole benchmarks  $(date -u +%FT%TZ)  $(nproc) cores  $(uname -r)"
for n in $sizes; do
    echo
    echo "## servers=$n"
    quota=""                                # smsemu refuses more than 65,535 by default
    [ "$n" -gt 65535 ] && quota="--max-servers $n"
    start_emu "$n" --no-agents $quota
    if [ "$n" -gt 65735 ]; then
        # Past the API's offset range (0-65535, pages of 200): what the console reaches, in
        # what time and memory, and the requests it takes (it splits listings by state)
        r0=$(requests)
        ptyrun --until "Servers 65" --settle 3000 --window "$window" --screen 1 --quit q \
            -- $(console) >"$work/big.txt" 2>&1 || true
        echo "title $(grep -o 'Servers [0-9]*/[0-9]*' "$work/big.txt" | head -1)"
        echo "listed_on_screen_ms $(fig until_ms "$work/big.txt")"
        echo "requests_to_settle $(( $(requests) - r0 ))"
        echo "idle_cpu_percent $(calc "100 * $(fig window_cpu_s "$work/big.txt") / $window")"
        echo "rss_steady_mib $(( $(fig rss_kib "$work/big.txt") / 1024 ))"
        stop_emu
        continue
    fi
    # 1. start to the full fleet on screen, and the requests it took
    r0=$(requests)
    ptyrun --until "$n/$n" --quit q -- $(console) >"$work/start.txt"
    echo "first_full_screen_ms $(fig until_ms "$work/start.txt")"
    echo "first_full_screen_bytes $(fig until_bytes "$work/start.txt")"
    echo "first_full_screen_requests $(( $(requests) - r0 ))"
    # 2, 3, 6. steady state: CPU, RSS and bytes while nothing changes
    ptyrun --until "$n/$n" --settle 2000 --window "$window" --quit q -- $(console) >"$work/idle.txt"
    cpu=$(fig window_cpu_s "$work/idle.txt")
    echo "idle_window_s $(fig window_s "$work/idle.txt")"
    echo "idle_cpu_s $cpu"
    echo "idle_cpu_percent $(calc "100 * $cpu / $window")"
    echo "cpu_per_refresh_ms $(calc "1000 * $cpu / ($window / 5)")"
    echo "idle_bytes_per_refresh $(( $(fig window_bytes "$work/idle.txt") / (window / 5) ))"
    echo "rss_steady_mib $(( $(fig rss_kib "$work/idle.txt") / 1024 ))"
    echo "rss_peak_mib $(( $(fig peak_rss_kib "$work/idle.txt") / 1024 ))"
    # 2b. API requests a minute in steady state with 1 % of the fleet moving: the emulator
    # holds n/100 servers in moving states and advances them every 5 s (/emulator/move)
    moving=$(( n / 100 > 0 ? n / 100 : 1 ))
    printf 'while :; do curl -s -o /dev/null -X POST "%s/emulator/move?servers=%s"; sleep 5; done\n' \
        "$URL" "$moving" >"$work/move.sh"
    curl -s -o /dev/null -X POST "$URL/emulator/move?servers=$moving"
    ptyrun --until "$n/$n" --settle 6000 --after-settle \
        "bash $work/move.sh >/dev/null 2>&1 & echo \$! >$work/move.pid; curl -s $URL/emulator/stats >$work/stats0" \
        --window "$rwin" --quit q -- $(console) >"$work/req.txt"
    curl -s "$URL/emulator/stats" >"$work/stats1"
    kill "$(cat "$work/move.pid")" 2>/dev/null || true
    read -r r0 o0 < <(reads "$work/stats0"); read -r r1 o1 < <(reads "$work/stats1")
    echo "moving_servers $moving"
    echo "requests_per_min_list_detail $(calc "60 * ($r1 - $r0) / $rwin")"
    echo "requests_per_min_overview $(calc "60 * ($o1 - $o0) / $rwin")"
    echo "moving_cpu_percent $(calc "100 * $(fig window_cpu_s "$work/req.txt") / $rwin")"
    # the baseline (watch -n 5 over bench/baseline.sh) reads every page every refresh:
    # one refresh counted here; watch starts the next one 5 s after the last ended
    if [ "$n" -le 10000 ]; then
        curl -s "$URL/emulator/stats" >"$work/b0"
        t0=$(date +%s%N)
        bash "$here/bench/baseline.sh" "$URL" >/dev/null
        bms=$(( ($(date +%s%N) - t0) / 1000000 ))
        curl -s "$URL/emulator/stats" >"$work/b1"
        read -r b0 _ < <(reads "$work/b0"); read -r b1 _ < <(reads "$work/b1")
        echo "baseline_requests_per_refresh $((b1 - b0))"
        echo "baseline_refresh_ms $bms"
        echo "baseline_requests_per_min $(calc "60000 * ($b1 - $b0) / (5000 + $bms)")"
    fi
    # 4. frame cost of the servers pane (in-process)
    "$B/bench/bench_frame" --servers "$n" --size 200x60 --frames 300 </dev/null | grep _ms
    "$B/bench/bench_frame" --servers "$n" --size 200x60 --frames 300 --filter web </dev/null |
        grep _ms | sed 's/^/filtered_/'
    # 4b. frame cost of the Agents pane (issue 12): n servers + an inventory (in-process)
    "$B/bench/bench_frame" --pane agents --servers "$n" --size 200x60 --frames 300 </dev/null | grep _ms
    if [ "$n" = 10000 ]; then
        # 6. bytes per refresh when 1 % of the servers change (renamed: a visible change
        # in the row, as a state change would be), and for a full repaint (Ctrl-L)
        tok=$(token)
        curl -s -H "X-Auth-Token: $tok" "$URL/v3/sources?limit=200&offset=0" |
            jq -r '.source_servers[].id' >"$work/ids"
        for off in 200 400 600 800; do
            curl -s -H "X-Auth-Token: $tok" "$URL/v3/sources?limit=200&offset=$off" |
                jq -r '.source_servers[].id' >>"$work/ids"
        done
        cat >"$work/churn.sh" <<EOF
#!/bin/bash
# renames 100 servers (1 %) every 5 s
i=0
while :; do
    head -n \$(( (i % 10 + 1) * 100 )) "$work/ids" | tail -n 100 | while read -r id; do
        curl -s -o /dev/null -X PUT -H "X-Auth-Token: $tok" -H 'Content-Type: application/json' \
            -d "{\"name\":\"renamed-\$i-\${id:0:6}\"}" "$URL/v3/sources/\$id"
    done
    i=\$((i + 1)); sleep 5
done
EOF
        ptyrun --until "$n/$n" --settle 2000 --after-settle "bash $work/churn.sh >/dev/null 2>&1 & echo \$! >$work/churn.pid" \
            --window "$window" --quit q -- $(console) >"$work/churn.txt"
        kill "$(cat "$work/churn.pid")" 2>/dev/null || true
        echo "changed_1pct_bytes_per_refresh $(( $(fig window_bytes "$work/churn.txt") / (window / 5) ))"
        echo "changed_1pct_cpu_per_refresh_ms $(calc "1000 * $(fig window_cpu_s "$work/churn.txt") / ($window / 5)")"
        ptyrun --until "$n/$n" --settle 2000 --window 5 --keys $'\x0c' --key-interval 1000 --quit q \
            -- $(console) >"$work/repaint.txt"
        echo "full_repaint_bytes $(( $(fig window_bytes "$work/repaint.txt") / $(fig keys_sent "$work/repaint.txt") ))"
        # 5. keypress-to-screen latency (j/k) while the API answers after 3 s ...
        ptyrun --until "$n/$n" --settle 1000 \
            --after-settle "curl -s -X PUT --data-binary '/v3/*=latency:3000' $URL/emulator/faults >/dev/null" \
            --window "$window" --keys jk --key-interval 50 --quit q -- $(console 1) >"$work/lat_slow.txt"
        curl -s -X DELETE "$URL/emulator/faults" >/dev/null
        echo "key_latency_slow_api_p50_ms $(fig key_latency_p50_ms "$work/lat_slow.txt")"
        echo "key_latency_slow_api_p99_ms $(fig key_latency_p99_ms "$work/lat_slow.txt")"
        echo "key_latency_slow_api_unanswered $(fig keys_unanswered "$work/lat_slow.txt")"
        # Side by side: bench/baseline.sh (login + curl pages + jq), as `watch -n 5` runs it.
        # One refresh timed alone: wall time to the whole fleet and its CPU (children).
        t0=$(date +%s%N)
        bcpu=$( { bash "$here/bench/baseline.sh" "$URL" >/dev/null; times; } | tail -1 |
            awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
        bms=$(( ($(date +%s%N) - t0) / 1000000 ))
        echo "baseline_full_fleet_ms $bms"
        echo "baseline_cpu_per_refresh_ms $(calc "1000 * $bcpu")"
        # What the terminal receives: `watch` in the same pty for two refresh cycles.
        bwin=$(( 2 * (bms / 1000 + 6) ))
        ptyrun --until "NAME" --window "$bwin" --quit q \
            -- watch -t -n 5 bash "$here/bench/baseline.sh" "$URL" >"$work/base.txt"
        echo "baseline_idle_bytes_per_refresh $(( $(fig window_bytes "$work/base.txt") / 2 ))"
        # ... and while 1 % of the servers change, as for the console above
        bash "$work/churn.sh" >/dev/null 2>&1 & churn_pid=$!
        ptyrun --until "NAME" --window "$bwin" --quit q \
            -- watch -t -n 5 bash "$here/bench/baseline.sh" "$URL" >"$work/base_churn.txt"
        kill "$churn_pid" 2>/dev/null || true
        echo "baseline_changed_1pct_bytes_per_refresh $(( $(fig window_bytes "$work/base_churn.txt") / 2 ))"
        echo "ratio_full_fleet_on_screen $(calc "$(fig until_ms "$work/start.txt") / $bms")"
        echo "ratio_cpu_per_refresh $(calc "1000 * $cpu / ($window / 5) / (1000 * $bcpu)")"
        bb=$(( $(fig window_bytes "$work/base_churn.txt") / 2 ))
        # watch shows the first screenful in API order; the console its own sorted view:
        # when the baseline's screen did not change, there is no ratio to give.
        if [ "$bb" -gt 0 ]; then
            echo "ratio_bytes_per_refresh_changed_1pct $(calc "($(fig window_bytes "$work/churn.txt") / ($window / 5)) / $bb")"
        else
            echo "ratio_bytes_per_refresh_changed_1pct n/a"
        fi
        # 5 (cont.) ... and while refreshes are parsed back to back (--refresh 1) from a live
        # fleet: 10,000 agents at --speed 10 change most list pages between two refreshes,
        # so the poller really decodes them (unchanged pages are not decoded again).
        stop_emu
        start_emu "$n" --speed 10 >/dev/null
        sleep 10                                      # let the wave get going
        ptyrun --until "$n/$n" --settle 1000 --window "$window" --keys jk --key-interval 50 --quit q \
            -- $(console 1) >"$work/lat_parse.txt"
        echo "key_latency_parsing_p50_ms $(fig key_latency_p50_ms "$work/lat_parse.txt")"
        echo "key_latency_parsing_p99_ms $(fig key_latency_p99_ms "$work/lat_parse.txt")"
        echo "key_latency_parsing_unanswered $(fig keys_unanswered "$work/lat_parse.txt")"
        echo "live_typing_cpu_per_refresh_ms $(calc "1000 * $(fig window_cpu_s "$work/lat_parse.txt") / $window")"
        echo "live_typing_bytes_per_refresh $(( $(fig window_bytes "$work/lat_parse.txt") / window ))"
    fi
    stop_emu
done
