/* control.c - emulator-only endpoints under /emulator/ (no auth, never faulted), for
 * tests and demos, plus the API version document at / and /v3.
 *   GET    /emulator/faults            active rules and how often each matched
 *   PUT    /emulator/faults            replace the rules: one spec a line ('#' comments)
 *   DELETE /emulator/faults            remove every rule
 *   POST   /emulator/revoke-tokens     every IAM token becomes unknown (401 APIGW.0301)
 *   GET    /emulator/commands?server_id=ID   commands issued, delivered and reported
 *   GET    /emulator/stats             request counters, servers, tasks
 *   POST   /emulator/clock?advance_s=N move the emulator's clock forward (token expiry,
 *                                      timed transitions); ?reset=true goes back
 *   POST   /emulator/server?id=ID[&state=S][&migration_cycle=C][&replicatesize=N][&totalsize=N]
 *                                      set a server's fields as the service would (tests)
 *   POST   /emulator/move?servers=N    hold N servers, spread over the fleet, in moving states
 *                                      and advance their progress one step (benchmarks) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emulator/emu.h"

static char *next_line(char **cursor)
{
    char *s = *cursor;
    if (!s || !*s)
        return NULL;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = 0;
        *cursor = nl + 1;
    } else
        *cursor = s + strlen(s);
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

void emu_h_ctl_faults_put(emu_ctx *c, emu_req *r, emu_resp *o)
{
    char err[256];
    if (r->body_too_big) {
        emu_resp_error(o, 400, "SMS.2004", "fault list larger than %u bytes", EMU_BODY_CAP);
        return;
    }
    char *text = strndup(r->body ? r->body : "", r->body_len), *cursor = text;
    if (!text) {
        emu_resp_error(o, 500, "SMS.2007", "out of memory");
        return;
    }
    const char *specs[256];
    size_t n = 0;
    for (char *line; (line = next_line(&cursor)) != NULL;) {
        if (!*line || *line == '#')
            continue;
        if (n == 256 || smsemu_parse_fault(line, err, sizeof err) < 0) {
            emu_resp_error(o, 400, "SMS.0002", "%s", n == 256 ? "too many fault rules (max 256)" : err);
            free(text);
            return;
        }
        specs[n++] = line;
    }
    emu_faults_clear(c->faults);
    for (size_t i = 0; i < n; i++)
        emu_faults_add(c->faults, specs[i], err, sizeof err);
    free(text);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "faults", emu_faults_to_json(c->faults));
    emu_resp_json(o, 200, j);
}

void emu_h_ctl_faults_get(emu_ctx *c, emu_req *r, emu_resp *o)
{
    (void)r;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "faults", emu_faults_to_json(c->faults));
    emu_resp_json(o, 200, j);
}

void emu_h_ctl_faults_delete(emu_ctx *c, emu_req *r, emu_resp *o)
{
    (void)r;
    emu_faults_clear(c->faults);
    emu_resp_empty_ok(o);
}

void emu_h_ctl_revoke(emu_ctx *c, emu_req *r, emu_resp *o)
{
    (void)r;
    emu_tokens_revoke_all(c->tokens);
    emu_resp_empty_ok(o);
}

static const char *event_name(emu_cmd_event e)
{
    return e == EMU_CMD_ISSUED ? "issued" : e == EMU_CMD_DELIVERED ? "delivered" : "reported";
}

static cJSON *command_log_json(const emu_server *sv)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < sv->n_log; i++) {
        const emu_cmd_log *e = &sv->log[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "event", event_name(e->event));
        cJSON_AddStringToObject(x, "command_name", e->name ? e->name : "");
        if (e->task_id)
            cJSON_AddStringToObject(x, "task_id", e->task_id);
        if (e->result)
            cJSON_AddStringToObject(x, "result", e->result);
        if (e->detail)
            cJSON_AddStringToObject(x, "result_detail", e->detail);
        cJSON_AddNumberToObject(x, "at", (double)e->at_ms);
        cJSON_AddItemToArray(arr, x);
    }
    return arr;
}

static cJSON *names_of(const emu_command *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(v[i].name));
    return arr;
}

void emu_h_ctl_commands(emu_ctx *c, emu_req *r, emu_resp *o)
{
    const char *id = emu_req_query(r, "server_id");
    if (!id) {
        emu_resp_error(o, 400, "SMS.0002", "query parameter server_id is required");
        return;
    }
    cJSON *j = NULL;
    emu_store_lock(c->store);
    emu_server *sv = emu_store_server(c->store, id, true);
    if (sv) {
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "server_id", id);
        cJSON_AddBoolToObject(j, "deleted", sv->deleted);
        cJSON_AddItemToObject(j, "pending", names_of(sv->pending, sv->n_pending));
        cJSON_AddItemToObject(j, "awaiting_result", names_of(sv->awaiting, sv->n_awaiting));
        cJSON_AddItemToObject(j, "log", command_log_json(sv));
    }
    emu_store_unlock(c->store);
    if (!j)
        emu_resp_error(o, 404, "SMS.0412", "source server %s does not exist", id);
    else
        emu_resp_json(o, 200, j);
}

void emu_h_ctl_stats(emu_ctx *c, emu_req *r, emu_resp *o)
{
    (void)r;
    pthread_mutex_lock(&c->stats_mu);
    emu_stats s = c->stats;
    pthread_mutex_unlock(&c->stats_mu);
    emu_store_lock(c->store);
    size_t servers = emu_store_n_servers(c->store), tasks = emu_store_task_slots(c->store);
    emu_store_unlock(c->store);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "requests", (double)s.requests);
    cJSON *by = cJSON_AddObjectToObject(j, "by_status");
    static const char *const buckets[] = {"0xx", "1xx", "2xx", "3xx", "4xx", "5xx"};
    for (int i = 0; i < 6; i++)
        cJSON_AddNumberToObject(by, buckets[i], (double)s.by_status[i]);
    cJSON_AddNumberToObject(j, "faults_applied", (double)s.faults_applied);
    cJSON_AddNumberToObject(j, "sources_requests", (double)s.sources_requests);
    cJSON_AddNumberToObject(j, "tasks_requests", (double)s.tasks_requests);
    cJSON_AddNumberToObject(j, "iam_requests", (double)s.iam_requests);
    cJSON_AddNumberToObject(j, "list_requests", (double)s.list_requests);
    cJSON_AddNumberToObject(j, "show_requests", (double)s.show_requests);
    cJSON_AddNumberToObject(j, "overview_requests", (double)s.overview_requests);
    cJSON_AddNumberToObject(j, "task_requests", (double)s.task_requests);
    cJSON_AddNumberToObject(j, "throttled", (double)s.throttled);
    cJSON_AddNumberToObject(j, "servers", (double)servers);
    cJSON_AddNumberToObject(j, "tasks", (double)tasks);
    cJSON_AddNumberToObject(j, "active_faults", (double)emu_faults_count(c->faults));
    emu_resp_json(o, 200, j);
}

void emu_h_ctl_clock(emu_ctx *c, emu_req *r, emu_resp *o)
{
    long secs;
    const char *reset = emu_req_query(r, "reset");
    if (reset && strcmp(reset, "true") == 0)
        atomic_store(&c->clock_offset_ms, 0);
    else if (emu_query_int(r, o, "advance_s", 0, 10L * 365 * 86400, 0, &secs) < 0)
        return;
    else
        atomic_fetch_add(&c->clock_offset_ms, (int64_t)secs * 1000);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "now", (double)emu_now(c));
    emu_resp_json(o, 200, j);
}

static bool word_ok(const char *v)
{
    size_t n = v ? strlen(v) : 0;
    if (n == 0 || n > 32)
        return false;
    for (const char *p = v; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
            return false;
    return true;
}

static void set_str(char **field, const char *v)
{
    char *copy = strdup(v);
    if (!copy)
        return;
    free(*field);
    *field = copy;
}

/* Moves a server to state/cycle (either may be NULL) as the state machine would. */
static void set_state(emu_ctx *c, emu_server *sv, const char *state, const char *cycle)
{
    if (state && !(sv->s.state && strcmp(sv->s.state, state) == 0)) {
        set_str(&sv->s.state, state);
        sv->s.state_action_time = emu_now(c);
    }
    if (cycle && !(sv->s.migration_cycle && strcmp(sv->s.migration_cycle, cycle) == 0)) {
        set_str(&sv->s.migration_cycle, cycle);
        sv->s.stage_action_time = emu_now(c);
    }
    emu_server_touch(sv);
}

void emu_h_ctl_server(emu_ctx *c, emu_req *r, emu_resp *o)
{
    const char *id = emu_req_query(r, "id"), *state = emu_req_query(r, "state"),
               *cycle = emu_req_query(r, "migration_cycle");
    long done, total;
    if (!id || (state && !word_ok(state)) || (cycle && !word_ok(cycle))) {
        emu_resp_error(o, 400, "SMS.0002", "id required; state and migration_cycle: lower-case words");
        return;
    }
    if (emu_query_int(r, o, "replicatesize", 0, 1L << 52, -1, &done) < 0 ||
        emu_query_int(r, o, "totalsize", 0, 1L << 52, -1, &total) < 0)
        return;
    emu_store_lock(c->store);
    emu_server *sv = emu_store_server(c->store, id, false);
    if (sv) {
        set_state(c, sv, state, cycle);
        if (done >= 0)
            sv->s.replicatesize = done;
        if (total >= 0)
            sv->s.totalsize = total;
    }
    emu_store_unlock(c->store);
    if (!sv)
        emu_resp_error(o, 404, "SMS.0412", "source server %s does not exist", id);
    else
        emu_resp_empty_ok(o);
}

/* The mix of a migration wave in flight: half replicating, then syncing, cutting over
 * and failed servers. */
static const struct { const char *state, *cycle; bool progresses; } moving_mix[10] = {
    {"replicate", "replicating", true}, {"replicate", "replicating", true},
    {"replicate", "replicating", true}, {"replicate", "replicating", true},
    {"replicate", "replicating", true}, {"syncing", "syncing", true},
    {"syncing", "syncing", true}, {"syncing", "syncing", true},
    {"cutovering", "cutovering", false}, {"error", "replicating", false},
};

#define MOVE_TOTAL (100LL << 30)    /* 100 GiB to copy, 1 % a step */

void emu_h_ctl_move(emu_ctx *c, emu_req *r, emu_resp *o)
{
    long n;
    if (emu_query_int(r, o, "servers", 1, 1000000, 1, &n) < 0)
        return;
    size_t moved = 0;
    emu_store_lock(c->store);
    size_t slots = emu_store_server_slots(c->store);
    for (long k = 0; k < n && slots; k++) {
        emu_server *sv = emu_store_server_at(c->store, (size_t)k * slots / (size_t)n);
        if (!sv || sv->deleted)
            continue;
        int m = (int)(k % 10);
        set_state(c, sv, moving_mix[m].state, moving_mix[m].cycle);
        if (sv->s.totalsize <= 0)
            sv->s.totalsize = MOVE_TOTAL;
        if (moving_mix[m].progresses)
            sv->s.replicatesize = (sv->s.replicatesize + sv->s.totalsize / 100) % sv->s.totalsize;
        moved++;
    }
    emu_store_unlock(c->store);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "moved", (double)moved);
    emu_resp_json(o, 200, j);
}

void emu_h_version(emu_ctx *c, emu_req *r, emu_resp *o)
{
    (void)r;
    cJSON *j = cJSON_CreateObject();
    cJSON *versions = cJSON_AddArrayToObject(j, "versions");
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "id", "v3");
    cJSON_AddStringToObject(v, "status", "CURRENT");
    cJSON_AddStringToObject(v, "updated", "2020-06-30T00:00:00Z");
    cJSON *links = cJSON_AddArrayToObject(v, "links");
    cJSON *l = cJSON_CreateObject();
    char href[96];
    snprintf(href, sizeof href, "%s/v3/", c->url);
    cJSON_AddStringToObject(l, "href", href);
    cJSON_AddStringToObject(l, "rel", "self");
    cJSON_AddItemToArray(links, l);
    cJSON_AddItemToArray(versions, v);
    emu_resp_json(o, 200, j);
}
