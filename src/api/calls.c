/* calls.c - every SMS call of client.h: paths, query strings, bodies and response
 * decoding through the model codec. Lists are read over all their pages. */
#include "api/client_priv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/pager.h"
#include "api/poller.h"
#include "model/codec.h"
#include "model/contract.h"

#define SERVERS_PAGE 200            /* ListServers: limit 0-200 */
#define TASKS_PAGE 200              /* ListTasks: limit 0-200 */
#define ERRORS_PAGE 100             /* ListErrorServers: limit 0-100 */

/* ---- helpers ----------------------------------------------------------------- */

static int check_id(const char *what, const char *id, sms_call_error *e)
{
    if (sms_id_valid(id))
        return 0;
    sms_error_set(e, SMS_E_INVALID, "%s: expected an id of 1-%d letters, digits, '-', '_' or '.'",
                  what, SMS_MAX_ID_LEN);
    return -1;
}

/* GET path and decode the body as type t into out. */
static int get_decoded(sms_client *c, const char *path, const sms_type *t, void *out, sms_call_error *e)
{
    sms_response r;
    if (sms_request(c, "GET", path, NULL, false, NULL, NULL, &r, e) != 0)
        return -1;
    int rc = sms_decode_body(t, &r, out, e);
    sms_response_free(&r);
    return rc;
}

/* "/v3/tasks/{id}/log" with {id} replaced (the id is already validated). */
static char *path_with_id(const char *tmpl, const char *id)
{
    const char *at = strstr(tmpl, "{id}");
    char *p = NULL;
    if (!at || asprintf(&p, "%.*s%s%s", (int)(at - tmpl), tmpl, id, at + 4) < 0)
        return NULL;
    return p;
}

static int out_of_memory(sms_call_error *e)
{
    sms_error_set(e, SMS_E_INVALID, "out of memory");
    return -1;
}

/* ---- paging ------------------------------------------------------------------- */

/* The three list types share one layout: int32_t count; T *items; size_t n_items. */
typedef struct list_shape {
    const sms_type *type;
    size_t count_off, items_off, n_off, item_size, id_off, key_off;  /* pager.h */
    int page;
} list_shape;

#define LIST_SHAPE(T, items, n, ITEM, ID, KEY, TYPE, PAGE) \
    { &TYPE, offsetof(T, count), offsetof(T, items), offsetof(T, n), sizeof(ITEM), \
      offsetof(ITEM, ID), offsetof(ITEM, KEY), PAGE }

static const list_shape server_list_shape =
    LIST_SHAPE(sms_server_list, source_servers, n_source_servers, sms_server, id, anon_key,
               SMS_T_SERVER_LIST, SERVERS_PAGE);
static const list_shape task_list_shape =
    LIST_SHAPE(sms_task_list, tasks, n_tasks, sms_task, id, id, SMS_T_TASK_LIST, TASKS_PAGE);
static const list_shape error_list_shape =
    LIST_SHAPE(sms_mig_error_list, migration_errors, n_migration_errors, sms_mig_error,
               source_id, source_id, SMS_T_MIG_ERROR_LIST, ERRORS_PAGE);

#define FIELD(base, off, T) (*(T *)((char *)(base) + (off)))

typedef union list_mem { sms_server_list s; sms_task_list t; sms_mig_error_list m; } list_mem;

/* Frees the items of page that keep marks false (duplicates), moving the others to the
 * front. The codec frees items only through their list, so each goes through a list of one. */
static void drop_duplicates(const list_shape *s, void *page, const bool *keep)
{
    size_t n = FIELD(page, s->n_off, size_t), out = 0;
    char *items = FIELD(page, s->items_off, char *);
    for (size_t i = 0; i < n; i++) {
        char *item = items + i * s->item_size;
        if (keep[i]) {
            if (out != i)
                memcpy(items + out * s->item_size, item, s->item_size);
            out++;
            continue;
        }
        list_mem one;
        memset(&one, 0, sizeof one);
        void *copy = malloc(s->item_size);
        if (!copy)
            continue;                       /* out of memory: leaks one duplicate */
        memcpy(copy, item, s->item_size);
        FIELD(&one, s->items_off, void *) = copy;
        FIELD(&one, s->n_off, size_t) = 1;
        sms_free(s->type, &one);
    }
    FIELD(page, s->n_off, size_t) = out;
}

/* Moves the page's items to the end of the accumulated list (the page keeps none). */
static int append_page(const list_shape *s, void *acc, void *page)
{
    size_t have = FIELD(acc, s->n_off, size_t), add = FIELD(page, s->n_off, size_t);
    if (add == 0)
        return 0;
    char *items = realloc(FIELD(acc, s->items_off, void *), (have + add) * s->item_size);
    if (!items)
        return -1;
    memcpy(items + have * s->item_size, FIELD(page, s->items_off, void *), add * s->item_size);
    free(FIELD(page, s->items_off, void *));
    FIELD(page, s->items_off, void *) = NULL;
    FIELD(page, s->n_off, size_t) = 0;
    FIELD(acc, s->items_off, void *) = items;
    FIELD(acc, s->n_off, size_t) = have + add;
    return 0;
}

/* One page at pg->offset into page (zeroed first). */
static int get_page(sms_client *c, const list_shape *s, const char *base, const char *filters,
                    long offset, void *page, sms_call_error *e)
{
    char *path = NULL;
    if (asprintf(&path, "%s?limit=%d&offset=%ld%s", base, s->page, offset, filters ? filters : "") < 0)
        return out_of_memory(e);
    memset(page, 0, sizeof(list_mem));
    int rc = get_decoded(c, path, s->type, page, e);
    free(path);
    /* a server without an id is a placeholder here too, as in the poller's fleet, so that
     * --dump shows it as unreadable and paging keeps it once (by its anon_key) */
    if (rc == 0 && s == &server_list_shape &&
        sms_servers_flag_unidentified(((sms_server_list *)page)->source_servers,
                                      ((sms_server_list *)page)->n_source_servers) < 0) {
        sms_free(s->type, page);
        rc = out_of_memory(e);
    }
    return rc;
}

/* Every page of base?limit=L&offset=O[&filters], by the policy of pager.h. */
static int list_all(sms_client *c, const list_shape *s, const char *base, const char *filters,
                    void *out, sms_call_error *e)
{
    memset(out, 0, sizeof(list_mem));
    list_mem page_mem;
    void *page = &page_mem;
    sms_pager pg;
    sms_pager_begin(&pg);
    int rc = 0;
    for (sms_pager_step step = SMS_PAGER_NEXT; rc == 0 && step != SMS_PAGER_DONE;) {
        if ((rc = get_page(c, s, base, filters, pg.offset, page, e)) != 0)
            break;
        size_t got = FIELD(page, s->n_off, size_t);
        bool *keep = calloc(got ? got : 1, sizeof *keep);
        if (!keep) {
            sms_free(s->type, page);
            rc = out_of_memory(e);
            break;
        }
        step = sms_pager_page(&pg, FIELD(page, s->count_off, int32_t),
                              FIELD(page, s->items_off, void *), got, s->item_size, s->id_off,
                              s->key_off, keep);
        if (step == SMS_PAGER_RESTART) {
            sms_free(s->type, out);
            memset(out, 0, sizeof(list_mem));
        } else {
            drop_duplicates(s, page, keep);
            FIELD(out, s->count_off, int32_t) = FIELD(page, s->count_off, int32_t);
            if (append_page(s, out, page) != 0)
                rc = out_of_memory(e);
        }
        free(keep);
        sms_free(s->type, page);
    }
    sms_pager_end(&pg);
    if (rc != 0)
        sms_free(s->type, out);
    return rc;
}

/* ---- reads ---------------------------------------------------------------- */

static void add_filter(sms_buf *b, const char *key, const char *value)
{
    if (!value)
        return;
    sms_buf_addf(b, "&%s=", key);
    sms_buf_add_query_value(b, value);
}

static char *server_filters(const sms_server_query *q)
{
    sms_buf b = { 0 };
    sms_buf_addn(&b, "", 0);
    if (q) {
        add_filter(&b, "state", q->state);
        add_filter(&b, "name", q->name);
        add_filter(&b, "id", q->id);
        add_filter(&b, "ip", q->ip);
        add_filter(&b, "migration_cycle", q->migration_cycle);
        add_filter(&b, "enterprise_project_id", q->enterprise_project_id);
        if (q->connected == 0 || q->connected == 1)
            add_filter(&b, "connected", q->connected ? "true" : "false");
    }
    if (b.oom) {
        sms_buf_free(&b);
        return NULL;
    }
    return b.s;
}

int sms_list_servers(sms_client *c, const sms_server_query *q, sms_server_list *out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (!out)
        return sms_error_end(-1, e, (sms_error_set(err, SMS_E_INVALID, "no output"), &local));
    memset(out, 0, sizeof *out);
    char *filters = server_filters(q);
    int rc = filters ? list_all(c, &server_list_shape, "/v3/sources", filters, out, err) : out_of_memory(err);
    free(filters);
    return sms_error_end(rc, e, &local);
}

int sms_list_errors(sms_client *c, sms_mig_error_list *out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (!out)
        return sms_error_end(-1, e, (sms_error_set(err, SMS_E_INVALID, "no output"), &local));
    int rc = list_all(c, &error_list_shape, "/v3/errors", NULL, out, err);
    return sms_error_end(rc, e, &local);
}

int sms_list_tasks(sms_client *c, const char *source_server_id, sms_task_list *out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (!out)
        return sms_error_end(-1, e, (sms_error_set(err, SMS_E_INVALID, "no output"), &local));
    memset(out, 0, sizeof *out);
    if (source_server_id && check_id("source_server_id", source_server_id, err) != 0)
        return sms_error_end(-1, e, &local);
    char *filters = NULL;
    if (asprintf(&filters, "%s%s", source_server_id ? "&source_server_id=" : "",
                 source_server_id ? source_server_id : "") < 0)
        return sms_error_end(out_of_memory(err), e, &local);
    int rc = list_all(c, &task_list_shape, "/v3/tasks", filters, out, err);
    free(filters);
    return sms_error_end(rc, e, &local);
}

/* GET fmt(id) decoded as t. */
static int show_by_id(sms_client *c, const char *what, const char *fmt, const char *id,
                      const sms_type *t, void *out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (!out) {
        sms_error_set(err, SMS_E_INVALID, "no output");
        return sms_error_end(-1, e, &local);
    }
    memset(out, 0, sms_type_size(t));
    if (check_id(what, id, err) != 0)
        return sms_error_end(-1, e, &local);
    char *path = path_with_id(fmt, id);
    int rc = path ? get_decoded(c, path, t, out, err) : out_of_memory(err);
    free(path);
    return sms_error_end(rc, e, &local);
}

int sms_show_server(sms_client *c, const char *id, sms_server *out, sms_call_error *e)
{
    return show_by_id(c, "server id", "/v3/sources/{id}", id, &SMS_T_SERVER, out, e);
}

int sms_show_task(sms_client *c, const char *id, sms_task *out, sms_call_error *e)
{
    return show_by_id(c, "task id", "/v3/tasks/{id}", id, &SMS_T_TASK, out, e);
}

int sms_get_speed_limits(sms_client *c, const char *task_id, sms_speed_limits *out, sms_call_error *e)
{
    return show_by_id(c, "task id", "/v3/tasks/{id}/speed-limit", task_id, &SMS_T_SPEED_LIMITS, out, e);
}

int sms_get_consistency(sms_client *c, const char *task_id, sms_consistency_results *out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (!out)
        return sms_error_end(-1, e, (sms_error_set(err, SMS_E_INVALID, "no output"), &local));
    memset(out, 0, sizeof *out);
    if (check_id("task id", task_id, err) != 0)
        return sms_error_end(-1, e, &local);
    char *path = path_with_id("/v3/tasks/{id}/consistency-result", task_id);
    sms_response r;
    int rc = path ? sms_request(c, "GET", path, NULL, false, NULL, NULL, &r, err) : out_of_memory(err);
    free(path);
    if (rc != 0)
        return sms_error_end(-1, e, &local);
    char *normal = sms_consistency_normalize(r.body, r.body_len);  /* both published shapes */
    if (normal) {
        free(r.body);
        r.body = normal;
        r.body_len = strlen(normal);
    }
    rc = sms_decode_body(&SMS_T_CONSISTENCY_RESULTS, &r, out, err);
    sms_response_free(&r);
    return sms_error_end(rc, e, &local);
}

int sms_show_overview(sms_client *c, sms_overview *out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (!out)
        return sms_error_end(-1, e, (sms_error_set(err, SMS_E_INVALID, "no output"), &local));
    memset(out, 0, sizeof *out);
    int rc = get_decoded(c, "/v3/sources/overview", &SMS_T_OVERVIEW, out, err);
    return sms_error_end(rc, e, &local);
}

/* ---- mutating calls ------------------------------------------------------- */

/* Sends one mutating request; the response body is not needed ("{}" or empty). */
static int mutate(sms_client *c, const char *method, const char *path, const char *body,
                  const char *const *extra, const char *action, const char *target,
                  sms_response *out, sms_call_error *e)
{
    sms_response r;
    int rc = sms_request_ex(c, method, path, body, SMS_REQ_MUTATING, extra, action, target, &r, e);
    if (rc == 0 && out)
        *out = r;
    else
        sms_response_free(&r);
    return rc;
}

/* A mutating call on fmt(id) with an optional body. */
static int mutate_by_id(sms_client *c, const char *method, const char *fmt, const char *id,
                        const char *body, const char *action, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (check_id("id", id, err) != 0)
        return sms_error_end(-1, e, &local);
    char *path = path_with_id(fmt, id);
    int rc = path ? mutate(c, method, path, body, NULL, action, id, NULL, err) : out_of_memory(err);
    free(path);
    return sms_error_end(rc, e, &local);
}

/* The audit names the action as the console's action table does (sms_action_name). */
static const char *action_of_operation(const char *operation)
{
    for (int k = 0; k < SMS_ACT__COUNT; k++) {
        const char *op = sms_action_operation((sms_action_kind)k);
        if (op && strcmp(op, operation) == 0)
            return sms_action_name((sms_action_kind)k);
    }
    return operation;
}

int sms_task_do_action(sms_client *c, const char *task_id, const char *operation, sms_call_error *e)
{
    /* only the official enum: an invented operation must never leave the console */
    if (!sms_contract_value_ok("UpdateTaskStatus", "operation", operation)) {
        sms_call_error local, *err = sms_error_begin(e, &local);
        sms_error_set(err, SMS_E_INVALID, "operation: \"%.40s\" is not one the API documents",
                      operation ? operation : "");
        return sms_error_end(-1, e, &local);
    }
    char body[96];
    snprintf(body, sizeof body, "{\"operation\":\"%s\"}", operation);
    return mutate_by_id(c, "POST", "/v3/tasks/{id}/action", task_id, body, action_of_operation(operation), e);
}

int sms_delete_server(sms_client *c, const char *id, sms_call_error *e)
{
    return mutate_by_id(c, "DELETE", "/v3/sources/{id}", id, NULL, sms_action_name(SMS_ACT_DELETE), e);
}

int sms_delete_task(sms_client *c, const char *id, sms_call_error *e)
{
    return mutate_by_id(c, "DELETE", "/v3/tasks/{id}", id, NULL, sms_action_name(SMS_ACT_DELETE_TASK), e);
}

/* What the API would refuse, or what would silently stall a migration; NULL when fine. */
static const char *speed_limits_problem(const sms_speed_limits *l)
{
    if (!l || l->n_speed_limit == 0)
        return "no time window: give at least one";
    for (size_t i = 0; i < l->n_speed_limit; i++) {
        const sms_speed_limit *s = &l->speed_limit[i];
        if (!s->start || !s->end || !*s->start || !*s->end || strcmp(s->start, s->end) == 0)
            return "a time window is empty (start and end must differ)";
        if (s->speed < 1 || s->speed > 1000)
            return "speed must be 1-1000 Mbit/s (0 would stall the migration)";
        if (s->over_speed_threshold != 0 && (s->over_speed_threshold < 10 || s->over_speed_threshold > 100))
            return "over_speed_threshold must be 10-100 (%) when given";
    }
    return NULL;
}

int sms_set_speed_limits(sms_client *c, const char *task_id, const sms_speed_limits *l, sms_call_error *e)
{
    const char *problem = speed_limits_problem(l);
    if (problem) {
        sms_call_error local, *err = sms_error_begin(e, &local);
        sms_error_set(err, SMS_E_INVALID, "speed limit: %s", problem);
        return sms_error_end(-1, e, &local);
    }
    char *body = sms_to_json(&SMS_T_SPEED_LIMITS, l);
    int rc;
    if (!body) {
        sms_call_error local, *err = sms_error_begin(e, &local);
        rc = sms_error_end(out_of_memory(err), e, &local);
    } else {
        rc = mutate_by_id(c, "POST", "/v3/tasks/{id}/speed-limit", task_id, body, sms_action_name(SMS_ACT_SPEED_LIMIT), e);
    }
    free(body);
    return rc;
}

int sms_task_upload_log(sms_client *c, const char *task_id, const char *bucket, sms_call_error *e)
{
    if (!bucket || !*bucket || strlen(bucket) > 255) {
        sms_call_error local, *err = sms_error_begin(e, &local);
        sms_error_set(err, SMS_E_INVALID, "log bucket: 1-255 characters required");
        return sms_error_end(-1, e, &local);
    }
    sms_buf body = { 0 };
    sms_buf_add(&body, "{\"log_bucket\":");
    sms_buf_add_json_string(&body, bucket);
    sms_buf_add(&body, "}");
    int rc;
    if (body.oom) {
        sms_call_error local, *err = sms_error_begin(e, &local);
        rc = sms_error_end(out_of_memory(err), e, &local);
    } else {
        rc = mutate_by_id(c, "POST", "/v3/tasks/{id}/log", task_id, body.s, sms_action_name(SMS_ACT_UPLOAD_LOG), e);
    }
    sms_buf_free(&body);
    return rc;
}

/* "id1,id2,..." of a batch, for the audit line. */
static char *batch_targets(const sms_consistency_task *items, size_t n)
{
    sms_buf b = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (i)
            sms_buf_add(&b, ",");
        sms_buf_add(&b, items[i].task_id ? items[i].task_id : "");
    }
    if (b.oom) {
        sms_buf_free(&b);
        return NULL;
    }
    return b.s;
}

static int export_batch(sms_client *c, const sms_consistency_task *items, size_t n, sms_response *out,
                        sms_call_error *e)
{
    static const char *const language[] = { "X-Language: en", NULL };
    sms_consistency_export batch = { (sms_consistency_task *)items, n };
    char *body = sms_to_json(&SMS_T_CONSISTENCY_EXPORT, &batch);
    char *targets = batch_targets(items, n);
    int rc = body && targets
                 ? mutate(c, "POST", "/v3/tasks/consistency-results/export", body, language,
                          sms_action_name(SMS_ACT_EXPORT), targets, out, e)
                 : out_of_memory(e);
    free(body);
    free(targets);
    return rc;
}

static int check_export_items(const sms_consistency_task *items, size_t n, size_t max, sms_call_error *err)
{
    if (!items || n == 0 || n > max) {
        sms_error_set(err, SMS_E_INVALID, n > max ? "at most %zu tasks per export request" : "nothing to export", max);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (check_id("task_id", items[i].task_id, err) != 0)
            return -1;
    return 0;
}

int sms_export_consistency_batch(sms_client *c, const sms_consistency_task *items, size_t n,
                                 sms_response *out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (out)
        memset(out, 0, sizeof *out);
    if (check_export_items(items, n, SMS_EXPORT_BATCH, err))
        return sms_error_end(-1, e, &local);
    return sms_error_end(export_batch(c, items, n, out, err), e, &local);
}

int sms_export_consistency(sms_client *c, const sms_consistency_task *items, size_t n, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (check_export_items(items, n, SIZE_MAX, err))
        return sms_error_end(-1, e, &local);
    for (size_t done = 0; done < n;) {
        size_t k = n - done < SMS_EXPORT_BATCH ? n - done : SMS_EXPORT_BATCH;
        if (export_batch(c, items + done, k, NULL, err) != 0)
            return sms_error_end(-1, e, &local);
        done += k;
    }
    return sms_error_end(0, e, &local);
}

/* Reads {"id": "..."} from a creating call's answer. */
static int take_created_id(const sms_response *r, char **id_out, sms_call_error *e)
{
    sms_id_ref ref = { 0 };
    if (sms_decode_body(&SMS_T_ID_REF, r, &ref, e) != 0)
        return -1;
    if (!ref.id) {
        sms_jerr jerr = { .path = "id", .msg = "missing" };
        sms_decode_failed(e, r, &jerr);
        return -1;
    }
    if (id_out)
        *id_out = ref.id;
    else
        free(ref.id);
    return 0;
}

int sms_task_create(sms_client *c, const sms_create_task *t, char **id_out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (id_out)
        *id_out = NULL;
    if (!t) {
        sms_error_set(err, SMS_E_INVALID, "no task");
        return sms_error_end(-1, e, &local);
    }
    char *body = sms_to_json(&SMS_T_CREATE_TASK, t);
    if (!body)
        return sms_error_end(out_of_memory(err), e, &local);
    sms_response r;
    const char *target = t->has_source_server ? t->source_server.id : NULL;
    int rc = mutate(c, "POST", "/v3/tasks", body, NULL, "create_task", target, &r, err);
    free(body);
    if (rc == 0) {
        rc = take_created_id(&r, id_out, err);
        sms_response_free(&r);
    }
    return sms_error_end(rc, e, &local);
}
