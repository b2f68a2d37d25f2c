#!/bin/bash
# The operator's alternative to smsconsole: a `watch -n 5` loop of curl + jq that logs in,
# pages through GET /v3/sources exactly as the console does (limit 200) and prints the same
# columns. Used by bench/run.sh as the side-by-side baseline.
#
#   bench/baseline.sh URL            one refresh to stdout (what `watch` would run)
#   bench/baseline.sh URL --loop N   N refreshes, 5 s apart, like `watch -n 5`
#
# Env: SMS_USER (admin) SMS_PASSWORD (admin-pass) SMS_DOMAIN (demo) SMS_PROJECT (ap-southeast-3)
set -euo pipefail
url=${1:?usage: baseline.sh URL [--loop N]}
user=${SMS_USER:-admin} pass=${SMS_PASSWORD:-admin-pass}
domain=${SMS_DOMAIN:-demo} project=${SMS_PROJECT:-ap-southeast-3}
tokfile=$(mktemp); trap 'rm -f "$tokfile"' EXIT

login() {
    local body
    body=$(jq -cn --arg u "$user" --arg p "$pass" --arg d "$domain" --arg pr "$project" \
        '{auth:{identity:{methods:["password"],password:{user:{name:$u,password:$p,domain:{name:$d}}}},
          scope:{project:{name:$pr}}}}')
    curl -sS -D - -o /dev/null -H 'Content-Type: application/json' -d "$body" "$url/v3/auth/tokens" |
        tr -d '\r' | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' > "$tokfile"
    [ -s "$tokfile" ] || { echo "baseline: login failed" >&2; exit 1; }
}

refresh() {
    local offset=0 count=1 page
    printf '%-28s %-15s %-7s %-11s %-11s %5s %9s %7s\n' NAME IP OS STATE CYCLE PROG SPEED ETA
    while [ "$offset" -lt "$count" ]; do
        page=$(curl -sS -H 'Content-Type: application/json' -H "X-Auth-Token: $(cat "$tokfile")" \
            "$url/v3/sources?limit=200&offset=$offset")
        count=$(jq -r '.count // 0' <<<"$page")
        n=$(jq -r '.source_servers | length' <<<"$page")
        [ "$n" -gt 0 ] || break
        jq -r '.source_servers[] | [ .name, .ip, .os_type, .state, .migration_cycle,
            (if (.totalsize // 0) > 0 then ((.replicatesize // 0) * 100 / .totalsize | floor | tostring) + "%" else "-" end),
            ((.current_task.migrate_speed // 0) | tostring) + "M",
            ((.current_task.remain_seconds // 0) | tostring) + "s" ]
            | @tsv' <<<"$page" |
            awk -F'\t' '{printf "%-28.28s %-15.15s %-7.7s %-11.11s %-11.11s %5s %9s %7s\n",$1,$2,$3,$4,$5,$6,$7,$8}'
        offset=$((offset + n))
    done
}

login
if [ "${2:-}" = --loop ]; then
    for ((i = 0; i < ${3:-1}; i++)); do
        [ "$i" -gt 0 ] && sleep 5
        printf '\033[H\033[2J'      # what watch does between frames: clear and repaint
        refresh
    done
else
    refresh
fi
