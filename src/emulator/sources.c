/* sources.c - /v3/sources, /v3/errors and the agent's command channel (docs/api-model.md §2,
 * §3.1-§3.3, §3.6, §3.7, §3.9). List items are encoded once and cached per server, so
 * paging through 10,000 servers costs a string join per page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/buf.h"
#include "emulator/emu.h"

#define SMALL_BODY EMU_BODY_LIMIT

/* ---- encoding ------------------------------------------------------------------------ */

/* A list item is the record without the detail-only arrays (§3.1 vs §3.2). The shallow
 * copy shares the record's strings and is never freed. */
char *emu_server_list_item(emu_ctx *c, emu_server *sv, int64_t now)
{
    bool connected = emu_server_connected(sv, now, emu_ctx_connect_window_ms(c));
    if (sv->list_json && sv->list_connected == connected)
        return sv->list_json;
    sms_server item = sv->s;
    item.connected = connected;
    item.disks = NULL; item.n_disks = 0;
    item.volume_groups = NULL; item.n_volume_groups = 0;
    item.btrfs_list = NULL; item.n_btrfs_list = 0;
    item.networks = NULL; item.n_networks = 0;
    item.agent_version = NULL;          /* ShowServer only (SDK: SourceServersResponseBody lacks it) */
    free(sv->list_json);
    sv->list_json = sms_to_json(&SMS_T_SERVER, &item);
    sv->list_connected = connected;
    return sv->list_json;
}

static bool str_eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* ---- GET /v3/sources ------------------------------------------------------------------ */

typedef struct server_filter {
    const char *state, *name, *id, *ip, *migration_cycle, *enterprise_project_id, *vm_id;
    int connected, consistency;
} server_filter;

static bool server_matches(emu_ctx *c, const emu_server *sv, const server_filter *f, int64_t now)
{
    const sms_server *s = &sv->s;
    if (sv->deleted)
        return false;
    if ((f->state && !str_eq(s->state, f->state)) || (f->name && !str_eq(s->name, f->name)) ||
        (f->id && !str_eq(s->id, f->id)) || (f->ip && !str_eq(s->ip, f->ip)) ||
        (f->migration_cycle && !str_eq(s->migration_cycle, f->migration_cycle)) ||
        (f->enterprise_project_id && !str_eq(s->enterprise_project_id, f->enterprise_project_id)))
        return false;
    if (f->vm_id && !(s->has_current_task && s->current_task.has_target_server &&
                      str_eq(s->current_task.target_server.vm_id, f->vm_id)))
        return false;
    if (f->consistency >= 0 && (int)s->is_consistency_result_exist != f->consistency)
        return false;
    if (f->connected >= 0 &&
        (int)emu_server_connected(sv, now, emu_ctx_connect_window_ms(c)) != f->connected)
        return false;
    return true;
}

static int read_server_filter(const emu_req *r, emu_resp *o, server_filter *f)
{
    f->state = emu_req_query(r, "state");
    f->name = emu_req_query(r, "name");
    f->id = emu_req_query(r, "id");
    f->ip = emu_req_query(r, "ip");
    f->migration_cycle = emu_req_query(r, "migration_cycle");
    f->enterprise_project_id = emu_req_query(r, "enterprise_project_id");
    f->vm_id = emu_req_query(r, "vm_id");
    if (emu_query_bool(r, o, "connected", &f->connected) < 0 ||
        emu_query_bool(r, o, "is_consistency_result_exist", &f->consistency) < 0)
        return -1;
    return 0;
}

void emu_h_sources_list(emu_ctx *c, emu_req *r, emu_resp *o)
{
    long limit, offset;
    server_filter f;
    if (emu_query_page(r, o, &limit, &offset) < 0 || read_server_filter(r, o, &f) < 0)
        return;
    if (r->count_claim)
        offset = 0;                                 /* fault count:N, a broken pager */
    sms_buf b = {0};
    sms_buf_add(&b, "{\"source_servers\":[");
    long count = 0, shown = 0;
    int64_t now = emu_now(c);
    emu_store_lock(c->store);
    for (size_t i = 0; i < emu_store_server_slots(c->store); i++) {
        emu_server *sv = emu_store_server_at(c->store, i);
        if (!server_matches(c, sv, &f, now))
            continue;
        if (count++ < offset || shown >= limit)
            continue;
        if (sv->task)
            emu_sm_tick(c, sv->task, now);
        const char *item = emu_server_list_item(c, sv, now);
        sms_buf_add(&b, shown++ ? "," : "");
        sms_buf_add(&b, item ? item : "{}");
    }
    emu_store_unlock(c->store);
    sms_buf_addf(&b, "],\"count\":%ld}", r->count_claim ? r->count_claim : count);
    emu_resp_ok_or_oom(o, sms_buf_take(&b));
}

/* ---- GET /v3/sources/{id} ------------------------------------------------------------- */

static bool id_ok(const char *id, emu_resp *o)
{
    size_t n = strlen(id);
    if (n >= 1 && n <= 36)
        return true;
    emu_resp_error(o, 400, "SMS.0002", "invalid id: 1 to 36 characters expected");
    return false;
}

void emu_h_sources_show(emu_ctx *c, emu_req *r, emu_resp *o)
{
    if (!id_ok(r->params[0], o))
        return;
    int64_t now = emu_now(c);
    emu_store_lock(c->store);
    emu_server *sv = emu_store_server(c->store, r->params[0], false);
    char *json = NULL;
    if (sv) {
        if (sv->task)
            emu_sm_tick(c, sv->task, now);
        sv->s.connected = emu_server_connected(sv, now, emu_ctx_connect_window_ms(c));
        json = sms_to_json(&SMS_T_SERVER, &sv->s);
    }
    emu_store_unlock(c->store);
    if (!sv)
        emu_resp_error(o, 404, "SMS.0412", "source server %s does not exist", r->params[0]);
    else
        emu_resp_ok_or_oom(o, json);
}

/* ---- GET /v3/sources/overview ---------------------------------------------------------- */

static const char *const overview_states[] = {
    "waiting", "replicate", "syncing", "stopped", "deleting", "cutovering", "unavailable",
    "stopping", "skipping", "finished", "initialize", "error", "cloning", "unconfigured",
};
#define N_OVERVIEW (sizeof overview_states / sizeof overview_states[0])

void emu_h_sources_overview(emu_ctx *c, emu_req *r, emu_resp *o)
{
    (void)r;
    long counts[N_OVERVIEW] = {0};
    int64_t now = emu_now(c);
    emu_store_lock(c->store);
    for (size_t i = 0; i < emu_store_server_slots(c->store); i++) {
        emu_server *sv = emu_store_server_at(c->store, i);
        if (sv->deleted)
            continue;
        if (sv->task)
            emu_sm_tick(c, sv->task, now);
        for (size_t k = 0; k < N_OVERVIEW; k++)
            if (str_eq(sv->s.state, overview_states[k]))
                counts[k]++;
    }
    emu_store_unlock(c->store);
    cJSON *j = cJSON_CreateObject();
    for (size_t k = 0; k < N_OVERVIEW; k++)     /* documented range 0-1000 */
        cJSON_AddNumberToObject(j, overview_states[k], (double)(counts[k] > 1000 ? 1000 : counts[k]));
    emu_resp_json(o, 200, j);
}

/* ---- GET /v3/errors ------------------------------------------------------------------- */

static cJSON *error_item(const emu_server *sv)
{
    cJSON *e = cJSON_CreateObject();
    const sms_task *t = sv->task ? &sv->task->t : NULL;
    cJSON_AddStringToObject(e, "error_json", t && t->error_json ? t->error_json : "");
    cJSON_AddStringToObject(e, "host_name", sv->s.hostname ? sv->s.hostname : "");
    cJSON_AddStringToObject(e, "name", sv->s.name ? sv->s.name : "");
    cJSON_AddStringToObject(e, "source_id", sv->s.id);
    cJSON_AddStringToObject(e, "source_ip", sv->s.ip ? sv->s.ip : "");
    cJSON_AddStringToObject(e, "target_ip", t && t->target_server.ip ? t->target_server.ip : "");
    return e;
}

void emu_h_sources_errors(emu_ctx *c, emu_req *r, emu_resp *o)
{
    long limit, offset;
    if (!emu_req_query(r, "offset")) {
        emu_resp_error(o, 400, "SMS.0002", "query parameter offset is required");
        return;
    }
    if (emu_query_int(r, o, "limit", 0, 100, 50, &limit) < 0 ||
        emu_query_int(r, o, "offset", 0, 65535, 0, &offset) < 0)
        return;
    if (limit == 0)
        limit = 50;
    cJSON *j = cJSON_CreateObject();
    cJSON *arr = cJSON_CreateArray();
    long count = 0;
    emu_store_lock(c->store);
    for (size_t i = 0; i < emu_store_server_slots(c->store); i++) {
        emu_server *sv = emu_store_server_at(c->store, i);
        if (sv->deleted || !str_eq(sv->s.state, "error"))
            continue;
        if (count++ >= offset && cJSON_GetArraySize(arr) < limit)
            cJSON_AddItemToArray(arr, error_item(sv));
    }
    emu_store_unlock(c->store);
    cJSON_AddNumberToObject(j, "count", (double)count);
    cJSON_AddItemToObject(j, "migration_errors", arr);
    emu_resp_json(o, 200, j);
}

/* ---- POST /v3/sources (register) -------------------------------------------------------- */

static int check_register(const sms_server *s, emu_resp *o)
{
    if (!str_eq(s->os_type, "LINUX") && !str_eq(s->os_type, "WINDOWS")) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: os_type: expected LINUX or WINDOWS");
        return -1;
    }
    if (!s->ip || !*s->ip) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: ip: required to register");
        return -1;
    }
    if (s->n_networks == 0 || !s->networks[0].mac || !*s->networks[0].mac) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: networks: at least one NIC, the first with a mac");
        return -1;
    }
    return 0;
}

static void swap_str(char **a, char **b)
{
    char *t = *a;
    *a = *b;
    *b = t;
}

/* Re-registration (known id): the agent's new inventory replaces the old one; the
 * service's own fields (id, state, cycle, task, dates, progress) move into it first. */
static void reregister(emu_server *sv, sms_server *rec, int64_t now)
{
    sms_server *s = &sv->s;
    swap_str(&rec->id, &s->id);
    swap_str(&rec->state, &s->state);
    swap_str(&rec->migration_cycle, &s->migration_cycle);
    swap_str(&rec->enterprise_project_id, &s->enterprise_project_id);
    swap_str(&rec->start_type, &s->start_type);
    sms_server_task task = rec->current_task;               /* registers carry none */
    rec->current_task = s->current_task;
    rec->has_current_task = s->has_current_task;
    s->current_task = task;
    s->has_current_task = false;
    rec->add_date = s->add_date;
    rec->state_action_time = s->state_action_time;
    rec->stage_action_time = s->stage_action_time;
    rec->last_visit_time = s->last_visit_time;
    rec->replicatesize = s->replicatesize;
    rec->totalsize = s->totalsize;
    rec->is_consistency_result_exist = s->is_consistency_result_exist;
    sms_free(&SMS_T_SERVER, s);
    *s = *rec;
    memset(rec, 0, sizeof *rec);
    sv->last_seen_ms = now;
    emu_server_touch(sv);
}

void emu_h_sources_register(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_server rec;
    if (emu_body_decode(r, o, &SMS_T_REGISTER, &rec, EMU_LARGE_BODY, NULL) < 0)
        return;
    if (check_register(&rec, o) < 0) {
        sms_free(&SMS_T_REGISTER, &rec);
        return;
    }
    int64_t now = emu_now(c);
    char id[37];
    emu_store_lock(c->store);
    emu_server *sv = rec.id ? emu_store_server(c->store, rec.id, false) : NULL;
    bool over_quota = !sv && emu_store_n_servers(c->store) >= c->max_servers;
    if (over_quota) {
        /* a registration flood: refused with the documented quota error, nothing stored */
        emu_store_unlock(c->store);
        sms_free(&SMS_T_REGISTER, &rec);
        emu_resp_error(o, 400, "SMS.6526", "insufficient quota: at most %zu source servers",
                       c->max_servers);
        return;
    }
    if (sv) {
        snprintf(id, sizeof id, "%s", sv->s.id);
        reregister(sv, &rec, now);
    } else {
        emu_new_id(id);
        emu_set_str(&rec.id, id);
        sv = emu_store_add_server(c->store, &rec);
        if (sv)
            emu_sm_registered(sv, now);
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_REGISTER, &rec);
    if (!sv) {
        emu_resp_error(o, 500, "SMS.6301", "database write error");
        return;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "id", id);
    emu_resp_json(o, 200, j);
}

/* ---- PUT /v3/sources/{id} ------------------------------------------------------------- */

void emu_h_sources_rename(emu_ctx *c, emu_req *r, emu_resp *o)
{
    cJSON *j = emu_body_json(r, o, SMALL_BODY);
    if (!j)
        return;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
    if (!cJSON_IsString(name) || !*name->valuestring || strlen(name->valuestring) > 255 ||
        !emu_utf8_valid(name->valuestring)) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: name: expected a string of 1 to 255 characters");
        cJSON_Delete(j);
        return;
    }
    emu_store_lock(c->store);
    emu_server *sv = emu_store_server(c->store, r->params[0], false);
    if (sv) {
        emu_set_str(&sv->s.name, name->valuestring);
        emu_server_touch(sv);
        if (sv->task) {
            emu_set_str(&sv->task->t.source_server.name, name->valuestring);
            emu_task_touch(sv->task);
        }
    }
    emu_store_unlock(c->store);
    cJSON_Delete(j);
    if (!sv)
        emu_resp_error(o, 404, "SMS.0412", "source server %s does not exist", r->params[0]);
    else
        emu_resp_empty_ok(o);
}

/* ---- DELETE /v3/sources/{id}, POST /v3/sources/delete --------------------------------------- */

/* Deletion is immediate for the API; the agent still gets DELETE and, when it reports the
 * result, the record is dropped for good (at once when the agent is not connected). */
static void delete_server(emu_ctx *c, emu_server *sv, int64_t now)
{
    emu_task *tk = sv->task;
    emu_server_queue(sv, "DELETE", tk ? tk->t.id : NULL, NULL, now);
    if (tk)
        emu_store_remove_task(c->store, tk);
    bool connected = emu_server_connected(sv, now, emu_ctx_connect_window_ms(c));
    emu_store_mark_deleted(c->store, sv);
    if (!connected)
        emu_store_remove_server(c->store, sv);
}

static bool server_busy(const emu_server *sv)
{
    const char *st = sv->task ? sv->task->t.state : NULL;
    return str_eq(st, "RUNNING") || str_eq(st, "ABORTING") || str_eq(st, "SYNCING") ||
           str_eq(st, "SKIPPING");
}

void emu_h_sources_delete(emu_ctx *c, emu_req *r, emu_resp *o)
{
    emu_store_lock(c->store);
    emu_server *sv = emu_store_server(c->store, r->params[0], false);
    if (!sv)
        emu_resp_error(o, 404, "SMS.0412", "source server %s does not exist", r->params[0]);
    else if (server_busy(sv))
        emu_resp_error(o, 400, "SMS.2015", "cannot delete a server whose task is running or stopping; stop it first");
    else {
        delete_server(c, sv, emu_now(c));
        emu_resp_empty_ok(o);
    }
    emu_store_unlock(c->store);
}

void emu_h_sources_batch_delete(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_ids ids;
    if (emu_body_decode(r, o, &SMS_T_IDS, &ids, EMU_LARGE_BODY, "ids") < 0)
        return;                                  /* an empty list too (the codec requires one) */
    emu_store_lock(c->store);
    size_t i;
    for (i = 0; i < ids.n_ids; i++) {          /* all or nothing: check first */
        emu_server *sv = emu_store_server(c->store, ids.ids[i], false);
        if (!sv) {
            emu_resp_error(o, 404, "SMS.0412", "source server %s does not exist", ids.ids[i]);
            break;
        }
        if (server_busy(sv)) {
            emu_resp_error(o, 400, "SMS.2015", "source server %s has a running or stopping task", ids.ids[i]);
            break;
        }
    }
    if (i == ids.n_ids) {
        int64_t now = emu_now(c);
        for (i = 0; i < ids.n_ids; i++) {
            emu_server *sv = emu_store_server(c->store, ids.ids[i], false);
            if (sv)                           /* duplicates in ids are harmless */
                delete_server(c, sv, now);
        }
        emu_resp_empty_ok(o);
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_IDS, &ids);
}

/* ---- the agent's command channel --------------------------------------------------------- */

/* last_visit_time is the last change of connectivity (docs/api-model.md §3.1), so it moves
 * only when a silent agent comes back. */
static void agent_seen(emu_ctx *c, emu_server *sv, int64_t now)
{
    bool was = emu_server_connected(sv, now, emu_ctx_connect_window_ms(c));
    sv->last_seen_ms = now;
    if (!was) {
        sv->s.last_visit_time = now;
        emu_server_touch(sv);
    }
}

static cJSON *command_json(const emu_command *cmd)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "command_name", cmd->name);
    cJSON *p = cJSON_AddObjectToObject(j, "command_param");
    cJSON_AddStringToObject(p, "task_id", cmd->task_id ? cmd->task_id : "");
    if (cmd->bucket)
        cJSON_AddStringToObject(p, "bucket", cmd->bucket);
    return j;
}

/* With nothing pending the answer says where the task stands, in the current GET-command
 * values (ShowCommand: TASK_NOT_STARTED, TASK_HAS_STOPPED, TASK_HAS_FINISHED); a running
 * task, or none, gets {} (the reference leaves it open). */
static cJSON *idle_command_json(const emu_server *sv)
{
    const char *state = sv->task ? sv->task->t.state : NULL, *name = NULL;
    if (str_eq(state, "READY"))
        name = "TASK_NOT_STARTED";
    else if (str_eq(state, "ABORT"))
        name = "TASK_HAS_STOPPED";
    else if (str_eq(state, "MIGRATE_SUCCESS") || str_eq(state, "SYNC_SUCCESS"))
        name = "TASK_HAS_FINISHED";
    if (!name)
        return cJSON_CreateObject();
    emu_command idle = { .name = (char *)name, .task_id = sv->task->t.id };
    return command_json(&idle);
}

void emu_h_sources_command(emu_ctx *c, emu_req *r, emu_resp *o)
{
    int64_t now = emu_now(c);
    cJSON *j = NULL;
    emu_store_lock(c->store);
    emu_server *sv = emu_store_server(c->store, r->params[0], true);
    if (sv) {
        agent_seen(c, sv, now);
        emu_command cmd;
        j = emu_server_deliver(sv, &cmd, now) ? command_json(&cmd) : idle_command_json(sv);
    }
    emu_store_unlock(c->store);
    if (!sv)
        emu_resp_error(o, 404, "SMS.0412", "source server %s does not exist", r->params[0]);
    else
        emu_resp_json(o, 200, j);
}

static bool known_command(const char *name)
{
    static const char *const names[] = {"START", "STOP", "DELETE", "SYNC", "UPLOAD_LOG", "RSET_LOG_ACL"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (str_eq(name, names[i]))
            return true;
    return false;
}

void emu_h_sources_command_result(emu_ctx *c, emu_req *r, emu_resp *o)
{
    sms_command_result cr;
    if (emu_body_decode(r, o, &SMS_T_COMMAND_RESULT, &cr, SMALL_BODY, NULL) < 0)
        return;
    if (!known_command(cr.command_name) || !(str_eq(cr.result, "success") || str_eq(cr.result, "fail"))) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: command_name must be START, STOP, DELETE, "
                       "SYNC, UPLOAD_LOG or RSET_LOG_ACL and result success or fail");
        sms_free(&SMS_T_COMMAND_RESULT, &cr);
        return;
    }
    emu_store_lock(c->store);
    emu_server *sv = emu_store_server(c->store, r->params[0], true);
    if (!sv)
        emu_resp_error(o, 404, "SMS.0412", "source server %s does not exist", r->params[0]);
    else {
        agent_seen(c, sv, emu_now(c));
        if (emu_sm_command_result(c, sv, &cr, o) == 0) {
            if (sv->deleted && str_eq(cr.command_name, "DELETE") && str_eq(cr.result, "success"))
                emu_store_remove_server(c->store, sv);
            emu_resp_empty_ok(o);
        }
    }
    emu_store_unlock(c->store);
    sms_free(&SMS_T_COMMAND_RESULT, &cr);
}
