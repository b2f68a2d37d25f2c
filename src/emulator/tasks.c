/* tasks.c - /v3/tasks: list, show, create, delete, actions, progress, speed limits,
 * log collection, consistency results and their export (docs/api-model.md §2, §3.4-§3.10).
 * The rules of which action is legal when live in statemachine.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/buf.h"
#include "emulator/emu.h"

#define SMALL_BODY EMU_BODY_LIMIT

static bool str_eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static void not_found(emu_resp *o, const char *id)
{
    emu_resp_error(o, 404, "SMS.2252", "task %s does not exist", id);
}

/* Locks the store and finds the task named in the path, answering 404 when there is none.
 * The store stays locked either way: the caller unlocks. */
static emu_task *lock_path_task(emu_ctx *c, const emu_req *r, emu_resp *o)
{
    emu_store_lock(c->store);
    emu_task *tk = emu_store_task(c->store, r->params[0]);
    if (!tk)
        not_found(o, r->params[0]);
    return tk;
}

/* ---- encoding ------------------------------------------------------------------------ */

/* List item: the record without the target's disk layout (shared strings, not freed). */
char *emu_task_list_item(emu_task *tk)
{
    if (tk->list_json)
        return tk->list_json;
    sms_task item = tk->t;
    item.target_server.disks = NULL; item.target_server.n_disks = 0;
    item.target_server.volume_groups = NULL; item.target_server.n_volume_groups = 0;
    item.target_server.btrfs_list = NULL; item.target_server.n_btrfs_list = 0;
    tk->list_json = sms_to_json(&SMS_T_TASK, &item);
    return tk->list_json;
}

static void refresh_connected(emu_ctx *c, emu_task *tk, int64_t now)
{
    bool connected = tk->server && emu_server_connected(tk->server, now, emu_ctx_connect_window_ms(c));
    if (tk->t.connected != connected) {
        tk->t.connected = connected;
        emu_task_touch(tk);
    }
}

/* ---- GET /v3/tasks -------------------------------------------------------------------- */

typedef struct task_filter { const char *state, *name, *id, *source, *eps; } task_filter;

static bool task_matches(const emu_task *tk, const task_filter *f)
{
    const sms_task *t = &tk->t;
    return (!f->state || str_eq(t->state, f->state)) && (!f->name || str_eq(t->name, f->name)) &&
           (!f->id || str_eq(t->id, f->id)) &&
           (!f->source || str_eq(t->source_server.id, f->source)) &&
           (!f->eps || str_eq(t->enterprise_project_id, f->eps));
}

static int read_task_filter(const emu_req *r, emu_resp *o, task_filter *f)
{
    f->state = emu_req_query(r, "state");
    f->name = emu_req_query(r, "name");
    f->id = emu_req_query(r, "id");
    f->source = emu_req_query(r, "source_server_id");
    f->eps = emu_req_query(r, "enterprise_project_id");
    if ((f->name && strlen(f->name) > 255) || (f->id && (!*f->id || strlen(f->id) > 36)) ||
        (f->source && (!*f->source || strlen(f->source) > 36))) {
        emu_resp_error(o, 400, "SMS.0002", "invalid query parameter: name <= 255, id and source_server_id 1-36 characters");
        return -1;
    }
    return 0;
}

void emu_h_tasks_list(emu_ctx *c, emu_req *r, emu_resp *o)
{
    long limit, offset;
    task_filter f;
    if (emu_query_page(r, o, &limit, &offset) < 0 || read_task_filter(r, o, &f) < 0)
        return;
    long count = 0, shown = 0;
    int64_t now = emu_now(c);
    sms_buf b = {0};
    sms_buf_add(&b, "{\"tasks\":[");
    emu_store_lock(c->store);
    for (size_t i = 0; i < emu_store_task_slots(c->store); i++) {
        emu_task *tk = emu_store_task_at(c->store, i);
        if (!task_matches(tk, &f))
            continue;
        if (count++ < offset || shown >= limit)
            continue;
        emu_sm_tick(c, tk, now);
        refresh_connected(c, tk, now);
        const char *item = emu_task_list_item(tk);
        sms_buf_add(&b, shown++ ? "," : "");
        sms_buf_add(&b, item ? item : "{}");
    }
    emu_store_unlock(c->store);
    sms_buf_addf(&b, "],\"count\":%ld}", count);
    emu_resp_ok_or_oom(o, sms_buf_take(&b));
}

void emu_h_tasks_show(emu_ctx *c, emu_req *r, emu_resp *o)
{
    int64_t now = emu_now(c);
    char *json = NULL;
    emu_task *tk = lock_path_task(c, r, o);
    if (tk) {
        emu_sm_tick(c, tk, now);
        refresh_connected(c, tk, now);
        json = sms_to_json(&SMS_T_TASK, &tk->t);
    }
    emu_store_unlock(c->store);
    if (tk)                               /* else the 404 is written */
        emu_resp_ok_or_oom(o, json);
}

/* ---- POST /v3/tasks ------------------------------------------------------------------- */

static void fill_source_ref(sms_task_source *d, const sms_server *s)
{
    emu_set_str(&d->id, s->id);
    emu_set_str(&d->ip, s->ip);
    emu_set_str(&d->name, s->name);
    emu_set_str(&d->os_type, s->os_type);
    emu_set_str(&d->os_version, s->os_version);
    emu_set_str(&d->state, s->state);
    emu_set_str(&d->migration_cycle, s->migration_cycle);
    d->oem_system = s->oem_system;
}

/* ShowTask's TaskTargetServer lists the target's Btrfs file systems by name (strings);
 * the create request carried them as objects. */
static void name_btrfs(sms_task_target *tt)
{
    if (!tt->n_btrfs_fs || !(tt->btrfs_list = calloc(tt->n_btrfs_fs, sizeof *tt->btrfs_list)))
        return;
    for (size_t i = 0; i < tt->n_btrfs_fs; i++) {
        const sms_btrfs *b = &tt->btrfs_fs[i];
        const char *name = b->name ? b->name : b->device ? b->device : b->uuid;
        if (name && (tt->btrfs_list[tt->n_btrfs_list] = strdup(name)))
            tt->n_btrfs_list++;
    }
}

/* Builds the task record from the request, taking its strings and target layout. */
static void task_from_request(sms_task *t, sms_create_task *ct, const emu_server *sv, int64_t now)
{
    char id[37];
    emu_new_id(id);
    emu_set_str(&t->id, id);
    t->name = ct->name; ct->name = NULL;
    t->type = ct->type; ct->type = NULL;
    emu_set_str(&t->os_type, sv->s.os_type);
    emu_set_str(&t->state, "READY");
    t->region_id = ct->region_id; ct->region_id = NULL;
    t->region_name = ct->region_name; ct->region_name = NULL;
    t->project_id = ct->project_id; ct->project_id = NULL;
    t->project_name = ct->project_name; ct->project_name = NULL;
    t->migration_ip = ct->migration_ip; ct->migration_ip = NULL;
    t->vm_template_id = ct->vm_template_id; ct->vm_template_id = NULL;
    emu_set_str(&t->enterprise_project_id, sv->s.enterprise_project_id ? sv->s.enterprise_project_id : "0");
    emu_set_str(&t->log_collect_status, "INIT");
    t->create_date = now;
    t->priority = ct->priority;
    t->speed_limit = ct->speed_limit;
    t->syncing = ct->syncing;
    t->start_target_server = ct->start_target_server;
    t->use_public_ip = ct->use_public_ip;
    t->exist_server = ct->exist_server;
    t->need_migration_test = ct->need_migration_test;
    t->has_source_server = true;
    fill_source_ref(&t->source_server, &sv->s);
    t->has_target_server = true;
    t->target_server = ct->target_server;
    memset(&ct->target_server, 0, sizeof ct->target_server);
    name_btrfs(&t->target_server);
    ct->has_target_server = false;
    if (!t->target_server.vm_id) {                   /* the service creates the target VM */
        emu_new_id(id);
        emu_set_str(&t->target_server.vm_id, id);
    }
    emu_set_str(&t->target_server.id, t->target_server.vm_id);
}

static int check_create(const sms_create_task *ct, emu_resp *o)
{
    if (!str_eq(ct->type, "MIGRATE_FILE") && !str_eq(ct->type, "MIGRATE_BLOCK")) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: type: expected MIGRATE_FILE or MIGRATE_BLOCK");
        return -1;
    }
    if (!ct->has_source_server || !ct->source_server.id || !ct->has_target_server) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: source_server.id and target_server are required");
        return -1;
    }
    if (ct->exist_server && (!ct->target_server.vm_id || !*ct->target_server.vm_id)) {
        /* TargetServer.vm_id: needed to use an existing server, not when SMS creates one */
        emu_resp_error(o, 400, "SMS.6032", "target server ID (vm_id) missing: exist_server needs it");
        return -1;
    }
    if (ct->priority < 0 || ct->priority > 2 || ct->speed_limit < 0 || ct->speed_limit > 1000) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: priority 0-2, speed_limit 0-1000");
        return -1;
    }
    return 0;
}

void emu_h_tasks_create(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_create_task ct;
    if (emu_body_decode(r, o, &SMS_T_CREATE_TASK, &ct, EMU_LARGE_BODY, NULL) < 0)
        return;
    if (check_create(&ct, o) < 0) {
        sms_free(&SMS_T_CREATE_TASK, &ct);
        return;
    }
    int64_t now = emu_now(c);
    char id[37] = "";
    emu_store_lock(c->store);
    emu_server *sv = emu_store_server(c->store, ct.source_server.id, false);
    if (!sv)
        emu_resp_error(o, 400, "SMS.2216", "create task failed: source server %s not found", ct.source_server.id);
    else if (sv->task)
        emu_resp_error(o, 400, "SMS.2212", "source server %s already has a migration task %s",
                       sv->s.id, sv->task->t.id);
    else {
        sms_task t;
        memset(&t, 0, sizeof t);
        task_from_request(&t, &ct, sv, now);
        emu_task *tk = emu_store_add_task(c->store, sv, &t);
        sms_free(&SMS_T_TASK, &t);
        if (!tk)
            emu_resp_error(o, 500, "SMS.6301", "database write error");
        else {
            snprintf(id, sizeof id, "%s", tk->t.id);
            emu_sm_task_created(tk, now);
            if (!ct.auto_start || emu_sm_action(c, tk, "start", o) == 0) {
                cJSON *j = cJSON_CreateObject();
                cJSON_AddStringToObject(j, "id", id);
                emu_resp_json(o, 200, j);
            }
        }
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_CREATE_TASK, &ct);
}

/* ---- DELETE /v3/tasks/{id}, POST /v3/tasks/delete ------------------------------------------ */

static void delete_task(emu_ctx *c, emu_task *tk, int64_t now)
{
    emu_server *sv = tk->server;
    if (sv) {
        emu_server_queue(sv, "DELETE", tk->t.id, NULL, now);
        emu_store_remove_task(c->store, tk);
        emu_sm_task_detached(sv, now);
    } else
        emu_store_remove_task(c->store, tk);
}

void emu_h_tasks_delete(emu_ctx *c, emu_req *r, emu_resp *o)
{
    emu_task *tk = lock_path_task(c, r, o);
    if (tk && emu_sm_can_delete_task(c, tk, o) == 0) {
        delete_task(c, tk, emu_now(c));
        emu_resp_empty_ok(o);
    }
    emu_store_unlock(c->store);
}

void emu_h_tasks_batch_delete(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_ids ids;
    if (emu_body_decode(r, o, &SMS_T_IDS, &ids, EMU_LARGE_BODY, "ids") < 0)
        return;                                  /* an empty list too (the codec requires one) */
    emu_store_lock(c->store);
    size_t i;
    for (i = 0; i < ids.n_ids; i++) {          /* all or nothing: check first */
        emu_task *tk = emu_store_task(c->store, ids.ids[i]);
        if (!tk) {
            not_found(o, ids.ids[i]);
            break;
        }
        if (emu_sm_can_delete_task(c, tk, o) < 0)
            break;
    }
    if (i == ids.n_ids) {
        int64_t now = emu_now(c);
        for (i = 0; i < ids.n_ids; i++) {
            emu_task *tk = emu_store_task(c->store, ids.ids[i]);
            if (tk)
                delete_task(c, tk, now);
        }
        emu_resp_empty_ok(o);
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_IDS, &ids);
}

/* ---- POST /v3/tasks/{id}/action ---------------------------------------------------------- */

void emu_h_tasks_action(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_task_action a;
    if (emu_body_decode(r, o, &SMS_T_TASK_ACTION, &a, SMALL_BODY, NULL) < 0)
        return;
    if (!a.operation) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: operation: required");
        sms_free(&SMS_T_TASK_ACTION, &a);
        return;
    }
    emu_task *tk = lock_path_task(c, r, o);
    if (tk) {
        emu_sm_tick(c, tk, emu_now(c));
        if (emu_sm_action(c, tk, a.operation, o) == 0)
            emu_resp_empty_ok(o);
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_TASK_ACTION, &a);
}

/* ---- PUT /v3/tasks/{id}/progress --------------------------------------------------------- */

void emu_h_tasks_progress(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_progress p;
    if (emu_body_decode(r, o, &SMS_T_PROGRESS, &p, SMALL_BODY, NULL) < 0)
        return;
    if (p.progress < 0 || p.progress > 100 || p.replicatesize < 0 || p.totalsize < 0) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: progress 0-100, sizes >= 0");
        sms_free(&SMS_T_PROGRESS, &p);
        return;
    }
    int64_t now = emu_now(c);
    emu_task *tk = lock_path_task(c, r, o);
    if (tk) {
        if (tk->server)
            tk->server->last_seen_ms = now;
        if (emu_sm_progress(c, tk, &p, now, o) == 0)
            emu_resp_empty_ok(o);
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_PROGRESS, &p);
}

/* ---- speed limits ------------------------------------------------------------------------ */

/* "XX:XX" (SpeedLimitlJson). The help page's own examples write "0:00" and "24:00" (the
 * end of the day), so one-digit hours and 24:00 are read too. */
static bool hhmm_ok(const char *s)
{
    unsigned h, m;
    int used = 0;
    if (!s || (strlen(s) != 4 && strlen(s) != 5) || !isdigit((unsigned char)s[0]) ||
        sscanf(s, "%2u:%2u%n", &h, &m, &used) != 2 || s[used] != '\0' || s[used - 3] != ':')
        return false;
    return (h <= 23 && m <= 59) || (h == 24 && m == 0);
}

static int check_limits(const sms_speed_limits *l, emu_resp *o)
{
    for (size_t i = 0; i < l->n_speed_limit; i++) {
        const sms_speed_limit *s = &l->speed_limit[i];
        if (!hhmm_ok(s->start) || !hhmm_ok(s->end) || s->speed < 0 || s->speed > 1000 ||
            s->over_speed_threshold < 0) {
            emu_resp_error(o, 400, "SMS.0002", "invalid request body: speed_limit[%zu]: start/end HH:MM, "
                           "speed 0-1000, over_speed_threshold >= 0", i);
            return -1;
        }
    }
    return 0;
}

void emu_h_tasks_speed_get(emu_ctx *c, emu_req *r, emu_resp *o)
{
    char *json = NULL;
    emu_task *tk = lock_path_task(c, r, o);
    if (tk)
        json = sms_to_json(&SMS_T_SPEED_LIMITS, &tk->limits);
    emu_store_unlock(c->store);
    if (tk)                               /* else the 404 is written */
        emu_resp_ok_or_oom(o, json);
}

void emu_h_tasks_speed_set(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_speed_limits l;
    if (emu_body_decode(r, o, &SMS_T_SPEED_LIMITS, &l, SMALL_BODY, "speed_limit") < 0)
        return;
    if (check_limits(&l, o) < 0) {
        sms_free(&SMS_T_SPEED_LIMITS, &l);
        return;
    }
    emu_task *tk = lock_path_task(c, r, o);
    if (tk) {
        sms_free(&SMS_T_SPEED_LIMITS, &tk->limits);
        tk->limits = l;
        memset(&l, 0, sizeof l);
        emu_resp_empty_ok(o);
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_SPEED_LIMITS, &l);
}

/* ---- POST /v3/tasks/{id}/log ------------------------------------------------------------ */

void emu_h_tasks_log(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_collect_log l;
    if (emu_body_decode(r, o, &SMS_T_COLLECT_LOG, &l, SMALL_BODY, NULL) < 0)
        return;
    if (!l.log_bucket || !*l.log_bucket) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: log_bucket: required");
        sms_free(&SMS_T_COLLECT_LOG, &l);
        return;
    }
    emu_task *tk = lock_path_task(c, r, o);
    if (tk) {
        emu_sm_log_requested(tk, l.log_bucket, emu_now(c));
        emu_resp_empty_ok(o);
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_COLLECT_LOG, &l);
}

/* ---- consistency results ------------------------------------------------------------------ */

/* Served in the Python SDK's shape: one run in result_list (check_result is inferred). */
void emu_h_tasks_consistency_get(emu_ctx *c, emu_req *r, emu_resp *o)
{
    char *json = NULL;
    emu_task *tk = lock_path_task(c, r, o);
    if (tk) {
        sms_consistency_results *k = &tk->consistency;
        sms_consistency_check run = { .finished_time = k->finished_time, .check_result = (char *)"finished",
            .consistency_result = k->consistency_result, .n_consistency_result = k->n_consistency_result };
        sms_consistency_results out = { .task_id = tk->t.id, .result_list = &run,
                                        .n_result_list = k->n_consistency_result ? 1 : 0 };
        json = sms_to_json(&SMS_T_CONSISTENCY_RESULTS, &out);
    }
    emu_store_unlock(c->store);
    if (tk)                               /* else the 404 is written */
        emu_resp_ok_or_oom(o, json);
}

/* The agent's upload: {"consistency_result": [...], "finished_time": ms}. */
void emu_h_tasks_consistency_post(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_consistency_results res;
    if (emu_body_decode(r, o, &SMS_T_CONSISTENCY_UPLOAD, &res, EMU_LARGE_BODY, "consistency_result") < 0)
        return;
    emu_task *tk = lock_path_task(c, r, o);
    if (tk) {
        sms_free(&SMS_T_CONSISTENCY_RESULTS, &tk->consistency);
        tk->consistency = res;
        memset(&res, 0, sizeof res);
        if (!tk->consistency.finished_time)
            tk->consistency.finished_time = emu_now(c);
        if (tk->server) {
            tk->server->s.is_consistency_result_exist = tk->consistency.n_consistency_result > 0;
            emu_server_touch(tk->server);
        }
        emu_resp_empty_ok(o);
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &res);
}

static void csv_cell(sms_buf *b, const char *s, bool last)
{
    sms_buf_add(b, "\"");
    for (s = s ? s : ""; *s; s++)
        sms_buf_addn(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
    sms_buf_add(b, last ? "\"\n" : "\",");
}

/* The documented answer is the string "OK" (go ExportConsistencyResultsResponse); this
 * emulator answers with a small CSV file instead, as the service may, so that the
 * console's keeping of the answer is exercised (README, "Export"). */
static void export_answer(emu_resp *o, const sms_consistency_export *ex)
{
    sms_buf b = { 0 };
    sms_buf_add(&b, "task_id,source_id,source_name\n");
    for (size_t i = 0; i < ex->n_task_info; i++) {
        csv_cell(&b, ex->task_info[i].task_id, false);
        csv_cell(&b, ex->task_info[i].source_id, false);
        csv_cell(&b, ex->task_info[i].source_name, true);
    }
    char *text = sms_buf_take(&b);
    emu_resp_ok_or_oom(o, text);
    if (text) {
        o->content_type = "text/csv;charset=UTF-8";
        o->disposition = "attachment; filename=\"consistency-results.csv\"";
    }
}

void emu_h_tasks_export(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_consistency_export ex;
    if (emu_body_decode(r, o, &SMS_T_CONSISTENCY_EXPORT, &ex, EMU_LARGE_BODY, "task_info") < 0)
        return;
    if (ex.n_task_info < 1 || ex.n_task_info > 200) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: task_info: 1 to 200 items (got %zu)", ex.n_task_info);
        sms_free(&SMS_T_CONSISTENCY_EXPORT, &ex);
        return;
    }
    const char *missing = NULL;
    emu_store_lock(c->store);
    for (size_t i = 0; i < ex.n_task_info && !missing; i++)
        if (!ex.task_info[i].task_id || !emu_store_task(c->store, ex.task_info[i].task_id))
            missing = ex.task_info[i].task_id ? ex.task_info[i].task_id : "(none)";
    if (missing)
        not_found(o, missing);
    else
        export_answer(o, &ex);
    emu_store_unlock(c->store);
    sms_free(&SMS_T_CONSISTENCY_EXPORT, &ex);
}
