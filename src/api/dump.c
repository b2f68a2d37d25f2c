/* dump.c - smsconsole --dump: fetch overview, servers, errors and tasks once and write
 * them as one JSON object or as an aligned text table. Server text is sanitised in both
 * forms (a dump is often read in a terminal). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "api/poller.h"
#include "api/snapshot.h"
#include "model/agents.h"
#include "model/codec.h"
#include "model/text.h"

typedef struct dump_data {
    sms_overview overview;
    sms_server_list servers;
    sms_mig_error_list errors;
    sms_task_list tasks;
    int64_t fetched_ms;
} dump_data;

static void dump_data_free(dump_data *d)
{
    sms_free(&SMS_T_SERVER_LIST, &d->servers);
    sms_free(&SMS_T_MIG_ERROR_LIST, &d->errors);
    sms_free(&SMS_T_TASK_LIST, &d->tasks);
}

/* A sanitised copy of one list (count + items); the items are copied one by one. */
static int clean_list(const sms_type *item_t, int32_t count, const void *items, size_t n,
                      int32_t *count_out, void **items_out, size_t *n_out)
{
    if (sms_sanitized_copy_array(item_t, items_out, items, n))
        return -1;
    *count_out = count;
    *n_out = n;
    return 0;
}

/* Fetch everything, then keep only sanitised copies. */
static int fetch_all(sms_client *c, dump_data *d, sms_call_error *e)
{
    dump_data raw = {0};
    int rc = -1;
    if (sms_show_overview(c, &d->overview, e) || sms_list_servers(c, NULL, &raw.servers, e) ||
        sms_list_errors(c, &raw.errors, e) || sms_list_tasks(c, NULL, &raw.tasks, e))
        goto out;
    d->fetched_ms = sms_clock_wall_ms();
    if (clean_list(&SMS_T_SERVER, raw.servers.count, raw.servers.source_servers,
                   raw.servers.n_source_servers, &d->servers.count,
                   (void **)&d->servers.source_servers, &d->servers.n_source_servers) ||
        /* no item type for errors; their few plain strings fit in one document */
        sms_sanitized_copy(&SMS_T_MIG_ERROR_LIST, &d->errors, &raw.errors) ||
        clean_list(&SMS_T_TASK, raw.tasks.count, raw.tasks.tasks, raw.tasks.n_tasks,
                   &d->tasks.count, (void **)&d->tasks.tasks, &d->tasks.n_tasks)) {
        dump_data_free(d);
        sms_call_error_free(e);
        e->kind = SMS_E_DECODE;
        e->message = strdup("out of memory while preparing the dump");
        goto out;
    }
    rc = 0;
out:
    dump_data_free(&raw);
    return rc;
}

/* ---- JSON ----------------------------------------------------------------- */

static void iso_time(char *buf, size_t len, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The list items of a list type, as a JSON array (the list's own array key). */
static cJSON *list_items(const sms_type *t, const void *list, const char *key)
{
    cJSON *o = sms_encode(t, list);
    cJSON *items = o ? cJSON_DetachItemFromObjectCaseSensitive(o, key) : NULL;
    cJSON_Delete(o);
    return items ? items : cJSON_CreateArray();
}

/* Print and free o. */
static int print_json(cJSON *o, FILE *out)
{
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return -1;
    int rc = fputs(text, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
    free(text);
    return rc;
}

static int write_json(const dump_data *d, FILE *out)
{
    char when[32];
    iso_time(when, sizeof when, d->fetched_ms);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return -1;
    cJSON_AddItemToObject(o, "overview", sms_encode(&SMS_T_OVERVIEW, &d->overview));
    cJSON_AddItemToObject(o, "servers",
                          list_items(&SMS_T_SERVER_LIST, &d->servers, "source_servers"));
    cJSON_AddItemToObject(o, "errors",
                          list_items(&SMS_T_MIG_ERROR_LIST, &d->errors, "migration_errors"));
    cJSON_AddItemToObject(o, "tasks", list_items(&SMS_T_TASK_LIST, &d->tasks, "tasks"));
    cJSON_AddStringToObject(o, "fetched_at", when);
    return print_json(o, out);
}

/* ---- text ----------------------------------------------------------------- */

enum { COL_NAME, COL_IP, COL_OS, COL_STATE, COL_CYCLE, COL_PROGRESS, COL_CONNECTED, N_COLS };
static const char *const col_titles[N_COLS] = {
    "NAME", "IP", "OS", "STATE", "CYCLE", "PROGRESS", "CONNECTED",
};

/* Columns are as wide as their widest cell, counted in characters (not bytes), so
 * non-ASCII names keep the table aligned for the usual one-column characters. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void server_cells(const sms_server *s, char cells[N_COLS][128])
{
    const char *os = s->os_version ? s->os_version : s->os_type;
    snprintf(cells[COL_NAME], 128, "%s", s->name ? s->name : "-");
    snprintf(cells[COL_IP], 128, "%s", s->ip ? s->ip : "-");
    snprintf(cells[COL_OS], 128, "%s", os ? os : "-");
    snprintf(cells[COL_STATE], 128, "%s", s->state ? s->state : "-");
    snprintf(cells[COL_CYCLE], 128, "%s", s->migration_cycle ? s->migration_cycle : "-");
    if (s->totalsize > 0)
        snprintf(cells[COL_PROGRESS], 128, "%d%%",
                 (int)(s->replicatesize >= s->totalsize ? 100 : s->replicatesize * 100 / s->totalsize));
    else
        snprintf(cells[COL_PROGRESS], 128, "-");
    snprintf(cells[COL_CONNECTED], 128, "%s", s->connected ? "yes" : "no");
}

static void cut_to_cell(char *cell)
{
    /* snprintf may cut a UTF-8 character at 127 bytes: re-sanitise to drop the piece */
    sms_sanitize_inplace(cell);
}

#define MAX_COLS 12
typedef char dump_row[MAX_COLS][128];

static int write_row(FILE *out, dump_row cells, const size_t *width, int ncols)
{
    for (int c = 0; c < ncols; c++) {
        bool last = c == ncols - 1;
        size_t pad = last ? 0 : width[c] - text_width(cells[c]) + 2;
        if (fprintf(out, "%s%*s", cells[c], (int)pad, "") < 0)
            return -1;
    }
    return fputc('\n', out) == EOF ? -1 : 0;
}

/* An aligned table: titles, then n rows whose cells fill() writes. */
static int write_table(FILE *out, const char *const *titles, int ncols, size_t n,
                       void (*fill)(const void *ctx, size_t i, dump_row cells), const void *ctx)
{
    dump_row *rows = calloc(n + 1, sizeof *rows);
    if (!rows)
        return -1;
    size_t width[MAX_COLS] = {0};
    for (int c = 0; c < ncols; c++) {
        snprintf(rows[0][c], 128, "%s", titles[c]);
        width[c] = text_width(titles[c]);
    }
    for (size_t i = 0; i < n; i++) {
        fill(ctx, i, rows[i + 1]);
        for (int c = 0; c < ncols; c++) {
            cut_to_cell(rows[i + 1][c]);
            size_t w = text_width(rows[i + 1][c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    int rc = 0;
    for (size_t i = 0; i <= n && rc == 0; i++)
        rc = write_row(out, rows[i], width, ncols);
    free(rows);
    return rc;
}

static void fill_server(const void *ctx, size_t i, dump_row cells)
{
    server_cells(&((const dump_data *)ctx)->servers.source_servers[i], cells);
}

/* One line of every state count, in the API's own names. */
static int write_overview(const sms_overview *o, FILE *out)
{
    const struct { const char *name; int32_t n; } c[] = {
        { "waiting", o->waiting }, { "initialize", o->initialize }, { "replicate", o->replicate },
        { "syncing", o->syncing }, { "stopping", o->stopping }, { "stopped", o->stopped },
        { "skipping", o->skipping }, { "cutovering", o->cutovering }, { "finished", o->finished },
        { "cloning", o->cloning }, { "deleting", o->deleting }, { "error", o->error },
        { "unavailable", o->unavailable }, { "unconfigured", o->unconfigured },
    };
    if (fputs("OVERVIEW", out) < 0)
        return -1;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (fprintf(out, "  %s %d", c[i].name, (int)c[i].n) < 0)
            return -1;
    return fputs("\n", out) < 0 ? -1 : 0;
}

enum { ER_NAME, ER_HOST, ER_SOURCE_IP, ER_TARGET_IP, ER_ERROR, ER_N_COLS };
static const char *const error_titles[ER_N_COLS] = { "NAME", "HOST", "SOURCE IP", "TARGET IP", "ERROR" };

static void fill_error(const void *ctx, size_t i, dump_row cells)
{
    const sms_mig_error *m = &((const dump_data *)ctx)->errors.migration_errors[i];
    snprintf(cells[ER_NAME], 128, "%s", m->name ? m->name : "-");
    snprintf(cells[ER_HOST], 128, "%s", m->host_name ? m->host_name : "-");
    snprintf(cells[ER_SOURCE_IP], 128, "%s", m->source_ip ? m->source_ip : "-");
    snprintf(cells[ER_TARGET_IP], 128, "%s", m->target_ip ? m->target_ip : "-");
    snprintf(cells[ER_ERROR], 128, "%s", m->error_json ? m->error_json : "-");
}

enum { TK_NAME, TK_STATE, TK_TYPE, TK_SOURCE, TK_SPEED, TK_REMAINING, TK_N_COLS };
static const char *const task_titles[TK_N_COLS] = { "NAME", "STATE", "TYPE", "SOURCE", "MBIT/S", "REMAINING" };

static void fill_task(const void *ctx, size_t i, dump_row cells)
{
    const sms_task *t = &((const dump_data *)ctx)->tasks.tasks[i];
    const char *src = t->has_source_server ? t->source_server.name : NULL;
    snprintf(cells[TK_NAME], 128, "%s", t->name ? t->name : "-");
    snprintf(cells[TK_STATE], 128, "%s", t->state ? t->state : "-");
    snprintf(cells[TK_TYPE], 128, "%s", t->type ? t->type : "-");
    snprintf(cells[TK_SOURCE], 128, "%s", src ? src : "-");
    snprintf(cells[TK_SPEED], 128, "%.1f", t->migrate_speed > 0 && t->migrate_speed < 1e9 ? t->migrate_speed : 0.0);
    if (t->remain_seconds > 0)
        sms_fmt_duration(cells[TK_REMAINING], 128, t->remain_seconds);
    else
        snprintf(cells[TK_REMAINING], 128, "-");
}

/* The servers first (scripts cut that table out), then the overview, the migration
 * errors and the tasks, each under its heading after a blank line. */
static int write_text(const dump_data *d, FILE *out)
{
    if (write_table(out, col_titles, N_COLS, d->servers.n_source_servers, fill_server, d) ||
        fputs("\n", out) < 0 || write_overview(&d->overview, out) ||
        fprintf(out, "\nMIGRATION ERRORS (%zu)\n", d->errors.n_migration_errors) < 0 ||
        (d->errors.n_migration_errors &&
         write_table(out, error_titles, ER_N_COLS, d->errors.n_migration_errors, fill_error, d)) ||
        fprintf(out, "\nTASKS (%zu)\n", d->tasks.n_tasks) < 0 ||
        (d->tasks.n_tasks && write_table(out, task_titles, TK_N_COLS, d->tasks.n_tasks, fill_task, d)))
        return -1;
    return 0;
}

/* ---- agents (--dump agents) ------------------------------------------------ */

enum { AG_NAME, AG_IP, AG_STATE, AG_REASON, AG_VERSION, AG_OS, AG_HEARTBEAT, AG_CONNECTED,
       AG_REGISTERED, AG_N_COLS };
static const char *const agent_titles[AG_N_COLS] = {
    "NAME", "IP", "STATE", "REASON", "AGENT", "OS", "HEARTBEAT", "CONNECTED", "REGISTERED",
};

typedef struct agents_dump { sms_agent_rows rows; int64_t now_ms; } agents_dump;

static const char *agent_ip(const sms_agent_row *r)
{
    return sms_agent_row_ip(r) ? sms_agent_row_ip(r) : "-";
}

static int64_t heartbeat_age_s(const sms_agent_row *r, int64_t now_ms)
{
    return !r->server || r->server->connected || !r->st.silent_since_ms ? -1 : (now_ms - r->st.silent_since_ms) / 1000;
}

static void fill_agent(const void *ctx, size_t i, dump_row cells)
{
    const agents_dump *d = ctx;
    const sms_agent_row *r = &d->rows.rows[i];
    const sms_server *s = r->server;
    const sms_agent_reason_info *why = sms_agent_reason_lookup(r->st.reason);
    const char *os = sms_agent_row_os(r);
    int64_t age = heartbeat_age_s(r, d->now_ms);
    snprintf(cells[AG_NAME], 128, "%s", sms_agent_row_name(r));
    snprintf(cells[AG_IP], 128, "%s", agent_ip(r));
    snprintf(cells[AG_STATE], 128, "%s", sms_agent_state_info_of(r->st.state)->label);
    snprintf(cells[AG_REASON], 128, "%d %s", r->st.reason, why ? why->message : "");
    snprintf(cells[AG_VERSION], 128, "%s%s", r->agent_version ? r->agent_version : s ? "?" : "-",
             r->st.old_version ? " (old)" : "");
    snprintf(cells[AG_OS], 128, "%s", os ? os : "-");
    if (age >= 0)
        sms_fmt_duration(cells[AG_HEARTBEAT], 128, age);
    else
        snprintf(cells[AG_HEARTBEAT], 128, "%s", s && s->connected ? "live" : "-");
    snprintf(cells[AG_CONNECTED], 128, "%s", !s ? "-" : s->connected ? "yes" : "no");
    if (s && s->add_date > 0)
        iso_time(cells[AG_REGISTERED], 128, s->add_date);
    else
        snprintf(cells[AG_REGISTERED], 128, "-");
}

static cJSON *agent_json(const sms_agent_row *r, int64_t now_ms)
{
    cJSON *h = cJSON_CreateObject();
    const sms_server *s = r->server;
    const sms_agent_reason_info *why = sms_agent_reason_lookup(r->st.reason);
    char when[32];
    cJSON_AddStringToObject(h, "name", sms_agent_row_name(r));
    cJSON_AddStringToObject(h, "ip", agent_ip(r));
    if (s && s->id)
        cJSON_AddStringToObject(h, "server_id", s->id);
    if (r->host)
        cJSON_AddNumberToObject(h, "inventory_line", r->host->line);
    cJSON_AddNumberToObject(h, "result", r->st.state);
    cJSON_AddStringToObject(h, "state", sms_agent_state_info_of(r->st.state)->label);
    cJSON_AddNumberToObject(h, "reason_code", r->st.reason);
    cJSON_AddStringToObject(h, "reason", why ? why->message : "");
    cJSON_AddStringToObject(h, "hint", why ? why->hint : "");
    if (r->agent_version)
        cJSON_AddStringToObject(h, "agent_version", r->agent_version);
    cJSON_AddBoolToObject(h, "old_version", r->st.old_version);
    if (s) {
        if (s->os_version || s->os_type)
            cJSON_AddStringToObject(h, "os", s->os_version ? s->os_version : s->os_type);
        cJSON_AddBoolToObject(h, "connected", s->connected);
        int64_t age = heartbeat_age_s(r, now_ms);
        if (age >= 0)
            cJSON_AddNumberToObject(h, "heartbeat_age_s", (double)age);
        iso_time(when, sizeof when, s->add_date);
        cJSON_AddStringToObject(h, "registered_at", when);
    }
    return h;
}

static int write_agents_json(const agents_dump *d, FILE *out)
{
    static const char *const keys[SMS_AGENT_N_STATES] = {
        "not_installed", "installing", "installed", "failed", "unexpected" };
    char when[32];
    iso_time(when, sizeof when, d->now_ms);
    cJSON *o = cJSON_CreateObject(), *counts = cJSON_AddObjectToObject(o, "counts");
    cJSON *hosts = cJSON_AddArrayToObject(o, "hosts");
    for (int i = 0; i < SMS_AGENT_N_STATES; i++)
        cJSON_AddNumberToObject(counts, keys[i], (double)d->rows.counts[i]);
    cJSON_AddNumberToObject(counts, "old_version", (double)d->rows.n_old);
    for (size_t i = 0; i < d->rows.n_rows; i++)
        cJSON_AddItemToArray(hosts, agent_json(&d->rows.rows[i], d->now_ms));
    cJSON_AddStringToObject(o, "fetched_at", when);
    return print_json(o, out);
}

/* ---- entry points ---------------------------------------------------------- */

/* rc of writing the dump, flushed; a failure becomes the error. */
static int finish(int rc, FILE *out, sms_call_error *e)
{
    if (rc == 0 && fflush(out))
        rc = -1;
    if (rc && e->kind == SMS_E_NONE) {
        e->kind = SMS_E_INVALID;
        e->message = strdup("cannot write the dump");
    }
    return rc;
}

static int done(int rc, sms_call_error *e, sms_call_error *local)
{
    if (rc == 0)
        sms_call_error_free(e);
    sms_call_error_sanitize(e);
    sms_call_error_free(local);
    return rc;
}

/* One client, one body of work, the error tidied for printing. */
typedef int (*dump_work)(sms_client *c, sms_dump_format fmt, FILE *out, const void *ctx, sms_call_error *e);

static int run(const sms_client_opts *o, sms_dump_format fmt, FILE *out, sms_call_error *e,
               dump_work work, const void *ctx)
{
    sms_call_error local = {0};
    if (!e)
        e = &local;
    memset(e, 0, sizeof *e);
    sms_client *c = sms_client_new(o, e);
    if (!c)
        return -1;
    int rc = work(c, fmt, out, ctx, e);
    sms_client_free(c);
    return done(rc, e, &local);
}

static int dump_fleet(sms_client *c, sms_dump_format fmt, FILE *out, const void *ctx, sms_call_error *e)
{
    (void)ctx;
    dump_data d = {0};
    int rc = fetch_all(c, &d, e);
    if (rc == 0)
        rc = finish(fmt == SMS_DUMP_JSON ? write_json(&d, out) : write_text(&d, out), out, e);
    dump_data_free(&d);
    return rc;
}

int sms_dump(const sms_client_opts *o, sms_dump_format fmt, FILE *out, sms_call_error *e)
{
    return run(o, fmt, out, e, dump_fleet, NULL);
}

typedef struct agents_args { const sms_inventory *inv; int64_t install_window_ms; } agents_args;

/* The list has no agent_version and a one-shot dump must not fetch every detail: the
 * versions are left unknown ("?") and nothing is flagged old (docs/agents.md). */
static int dump_agents(sms_client *c, sms_dump_format fmt, FILE *out, const void *ctx, sms_call_error *e)
{
    const agents_args *args = ctx;
    sms_server_list raw = {0}, clean = {0};
    int rc = sms_list_servers(c, NULL, &raw, e);
    if (rc == 0 && clean_list(&SMS_T_SERVER, raw.count, raw.source_servers, raw.n_source_servers,
                              &clean.count, (void **)&clean.source_servers, &clean.n_source_servers))
        rc = finish(-1, out, e);
    if (rc == 0) {
        agents_dump d = { .now_ms = sms_clock_wall_ms() };
        sms_agent_policy p = { .install_window_ms = args->install_window_ms > 0 ? args->install_window_ms
                                                                                : SMS_AGENT_INSTALL_WINDOW_MS };
        rc = sms_agent_rows_build(&d.rows, clean.source_servers, clean.n_source_servers, args->inv, NULL, NULL,
                                  &p, d.now_ms);
        if (rc == 0)
            rc = fmt == SMS_DUMP_JSON ? write_agents_json(&d, out)
                                      : write_table(out, agent_titles, AG_N_COLS, d.rows.n_rows, fill_agent, &d);
        rc = finish(rc, out, e);
        sms_agent_rows_free(&d.rows);
    }
    sms_free(&SMS_T_SERVER_LIST, &raw);
    sms_free(&SMS_T_SERVER_LIST, &clean);
    return rc;
}

int sms_dump_agents(const sms_client_opts *o, const sms_inventory *inv, int64_t install_window_ms,
                    sms_dump_format fmt, FILE *out, sms_call_error *e)
{
    agents_args args = { inv, install_window_ms };
    return run(o, fmt, out, e, dump_agents, &args);
}
