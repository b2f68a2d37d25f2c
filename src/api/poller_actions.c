/* poller_actions.c - the action worker: operator actions queued by sms_poller_submit()
 * run one by one on the worker's own client and land in the command history.
 * A mutating call is never retried here (the client sends it at most once). */
#include "api/poller_internal.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "api/buf.h"
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

/* A new entry: PENDING, or FAILED at once in read-only mode. One server's (server_id), or
 * an export's for all its n_servers (server_id NULL when more than one). */
static uint64_t add_entry_locked(sms_poller *p, sms_action_kind kind, const char *server_id, size_t n_servers)
{
    static char readonly_msg[] = "read-only mode: nothing was sent";
    char *clean_id = server_id ? sms_sanitize_dup(server_id) : NULL;
    char group[48];
    if (server_id && !clean_id)
        return 0;
    snprintf(group, sizeof group, "%zu servers", n_servers);
    sms_history_entry e = {
        .at_ms = sms_clock_wall_ms(), .user = p->user, .context = p->context, .action = kind,
        .server_id = clean_id, .server_name = server_id ? (char *)server_name_locked(p, server_id) : group,
        .outcome = SMS_OUT_PENDING,
    };
    if (kind == SMS_ACT_EXPORT) {
        e.has_counts = true;
        e.counts.servers = (uint32_t)n_servers;
    }
    if (p->readonly) {
        e.outcome = SMS_OUT_FAILED;
        e.done_ms = e.at_ms;
        e.error.kind = SMS_E_READONLY;
        e.error.message = readonly_msg;
        e.counts.refused = e.counts.servers;
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
    /* an export is one request (or a few) for all its servers: one entry */
    size_t n_entries = j->kind == SMS_ACT_EXPORT ? 1 : j->n;
    for (size_t i = 0; i < n_entries; i++) {
        j->entry_ids[i] = j->kind == SMS_ACT_EXPORT
                              ? add_entry_locked(p, j->kind, j->n == 1 ? j->server_ids[0] : NULL, j->n)
                              : add_entry_locked(p, j->kind, j->server_ids[i], 1);
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

/* ---- export: one entry for all its servers ------------------------------------ */

#define EXPORT_DETAIL_LINES 200     /* servers listed by name in an entry's detail */

typedef struct export_run {
    sms_poller *p;
    const sms_job *j;
    sms_server *srv;                /* each server as shown before the export */
    sms_consistency_task *items;    /* the tasks sent, in order */
    size_t *server_of;              /* items[k] is the task of server server_of[k] */
    bool *accepted;                 /* per item */
    size_t n_items;
    sms_entry_counts counts;
    sms_call_error first;           /* the first error, shown with the entry */
    sms_buf detail;                 /* servers not accepted */
    size_t detail_lines;
    sms_buf answers;                /* files holding the API's answers, or why not */
} export_run;

/* One server's verdict: counted, and listed in the detail when it was not accepted. */
static void export_note(export_run *r, size_t server, sms_verdict v, const sms_call_error *e, const char *prefix)
{
    uint32_t *slot[] = { [SMS_V_ACCEPTED] = &r->counts.accepted, [SMS_V_REFUSED] = &r->counts.refused,
                         [SMS_V_FAILED] = &r->counts.failed, [SMS_V_UNKNOWN] = &r->counts.unknown };
    (*slot[v])++;
    if (v == SMS_V_ACCEPTED || !e)
        return;
    if (r->first.kind == SMS_E_NONE && sms_call_error_copy(&r->first, e) == 0)
        sms_call_error_sanitize(&r->first);
    if (r->detail_lines++ == EXPORT_DETAIL_LINES) {
        sms_buf_add(&r->detail, "\n... (more servers not accepted: see the counts)");
        return;
    }
    if (r->detail_lines > EXPORT_DETAIL_LINES)
        return;
    sms_call_error copy = { 0 };
    char summary[240];
    if (sms_call_error_copy(&copy, e) == 0)
        sms_call_error_sanitize(&copy);
    sms_call_error_summary(&copy, summary, sizeof summary);
    sms_call_error_free(&copy);
    const char *name = r->srv[server].name ? r->srv[server].name : r->j->server_ids[server];
    char *clean = sms_sanitize_dup(name ? name : "?");
    sms_buf_addf(&r->detail, "%s%s  %s  %s%s", r->detail.len ? "\n" : "", clean ? clean : "?", sms_verdict_label(v),
                 prefix, summary);
    free(clean);
}

static bool stopping_now(sms_poller *p)
{
    pthread_mutex_lock(&p->mu);
    bool stopping = p->stopping;
    pthread_mutex_unlock(&p->mu);
    return stopping;
}

/* The report's base path: the operator's `:export FILE` (without .csv/.json), else
 * $XDG_DATA_HOME/smsconsole/exports/export-<time>. */
static void export_base(const sms_job *j, char *base, size_t len)
{
    size_t n;
    if (j->bucket && j->bucket[0])
        snprintf(base, len, "%s", j->bucket);
    else if (sms_export_default_base(base, len, sms_clock_wall_ms()))
        snprintf(base, len, "smsconsole-export");
    if ((n = strlen(base)) > 4 && strcmp(base + n - 4, ".csv") == 0)
        base[n - 4] = '\0';
    else if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        base[n - 5] = '\0';
}

/* Resolve every server's task; a server without one is refused here, nothing sent. */
static void export_resolve(export_run *r)
{
    sms_call_error e = { 0 };
    for (size_t i = 0; i < r->j->n; i++) {
        target t = { 0 };
        if (stopping_now(r->p)) {
            sms_call_error stop = { .kind = SMS_E_CANCELLED, .message = (char *)"not sent: the console stopped first" };
            export_note(r, i, SMS_V_FAILED, &stop, "");
            continue;
        }
        if (resolve_target(r->p, r->j->server_ids[i], &r->srv[i], &t, &e)) {
            export_note(r, i, sms_call_verdict(&e) == SMS_V_UNKNOWN ? SMS_V_FAILED : sms_call_verdict(&e), &e, "");
            sms_call_error_free(&e);
            continue;
        }
        r->server_of[r->n_items] = i;
        r->items[r->n_items++] = (sms_consistency_task){ .task_id = (char *)t.task_id,
            .source_id = r->j->server_ids[i], .source_name = r->srv[i].name };
    }
}

/* The API's answer to one request, kept when it is more than "OK". */
static void export_keep_answer(export_run *r, const char *base, unsigned batch, const sms_response *resp)
{
    if (!resp->body || sms_export_response_is_trivial(resp->body, resp->body_len))
        return;
    char path[1200];
    sms_export_response_save(base, batch, resp->body, resp->body_len, path, sizeof path);
    char *clean = sms_sanitize_dup(path);
    sms_buf_addf(&r->answers, "%s%s", r->answers.len ? ", " : "", clean ? clean : "?");
    free(clean);
}

/* Send the tasks in requests of at most SMS_EXPORT_BATCH; each is sent once and judged
 * on its own (one refused request does not stop the next). */
static void export_send(export_run *r, const char *base)
{
    for (size_t done = 0; done < r->n_items;) {
        size_t k = r->n_items - done < SMS_EXPORT_BATCH ? r->n_items - done : SMS_EXPORT_BATCH;
        sms_call_error e = { 0 };
        sms_response resp = { 0 };
        int rc;
        if (stopping_now(r->p)) {
            e.kind = SMS_E_CANCELLED;
            e.message = strdup("not sent: the console stopped first");
            rc = -1;
        } else {
            r->counts.batches++;
            r->counts.tasks += (uint32_t)k;
            rc = sms_export_consistency_batch(r->p->act_client, r->items + done, k, &resp, &e);
        }
        char prefix[64] = "";
        if (rc && r->n_items > SMS_EXPORT_BATCH)
            snprintf(prefix, sizeof prefix, "request %u: ", r->counts.batches);
        for (size_t i = done; i < done + k; i++) {
            r->accepted[i] = rc == 0;
            export_note(r, r->server_of[i], rc == 0 ? SMS_V_ACCEPTED : sms_call_verdict(&e), &e, prefix);
        }
        if (rc == 0)
            export_keep_answer(r, base, r->counts.batches, &resp);
        sms_response_free(&resp);
        sms_call_error_free(&e);
        done += k;
    }
}

/* The report of the accepted tasks: each task's consistency results, read back, in
 * <base>.csv and .json. The outcome ("report: PATH" or why not) goes to out. */
static void export_report(export_run *r, const char *base, char *out, size_t outlen)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_items; i++)
        n += r->accepted[i];
    if (!n) {
        snprintf(out, outlen, "nothing exported, no report");
        return;
    }
    if (stopping_now(r->p)) {
        snprintf(out, outlen, "no report: the console stopped first");
        return;
    }
    sms_export_item *items = calloc(n, sizeof *items);
    sms_call_error *errs = calloc(n, sizeof *errs);
    char (*summaries)[200] = calloc(n, sizeof *summaries);
    char msg[1200];
    size_t k = 0;
    for (size_t i = 0; items && errs && summaries && i < r->n_items; i++) {
        if (!r->accepted[i])
            continue;
        items[k].task = r->items[i];
        if (sms_get_consistency(r->p->act_client, r->items[i].task_id, &items[k].results, &errs[k])) {
            sms_call_error_summary(&errs[k], summaries[k], sizeof summaries[k]);
            items[k].error = summaries[k];
        }
        k++;
    }
    int rc = items && errs && summaries ? sms_export_report_write(base, items, n, msg, sizeof msg) : -1;
    char *clean = sms_sanitize_dup(items && errs && summaries ? msg : "out of memory");
    snprintf(out, outlen, rc == 0 ? "report: %s" : "no report: %s", clean ? clean : "?");
    free(clean);
    for (size_t i = 0; i < k; i++) {
        sms_free(&SMS_T_CONSISTENCY_RESULTS, &items[i].results);
        sms_call_error_free(&errs[i]);
    }
    free(items);
    free(errs);
    free(summaries);
}

/* The entry, all at once: counts, outcome, what was written where, what was not accepted. */
static void export_finish(export_run *r, const char *report)
{
    const sms_entry_counts *c = &r->counts;
    char *text = NULL;
    char unknown[32] = "";
    if (c->unknown)
        snprintf(unknown, sizeof unknown, ", %u unknown", c->unknown);
    if (asprintf(&text, "%u accepted, %u refused, %u failed%s (%u task%s, %u request%s); %s%s%s",
                 c->accepted, c->refused, c->failed, unknown, c->tasks, c->tasks == 1 ? "" : "s", c->batches,
                 c->batches == 1 ? "" : "s", report, r->answers.len ? "; API answer: " : "",
                 r->answers.len ? r->answers.s : "") < 0)
        text = NULL;
    pthread_mutex_lock(&r->p->mu);
    sms_history_entry *e = sms_history_log_find(&r->p->hist, r->j->entry_ids[0]);
    if (e) {
        e->counts = *c;
        e->has_counts = true;
        e->outcome = c->unknown ? SMS_OUT_UNKNOWN : c->accepted == c->servers ? SMS_OUT_OK : SMS_OUT_FAILED;
        e->done_ms = sms_clock_wall_ms();
        sms_call_error_free(&e->error);
        if (e->outcome != SMS_OUT_OK)
            sms_call_error_copy(&e->error, &r->first);
        free(e->state_after);
        e->state_after = text;
        text = NULL;
        free(e->detail);
        e->detail = r->detail.len ? strdup(r->detail.s) : NULL;
        if (r->j->n == 1 && r->n_items == 1 && !e->task_id)
            e->task_id = sms_sanitize_dup(r->items[0].task_id);
        if (r->j->n == 1 && r->srv[0].name && !e->server_name)
            e->server_name = sms_sanitize_dup(r->srv[0].name);
        sms_poller_history_changed_locked(r->p, e);     /* e may move: not used after */
    }
    sms_poller_publish_locked(r->p);
    pthread_mutex_unlock(&r->p->mu);
    free(text);
}

static void run_export(sms_poller *p, const sms_job *j)
{
    export_run r = { .p = p, .j = j };
    r.counts.servers = (uint32_t)j->n;
    r.srv = calloc(j->n, sizeof *r.srv);
    r.items = calloc(j->n, sizeof *r.items);
    r.server_of = calloc(j->n, sizeof *r.server_of);
    r.accepted = calloc(j->n, sizeof *r.accepted);
    char base[1024], report[1300];
    if (!r.srv || !r.items || !r.server_of || !r.accepted) {
        sms_call_error oom = { .kind = SMS_E_INVALID, .message = (char *)"out of memory" };
        r.counts.failed = r.counts.servers;
        sms_call_error_copy(&r.first, &oom);
        export_finish(&r, "nothing sent");
    } else {
        export_base(j, base, sizeof base);
        export_resolve(&r);
        export_send(&r, base);
        export_report(&r, base, report, sizeof report);
        export_finish(&r, report);
    }
    for (size_t i = 0; r.srv && i < j->n; i++)
        sms_free(&SMS_T_SERVER, &r.srv[i]);
    free(r.srv);
    free(r.items);
    free(r.server_of);
    free(r.accepted);
    sms_call_error_free(&r.first);
    sms_buf_free(&r.detail);
    sms_buf_free(&r.answers);
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
        if (!entry || entry->outcome != SMS_OUT_PENDING)
            continue;
        if (entry->has_counts)                  /* an export: none of its servers was sent */
            entry->counts.failed = entry->counts.servers;
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
