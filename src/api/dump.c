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
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return -1;
    int rc = fputs(text, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
    free(text);
    return rc;
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

static int write_row(FILE *out, char cells[N_COLS][128], const size_t width[N_COLS])
{
    for (int c = 0; c < N_COLS; c++) {
        bool last = c == N_COLS - 1;
        size_t pad = last ? 0 : width[c] - text_width(cells[c]) + 2;
        if (fprintf(out, "%s%*s", cells[c], (int)pad, "") < 0)
            return -1;
    }
    return fputc('\n', out) == EOF ? -1 : 0;
}

static int write_text(const dump_data *d, FILE *out)
{
    size_t n = d->servers.n_source_servers;
    char (*rows)[N_COLS][128] = calloc(n + 1, sizeof *rows);
    if (!rows)
        return -1;
    size_t width[N_COLS] = {0};
    for (int c = 0; c < N_COLS; c++) {
        snprintf(rows[0][c], 128, "%s", col_titles[c]);
        width[c] = text_width(col_titles[c]);
    }
    for (size_t i = 0; i < n; i++) {
        server_cells(&d->servers.source_servers[i], rows[i + 1]);
        for (int c = 0; c < N_COLS; c++) {
            cut_to_cell(rows[i + 1][c]);
            size_t w = text_width(rows[i + 1][c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    int rc = 0;
    for (size_t i = 0; i <= n && rc == 0; i++)
        rc = write_row(out, rows[i], width);
    free(rows);
    return rc;
}

/* ---- entry point ---------------------------------------------------------- */

int sms_dump(const sms_client_opts *o, sms_dump_format fmt, FILE *out, sms_call_error *e)
{
    sms_call_error local = {0};
    if (!e)
        e = &local;
    memset(e, 0, sizeof *e);
    sms_client *c = sms_client_new(o, e);
    if (!c)
        return -1;
    dump_data d = {0};
    int rc = fetch_all(c, &d, e);
    sms_client_free(c);
    if (rc == 0) {
        rc = fmt == SMS_DUMP_JSON ? write_json(&d, out) : write_text(&d, out);
        if (rc == 0 && fflush(out))
            rc = -1;
        if (rc) {
            e->kind = SMS_E_INVALID;
            e->message = strdup("cannot write the dump");
        }
    }
    dump_data_free(&d);
    if (rc == 0)
        sms_call_error_free(e);
    sms_call_error_sanitize(e);
    sms_call_error_free(&local);
    return rc;
}
