/* poller_actions.c - the action worker: operator actions queued by sms_poller_submit()
 * run one by one on the worker's own client and land in the command history.
 * A mutating call is never retried here (the client sends it at most once). */
#include "api/poller_internal.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "api/export_report.h"
#include "api/snapshot.h"
#include "model/taskrules.h"
#include "model/text.h"

/* ---- jobs ----------------------------------------------------------------- */

void sms_job_free(sms_job *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++)
        free(j->server_ids[i]);
    free(j->server_ids);
    free(j->entry_ids);
    free(j->bucket);
    sms_free(&SMS_T_SPEED_LIMITS, &j->limits);
    free(j);
}

static bool request_is_valid(const sms_action_req *r)
{
    if (!r || (unsigned)r->kind >= SMS_ACT__COUNT || !r->server_ids || r->n_server_ids == 0)
        return false;
    for (size_t i = 0; i < r->n_server_ids; i++)
        if (!r->server_ids[i] || !r->server_ids[i][0])
            return false;
    if (r->kind == SMS_ACT_UPLOAD_LOG && (!r->bucket || !r->bucket[0]))
        return false;
    return r->kind != SMS_ACT_SPEED_LIMIT || r->limits;
}

static sms_job *job_new(const sms_action_req *r)
{
    sms_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->kind = r->kind;
    j->server_ids = calloc(r->n_server_ids, sizeof *j->server_ids);
    j->entry_ids = calloc(r->n_server_ids, sizeof *j->entry_ids);
    if (!j->server_ids || !j->entry_ids)
        goto fail;
    for (; j->n < r->n_server_ids; j->n++)
        if (!(j->server_ids[j->n] = strdup(r->server_ids[j->n])))
            goto fail;
    if (r->bucket && !(j->bucket = strdup(r->bucket)))
        goto fail;
    if (r->limits && sms_copy(&SMS_T_SPEED_LIMITS, &j->limits, r->limits))
        goto fail;
    return j;
fail:
    sms_job_free(j);
    return NULL;
}

/* ---- history entries ------------------------------------------------------ */

static const char *server_name_locked(sms_poller *p, const char *id)
{
    if (p->detail && p->detail->server_id && strcmp(p->detail->server_id, id) == 0)
        return p->detail->server.name;
    for (size_t i = 0; p->fleet && i < p->fleet->n_servers; i++)
        if (p->fleet->servers[i].id && strcmp(p->fleet->servers[i].id, id) == 0)
            return p->fleet->servers[i].name;
    return NULL;
}

/* A new entry for one server of a request: PENDING, or FAILED at once in read-only mode. */
static uint64_t add_entry_locked(sms_poller *p, sms_action_kind kind, const char *server_id)
{
    static char readonly_msg[] = "read-only mode: nothing was sent";
    char *clean_id = sms_sanitize_dup(server_id);
    if (!clean_id)
        return 0;
    sms_history_entry e = {
        .at_ms = sms_clock_wall_ms(), .user = p->user, .context = p->context, .action = kind,
        .server_id = clean_id, .server_name = (char *)server_name_locked(p, server_id),
        .outcome = SMS_OUT_PENDING,
    };
    if (p->readonly) {
        e.outcome = SMS_OUT_FAILED;
        e.done_ms = e.at_ms;
        e.error.kind = SMS_E_READONLY;
        e.error.message = readonly_msg;
    }
    sms_history_entry *stored = sms_history_log_add(&p->hist, &e);
    free(clean_id);
    if (!stored)
        return 0;
    uint64_t id = stored->id;
    sms_poller_history_changed_locked(p, stored);
    return id;
}

uint64_t sms_poller_submit(sms_poller *p, const sms_action_req *req)
{
    if (!request_is_valid(req))
        return 0;
    sms_job *j = job_new(req);
    if (!j)
        return 0;
    uint64_t first = 0;
    pthread_mutex_lock(&p->mu);
    for (size_t i = 0; i < j->n; i++) {
        j->entry_ids[i] = add_entry_locked(p, j->kind, j->server_ids[i]);
        if (req->entry_ids)
            req->entry_ids[i] = j->entry_ids[i];
        if (!first)
            first = j->entry_ids[i];
    }
    if (p->readonly || p->stopping || !first) {   /* nothing to send */
        sms_job_free(j);
    } else {
        if (p->jobs_tail)
            p->jobs_tail->next = j;
        else
            p->jobs_head = j;
        p->jobs_tail = j;
        pthread_cond_signal(&p->act_cv);
    }
    sms_poller_publish_locked(p);
    pthread_mutex_unlock(&p->mu);
    return first;
}

static sms_outcome outcome_of(int rc, const sms_call_error *e)
{
    if (rc == 0)
        return SMS_OUT_OK;
    return e->outcome_unknown ? SMS_OUT_UNKNOWN : SMS_OUT_FAILED;
}

/* What the server told us about itself before the action (task to act on, its name). */
typedef struct target {
    const char *task_id, *name;
} target;

static void finish_entry_locked(sms_poller *p, uint64_t id, int rc, const sms_call_error *e,
                                const target *t)
{
    sms_history_entry *entry = id ? sms_history_log_find(&p->hist, id) : NULL;
    if (!entry)
        return;
    entry->outcome = outcome_of(rc, e);
    entry->done_ms = sms_clock_wall_ms();
    sms_call_error_free(&entry->error);
    if (rc != 0 && sms_call_error_copy(&entry->error, e) == 0)
        sms_call_error_sanitize(&entry->error);
    if (t && t->task_id && !entry->task_id)
        entry->task_id = sms_sanitize_dup(t->task_id);
    if (t && t->name && !entry->server_name)
        entry->server_name = sms_sanitize_dup(t->name);
    bool observe = entry->error.kind != SMS_E_READONLY && entry->action != SMS_ACT_EXPORT;
    /* an accepted action (or one that may have been applied) is followed until the server
     * gets where it leads; a refused one changed nothing: its first observation says so */
    entry->following = observe && entry->outcome != SMS_OUT_FAILED;
    if (p->selected && entry->server_id && strcmp(p->selected, entry->server_id) == 0)
        p->detail_requested = true;
    sms_poller_history_changed_locked(p, entry);       /* entry may move: not used after */
    if (observe)
        sms_poller_await_state_locked(p, id);
    /* fetch the server again soon, to show (and record) what the action did */
    p->refresh_requested = true;
    pthread_cond_signal(&p->poll_cv);
    sms_poller_publish_locked(p);
}

static void finish_entry(sms_poller *p, uint64_t id, int rc, const sms_call_error *e,
                         const target *t)
{
    pthread_mutex_lock(&p->mu);
    finish_entry_locked(p, id, rc, e, t);
    pthread_mutex_unlock(&p->mu);
}

/* ---- running actions ------------------------------------------------------ */

static void set_error(sms_call_error *e, sms_error_kind kind, const char *msg)
{
    sms_call_error_free(e);
    e->kind = kind;
    e->message = strdup(msg);
}

/* Show the server now (not from the last poll: the task may have changed or gone since)
 * and find the task to act on. */
static int resolve_target(sms_poller *p, const char *server_id, sms_server *srv, target *t,
                          sms_call_error *e)
{
    if (sms_show_server(p->act_client, server_id, srv, e))
        return -1;
    t->name = srv->name;
    if (!srv->has_current_task || !srv->current_task.id || !srv->current_task.id[0]) {
        set_error(e, SMS_E_INVALID, "the server has no migration task: configure its target first");
        return -1;
    }
    t->task_id = srv->current_task.id;
    return 0;
}

/* Each kind: the official operation it sends (task actions) and the rule of
 * model/taskrules.h that says when the API allows it. */
static const struct {
    const char *operation, *rule;
} kinds[SMS_ACT__COUNT] = {
    [SMS_ACT_START] = { "start", "start" },
    [SMS_ACT_STOP] = { "stop", "stop" },
    [SMS_ACT_RESTART] = { "restart", "restart" },
    [SMS_ACT_LAUNCH] = { "test", "test" },
    [SMS_ACT_CLONE_TEST] = { "clone_test", "clone_test" },
    [SMS_ACT_NETWORK_CHECK] = { "network_check", "network_check" },
    [SMS_ACT_SKIP] = { "skip", "skip" },
    [SMS_ACT_CLEAR] = { "clear", "clear" },
    [SMS_ACT_MIGRATION_TEST] = { "migration_test", "migration_test" },
    [SMS_ACT_DELETE] = { NULL, "delete_server" },
    [SMS_ACT_DELETE_TASK] = { NULL, "delete_task" },
    [SMS_ACT_UPLOAD_LOG] = { NULL, "upload_log" },
    [SMS_ACT_SPEED_LIMIT] = { NULL, "speed_limit" },
    [SMS_ACT_EXPORT] = { NULL, "export" },
};

const char *sms_action_operation(sms_action_kind k)
{
    return (unsigned)k < SMS_ACT__COUNT ? kinds[k].operation : NULL;
}

const char *sms_action_refusal(sms_action_kind k, const sms_server *s, char *buf, size_t len)
{
    if ((unsigned)k >= SMS_ACT__COUNT || !s)
        return NULL;
    bool has_task = s->has_current_task && s->current_task.id && s->current_task.id[0];
    sms_state_facts f = { .has_task = has_task, .task_state = has_task ? s->current_task.state : NULL,
                          .server_state = s->state, .connected = s->connected };
    return sms_state_rule_refusal(sms_state_rule_find(kinds[k].rule), &f, buf, len);
}

static int perform(sms_poller *p, const sms_job *j, const char *server_id, const target *t,
                   sms_call_error *e)
{
    sms_client *c = p->act_client;
    switch (j->kind) {
    case SMS_ACT_DELETE:
        return sms_delete_server(c, server_id, e);
    case SMS_ACT_DELETE_TASK:
        return sms_delete_task(c, t->task_id, e);
    case SMS_ACT_UPLOAD_LOG:
        return sms_task_upload_log(c, t->task_id, j->bucket, e);
    case SMS_ACT_SPEED_LIMIT:
        return sms_set_speed_limits(c, t->task_id, &j->limits, e);
    default: {
        const char *op = sms_action_operation(j->kind);
        if (!op) {
            set_error(e, SMS_E_INVALID, "action not supported for one server");
            return -1;
        }
        return sms_task_do_action(c, t->task_id, op, e);
    }
    }
}

static void run_one(sms_poller *p, const sms_job *j, size_t i)
{
    const char *server_id = j->server_ids[i];
    sms_server srv = {0};
    target t = {0};
    sms_call_error e = {0};
    int rc = 0;
    if (j->kind != SMS_ACT_DELETE)                  /* DELETE acts on the server itself */
        rc = resolve_target(p, server_id, &srv, &t, &e);
    if (rc == 0)
        rc = perform(p, j, server_id, &t, &e);
    finish_entry(p, j->entry_ids[i], rc, &e, &t);
    sms_call_error_free(&e);
    sms_free(&SMS_T_SERVER, &srv);
}

/* An entry's state_after, for what the server does not show (the export's report). */
static void set_state_after(sms_poller *p, uint64_t id, const char *text)
{
    pthread_mutex_lock(&p->mu);
    sms_history_entry *e = sms_history_log_find(&p->hist, id);
    char *copy = e ? strdup(text) : NULL;
    if (copy) {
        free(e->state_after);
        e->state_after = copy;
        sms_poller_history_changed_locked(p, e);
        sms_poller_publish_locked(p);
    }
    pthread_mutex_unlock(&p->mu);
}

/* The report of an accepted export: each task's consistency results, read back, in
 * <base>.csv and .json (base: the operator's `:export FILE`, else the data folder). */
static void write_report(sms_poller *p, const sms_job *j, const sms_consistency_task *tasks, size_t n)
{
    sms_export_item *items = calloc(n ? n : 1, sizeof *items);
    sms_call_error *errs = calloc(n ? n : 1, sizeof *errs);
    char base[1024], msg[1200];
    size_t len;
    if (j->bucket && j->bucket[0])
        snprintf(base, sizeof base, "%s", j->bucket);
    else if (sms_export_default_base(base, sizeof base, sms_clock_wall_ms()))
        snprintf(base, sizeof base, "smsconsole-export");
    if ((len = strlen(base)) > 4 && (strcmp(base + len - 4, ".csv") == 0 || strcmp(base + len - 5, ".json") == 0))
        base[strcmp(base + len - 4, ".csv") == 0 ? len - 4 : len - 5] = '\0';
    char (*summaries)[200] = calloc(n ? n : 1, sizeof *summaries);
    if (!summaries) {
        free(items);
        items = NULL;
    }
    for (size_t i = 0; items && errs && i < n; i++) {
        items[i].task = tasks[i];
        if (sms_get_consistency(p->act_client, tasks[i].task_id, &items[i].results, &errs[i])) {
            sms_call_error_summary(&errs[i], summaries[i], sizeof summaries[i]);
            items[i].error = summaries[i];
        }
    }
    int rc = items && errs ? sms_export_report_write(base, items, n, msg, sizeof msg) : -1;
    char text[1300];
    snprintf(text, sizeof text, rc == 0 ? "report: %s" : "no report: %s", items && errs ? msg : "out of memory");
    for (size_t i = 0; i < j->n; i++)
        set_state_after(p, j->entry_ids[i], text);
    for (size_t i = 0; items && errs && i < n; i++) {
        sms_free(&SMS_T_CONSISTENCY_RESULTS, &items[i].results);
        sms_call_error_free(&errs[i]);
    }
    free(items);
    free(errs);
    free(summaries);
}

/* One export call for every server whose task could be found. */
static void run_export(sms_poller *p, const sms_job *j)
{
    sms_server *srv = calloc(j->n, sizeof *srv);
    target *t = calloc(j->n, sizeof *t);
    sms_consistency_task *items = calloc(j->n, sizeof *items);
    bool *resolved = calloc(j->n, sizeof *resolved);
    sms_call_error e = {0};
    size_t n_items = 0;
    if (!srv || !t || !items || !resolved) {
        set_error(&e, SMS_E_INVALID, "out of memory");
        for (size_t i = 0; i < j->n; i++)
            finish_entry(p, j->entry_ids[i], -1, &e, NULL);
        goto out;
    }
    for (size_t i = 0; i < j->n; i++) {
        if (resolve_target(p, j->server_ids[i], &srv[i], &t[i], &e)) {
            finish_entry(p, j->entry_ids[i], -1, &e, &t[i]);
            sms_call_error_free(&e);
            continue;
        }
        resolved[i] = true;
        items[n_items++] = (sms_consistency_task){ .task_id = (char *)t[i].task_id,
            .source_id = j->server_ids[i], .source_name = srv[i].name };
    }
    int rc = n_items ? sms_export_consistency(p->act_client, items, n_items, &e) : 0;
    for (size_t i = 0; i < j->n; i++)
        if (resolved[i])
            finish_entry(p, j->entry_ids[i], rc, &e, &t[i]);
    if (n_items && rc == 0)
        write_report(p, j, items, n_items);
out:
    sms_call_error_free(&e);
    for (size_t i = 0; srv && i < j->n; i++)
        sms_free(&SMS_T_SERVER, &srv[i]);
    free(srv);
    free(t);
    free(items);
    free(resolved);
}

static void run_job(sms_poller *p, const sms_job *j)
{
    if (j->kind == SMS_ACT_EXPORT) {
        run_export(p, j);
        return;
    }
    for (size_t i = 0; i < j->n; i++) {
        pthread_mutex_lock(&p->mu);
        bool stopping = p->stopping;
        pthread_mutex_unlock(&p->mu);
        if (stopping)
            return;                     /* the rest is marked "not sent" by the caller */
        run_one(p, j, i);
    }
}

/* Entries of a job that never ran: FAILED, nothing was sent. */
static void abandon_job_locked(sms_poller *p, const sms_job *j)
{
    sms_call_error e = { .kind = SMS_E_CANCELLED,
                         .message = (char *)"not sent: the console stopped first" };
    for (size_t i = 0; i < j->n; i++) {
        sms_history_entry *entry = sms_history_log_find(&p->hist, j->entry_ids[i]);
        if (entry && entry->outcome == SMS_OUT_PENDING)
            finish_entry_locked(p, j->entry_ids[i], -1, &e, NULL);
    }
}

void *sms_poller_action_main(void *arg)
{
    sms_poller *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stopping && !p->jobs_head)
            pthread_cond_wait(&p->act_cv, &p->mu);
        if (p->stopping)
            break;
        sms_job *j = p->jobs_head;
        p->jobs_head = j->next;
        if (!p->jobs_head)
            p->jobs_tail = NULL;
        pthread_mutex_unlock(&p->mu);
        run_job(p, j);
        pthread_mutex_lock(&p->mu);
        abandon_job_locked(p, j);       /* only entries still PENDING (stopped midway) */
        sms_job_free(j);
    }
    while (p->jobs_head) {
        sms_job *j = p->jobs_head;
        p->jobs_head = j->next;
        abandon_job_locked(p, j);
        sms_job_free(j);
    }
    p->jobs_tail = NULL;
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- read-only refusals ------------------------------------------------------ */

/* The body the action would send, for the audit line's arguments (NULL when none). */
static char *refused_body(const sms_action_req *r)
{
    cJSON *o = NULL;
    const char *op = sms_action_operation(r->kind);
    if (r->kind == SMS_ACT_SPEED_LIMIT && r->limits) {
        o = sms_encode(&SMS_T_SPEED_LIMITS, r->limits);
    } else if (r->kind == SMS_ACT_UPLOAD_LOG && r->bucket) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "log_bucket", r->bucket);
    } else if (op) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "operation", op);
    }
    char *body = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return body;
}

void sms_poller_audit_refused(sms_poller *p, const sms_action_req *r)
{
    if (!p || !r || (unsigned)r->kind >= SMS_ACT__COUNT)
        return;
    char *body = refused_body(r);
    for (size_t i = 0; i < r->n_server_ids; i++)      /* the client's audit file only: no request */
        sms_client_audit_refused(p->act_client, sms_action_name(r->kind), r->server_ids[i], body);
    free(body);
}
