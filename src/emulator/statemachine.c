/* statemachine.c - how server state, migration_cycle, task state and sub_tasks move
 * (docs/api-model.md §4.5: the documented rules, then the inferred pairing), which command the
 * agent is given, and the documented 400s for illegal actions. Everything here runs with
 * the store locked. Timed steps (launch, clone, clear, skip) complete lazily: the next
 * request that looks at the task after the due time applies them (emu_sm_tick). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emulator/emu.h"
#include "model/taskrules.h"

enum { EMU_TIMER_NONE, EMU_TIMER_CUTOVER, EMU_TIMER_CLONE, EMU_TIMER_CLEAR, EMU_TIMER_SKIP, EMU_TIMER_DRILL };

/* Emulated durations at speed 1.0. */
#define CUTOVER_MS 10000
#define CLONE_MS 8000
#define CLEAR_MS 5000
#define SKIP_MS 3000
#define DRILL_MS 6000

/* Code for an operation that is legal somewhere but not in the task's current state
 * (the reference documents none; emulator's choice). */
#define SMS_NOT_NOW "SMS.1043"

static bool is(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }
static bool starts(const char *s, const char *p) { return s && strncmp(s, p, strlen(p)) == 0; }

/* ---- small setters that keep the caches and the mirrored fields right ------------------ */

static void set_server(emu_server *sv, const char *state, const char *cycle, int64_t now)
{
    if (state && !is(sv->s.state, state)) {
        emu_set_str(&sv->s.state, state);
        sv->s.state_action_time = now;
    }
    if (cycle && !is(sv->s.migration_cycle, cycle)) {
        emu_set_str(&sv->s.migration_cycle, cycle);
        sv->s.stage_action_time = now;
    }
    emu_server_touch(sv);
    if (sv->task) {
        emu_set_str(&sv->task->t.source_server.state, sv->s.state);
        emu_set_str(&sv->task->t.source_server.migration_cycle, sv->s.migration_cycle);
        emu_task_touch(sv->task);
    }
}

static void set_task(emu_task *tk, const char *state)
{
    emu_set_str(&tk->t.state, state);
    emu_sm_sync_current_task(tk);
}

static int64_t scaled(const emu_ctx *c, int64_t ms)
{
    int64_t v = (int64_t)((double)ms / (c->speed > 0 ? c->speed : 1.0));
    return v < 200 ? 200 : v;
}

static void arm(emu_ctx *c, emu_task *tk, int kind, int64_t ms)
{
    tk->timer_kind = kind;
    tk->timer_due_ms = emu_now(c) + scaled(c, ms);
}

static void clear_server_task(sms_server_task *t)
{
    char **strs[] = {&t->id, &t->name, &t->type, &t->state, &t->vm_template_id, &t->region_id,
                     &t->project_name, &t->project_id, &t->log_collect_status, &t->log_bucket,
                     &t->log_share_url, &t->subtask_info, &t->target_server.id,
                     &t->target_server.vm_id, &t->target_server.name, &t->target_server.ip,
                     &t->target_server.os_type, &t->target_server.os_version,
                     &t->clone_server.vm_id, &t->clone_server.name, &t->clone_server.clone_error,
                     &t->clone_server.clone_state, &t->clone_server.error_msg};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    memset(t, 0, sizeof *t);
}

/* The server's current_task (TaskByServerSources) mirrors the task. */
void emu_sm_sync_current_task(emu_task *tk)
{
    emu_task_touch(tk);
    emu_server *sv = tk->server;
    if (!sv)
        return;
    sms_server_task *d = &sv->s.current_task;
    const sms_task *t = &tk->t;
    sv->s.has_current_task = true;
    emu_set_str(&d->id, t->id);
    emu_set_str(&d->name, t->name);
    emu_set_str(&d->type, t->type);
    emu_set_str(&d->state, t->state);
    emu_set_str(&d->vm_template_id, t->vm_template_id);
    emu_set_str(&d->region_id, t->region_id);
    emu_set_str(&d->project_name, t->project_name);
    emu_set_str(&d->project_id, t->project_id);
    emu_set_str(&d->log_collect_status, t->log_collect_status);
    emu_set_str(&d->subtask_info, t->subtask_info);
    d->estimate_complete_time = t->estimate_complete_time;
    d->start_date = t->start_date;
    d->remain_seconds = t->remain_seconds;
    d->speed_limit = t->speed_limit;
    d->migrate_speed = t->migrate_speed;
    d->compress_rate = t->compress_rate;
    d->start_target_server = t->start_target_server;
    d->exist_server = t->exist_server;
    d->use_public_ip = t->use_public_ip;
    d->has_target_server = t->has_target_server;
    emu_set_str(&d->target_server.vm_id, t->target_server.vm_id);
    emu_set_str(&d->target_server.name, t->target_server.name);
    d->has_clone_server = t->has_clone_server;
    emu_set_str(&d->clone_server.vm_id, t->clone_server.vm_id);
    emu_set_str(&d->clone_server.name, t->clone_server.name);
    emu_set_str(&d->clone_server.clone_state, t->clone_server.clone_state);
    emu_server_touch(sv);
}

/* ---- lifecycle ---------------------------------------------------------------------- */

void emu_sm_registered(emu_server *sv, int64_t now)
{
    sv->s.add_date = now;
    sv->last_seen_ms = now;
    sv->s.last_visit_time = now;
    if (!sv->s.enterprise_project_id)
        emu_set_str(&sv->s.enterprise_project_id, "0");
    if (!sv->s.start_type)
        emu_set_str(&sv->s.start_type, "MANUAL");
    free(sv->s.state);
    free(sv->s.migration_cycle);
    sv->s.state = sv->s.migration_cycle = NULL;
    set_server(sv, "waiting", "checking", now);
}

void emu_sm_task_created(emu_task *tk, int64_t now)
{
    set_server(tk->server, "waiting", "setting", now);
    emu_sm_sync_current_task(tk);
}

void emu_sm_task_detached(emu_server *sv, int64_t now)
{
    clear_server_task(&sv->s.current_task);
    sv->s.has_current_task = false;
    sv->s.replicatesize = sv->s.totalsize = 0;
    set_server(sv, "waiting", "checking", now);
}

int emu_sm_can_delete_task(emu_ctx *c, const emu_task *tk, emu_resp *o)
{
    char why[200];
    if (tk->server && emu_sm_refusal(c, tk, "delete_task", why, sizeof why)) {
        emu_resp_error(o, 400, "SMS.2015", "cannot delete task %s: %s; stop it first", tk->t.id, why);
        return -1;
    }
    return 0;
}

/* ---- actions ------------------------------------------------------------------------ */

static void queue_cmd(emu_task *tk, const char *name, const char *bucket, int64_t now)
{
    if (tk->server)
        emu_server_queue(tk->server, name, tk->t.id, bucket, now);
}

static void begin_running(emu_task *tk, int64_t now)
{
    if (!tk->t.start_date)
        tk->t.start_date = now;
    set_task(tk, "RUNNING");
    if (tk->server)
        set_server(tk->server, tk->server->s.replicatesize > 0 ? "replicate" : "initialize", "replicating", now);
    queue_cmd(tk, "START", NULL, now);
}

static void reset_progress(emu_task *tk)
{
    for (size_t i = 0; i < tk->t.n_sub_tasks; i++) {
        free(tk->t.sub_tasks[i].name);
        free(tk->t.sub_tasks[i].user_op);
        free(tk->t.sub_tasks[i].process_trace);
    }
    free(tk->t.sub_tasks);
    tk->t.sub_tasks = NULL;
    tk->t.n_sub_tasks = 0;
    emu_set_str(&tk->t.error_json, NULL);
    emu_set_str(&tk->t.subtask_info, NULL);
    tk->t.migrate_speed = 0;
    tk->t.remain_seconds = 0;
    tk->completed = false;
    if (tk->server)
        tk->server->s.replicatesize = 0;
}

/* Resuming a task paused after its full replication completed (§4.5: "progress 100 %"):
 * it goes back to where it was paused, not to replicating: continuous sync resumes
 * (SYNCING/syncing), an automatic launch starts over (cutovering). The agent gets START. */
static void resume_completed(emu_ctx *c, emu_task *tk, int64_t now)
{
    if (tk->t.syncing) {
        set_task(tk, "SYNCING");
        if (tk->server)
            set_server(tk->server, "syncing", "syncing", now);
    } else {
        set_task(tk, "RUNNING");
        if (tk->server)
            set_server(tk->server, "cutovering", "cutovering", now);
        arm(c, tk, EMU_TIMER_CUTOVER, CUTOVER_MS);
    }
    queue_cmd(tk, "START", NULL, now);
}

/* Each operation's legality comes from the shared table (model/taskrules.h); what is
 * left here is what the operation does. The codes are the documented legacy ones where
 * there is one (SMS.1038-1040), else the emulator's own. */

static int op_start(emu_ctx *c, emu_task *tk)
{
    if (tk->completed)
        resume_completed(c, tk, emu_now(c));
    else
        begin_running(tk, emu_now(c));
    return 0;
}

static int op_stop(emu_ctx *c, emu_task *tk)
{
    int64_t now = emu_now(c);
    queue_cmd(tk, "STOP", NULL, now);
    tk->timer_kind = EMU_TIMER_NONE;
    /* With nobody to confirm the stop, the service pauses the task at once. */
    bool agent = tk->server && emu_server_connected(tk->server, now, emu_ctx_connect_window_ms(c));
    set_task(tk, agent ? "ABORTING" : "ABORT");
    if (tk->server)
        set_server(tk->server, agent ? "stopping" : "stopped", NULL, now);
    return 0;
}

static int op_restart(emu_ctx *c, emu_task *tk)
{
    reset_progress(tk);
    begin_running(tk, emu_now(c));
    return 0;
}

static int op_test(emu_ctx *c, emu_task *tk)
{
    set_server(tk->server, "cutovering", "cutovering", emu_now(c));
    arm(c, tk, EMU_TIMER_CUTOVER, CUTOVER_MS);
    return 0;
}

static int op_clone_test(emu_ctx *c, emu_task *tk)
{
    tk->t.has_clone_server = true;
    emu_set_str(&tk->t.clone_server.clone_state, "CREATING");
    set_server(tk->server, "cloning", NULL, emu_now(c));
    emu_sm_sync_current_task(tk);
    arm(c, tk, EMU_TIMER_CLONE, CLONE_MS);
    return 0;
}

static int op_clear(emu_ctx *c, emu_task *tk)
{
    set_server(tk->server, "clearing", NULL, emu_now(c));
    arm(c, tk, EMU_TIMER_CLEAR, CLEAR_MS);
    return 0;
}

static int op_skip(emu_ctx *c, emu_task *tk)
{
    set_task(tk, "SKIPPING");
    set_server(tk->server, "skipping", NULL, emu_now(c));
    queue_cmd(tk, "SKIP", NULL, emu_now(c));
    arm(c, tk, EMU_TIMER_SKIP, SKIP_MS);
    return 0;
}

/* Migration drill: premigready, then premiged when the timer fires (agent: PREMIGRATE). */
static int op_migration_test(emu_ctx *c, emu_task *tk)
{
    set_server(tk->server, "premigready", NULL, emu_now(c));
    queue_cmd(tk, "PREMIGRATE", NULL, emu_now(c));
    arm(c, tk, EMU_TIMER_DRILL, DRILL_MS);
    return 0;
}

/* The result is the agent's measurement; the emulator reports a healthy link at once
 * (NetworkCheckInfoRequestBody keys). */
static int op_network_check(emu_ctx *c, emu_task *tk)
{
    (void)c;
    emu_set_str(&tk->t.network_check_info,
                "{\"domain_connectivity\":true,\"destination_connectivity\":true,\"network_delay\":2.0,"
                "\"network_jitter\":0.5,\"migration_speed\":800.0,\"loss_percentage\":0.0,"
                "\"cpu_usage\":12.0,\"mem_usage\":30.0,\"evaluation_result\":\"good\"}");
    emu_task_touch(tk);
    return 0;
}

typedef struct op_entry {
    const char *name, *code;             /* official operation; error code when not now */
    int (*fn)(emu_ctx *, emu_task *);
} op_entry;

static const op_entry ops[] = {
    {"start", "SMS.1039", op_start}, {"stop", "SMS.1038", op_stop},
    {"restart", "SMS.1040", op_restart}, {"test", SMS_NOT_NOW, op_test},
    {"clone_test", SMS_NOT_NOW, op_clone_test}, {"clear", SMS_NOT_NOW, op_clear},
    {"skip", SMS_NOT_NOW, op_skip}, {"migration_test", SMS_NOT_NOW, op_migration_test},
    {"network_check", SMS_NOT_NOW, op_network_check},
};

/* NULL when the shared rule allows `request` on tk now, else why not (in buf). */
const char *emu_sm_refusal(emu_ctx *c, const emu_task *tk, const char *request, char *buf, size_t len)
{
    const emu_server *sv = tk->server;
    sms_state_facts f = {
        .has_task = true, .task_state = tk->t.state, .server_state = sv ? sv->s.state : "gone",
        .connected = sv && emu_server_connected(sv, emu_now(c), emu_ctx_connect_window_ms(c)),
    };
    return sms_state_rule_refusal(sms_state_rule_find(request), &f, buf, len);
}

int emu_sm_action(emu_ctx *c, emu_task *tk, const char *op, emu_resp *o)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (!is(op, ops[i].name))
            continue;
        char why[200];
        if (!tk->server && ops[i].fn != op_stop)
            snprintf(why, sizeof why, "the source server is gone");
        else if (ops[i].fn == op_clear && tk->cleared)
            snprintf(why, sizeof why, "the snapshots were already cleared");
        else if (!emu_sm_refusal(c, tk, op, why, sizeof why))
            return ops[i].fn(c, tk);
        emu_resp_error(o, 400, ops[i].code, "operation %s on task %s: %s", op, tk->t.id, why);
        return -1;
    }
    /* the contract check rejects undocumented values before a handler runs */
    emu_resp_error(o, 400, "SMS.0002", "invalid request body: operation: unknown value '%s'", op);
    return -1;
}

/* ---- timed transitions -------------------------------------------------------------- */

static void finish_migration(emu_task *tk, int64_t now)
{
    set_task(tk, "MIGRATE_SUCCESS");
    tk->t.finish_date = now;
    tk->t.total_time = tk->t.start_date ? now - tk->t.start_date : 0;
    tk->t.remain_seconds = 0;
    if (tk->server)
        set_server(tk->server, "finished", "cutovered", now);
    emu_sm_sync_current_task(tk);
}

void emu_sm_tick(emu_ctx *c, emu_task *tk, int64_t now)
{
    (void)c;
    if (tk->timer_kind == EMU_TIMER_NONE || now < tk->timer_due_ms)
        return;
    int kind = tk->timer_kind;
    tk->timer_kind = EMU_TIMER_NONE;
    switch (kind) {
    case EMU_TIMER_CUTOVER:
        finish_migration(tk, now);
        break;
    case EMU_TIMER_CLONE:
        emu_set_str(&tk->t.clone_server.clone_state, "FINISHED");
        if (!tk->t.clone_server.name) {
            char id[37];
            emu_new_id(id);
            emu_set_str(&tk->t.clone_server.vm_id, id);
            emu_set_str(&tk->t.clone_server.name, "clone-test");
        }
        if (tk->server)
            set_server(tk->server, "syncing", NULL, now);
        emu_sm_sync_current_task(tk);
        break;
    case EMU_TIMER_CLEAR:
        tk->cleared = true;
        if (tk->server)
            set_server(tk->server, "cleared", NULL, now);
        break;
    case EMU_TIMER_DRILL:
        if (tk->server)
            set_server(tk->server, "premiged", NULL, now);
        break;
    case EMU_TIMER_SKIP:
        if (is(tk->t.state, "SKIPPING")) {
            set_task(tk, "RUNNING");
            if (tk->server)
                set_server(tk->server, "replicate", NULL, now);
        }
        break;
    }
}

/* ---- progress (agent) --------------------------------------------------------------- */

static sms_subtask *subtask_for(emu_task *tk, const char *name, int64_t now)
{
    for (size_t i = 0; i < tk->t.n_sub_tasks; i++)
        if (is(tk->t.sub_tasks[i].name, name))
            return &tk->t.sub_tasks[i];
    sms_subtask *v = realloc(tk->t.sub_tasks, (tk->t.n_sub_tasks + 1) * sizeof *v);
    if (!v)
        return NULL;
    tk->t.sub_tasks = v;
    for (size_t i = 0; i < tk->t.n_sub_tasks; i++)   /* a new step ends the previous ones */
        if (!v[i].end_date)
            v[i].end_date = now;
    sms_subtask *s = &v[tk->t.n_sub_tasks++];
    memset(s, 0, sizeof *s);
    s->id = tk->next_subtask_id++;
    s->start_date = now;
    emu_set_str(&s->name, name);
    emu_set_str(&s->user_op, "start");
    return s;
}

static void record_progress(emu_task *tk, const sms_progress *p, int64_t now)
{
    sms_subtask *s = subtask_for(tk, p->subtask_name, now);
    if (s) {
        s->progress = p->progress;
        s->migrate_speed = p->migrate_speed;
        emu_set_str(&s->process_trace, p->process_trace);
        if (p->progress >= 100 && !s->end_date)
            s->end_date = now;
    }
    sms_task *t = &tk->t;
    t->migrate_speed = p->migrate_speed;
    t->compress_rate = p->compress_rate;
    t->remain_seconds = p->remain_time;
    t->estimate_complete_time = p->remain_time > 0 ? now + (int64_t)p->remain_time * 1000 : 0;
    t->total_cpu_usage = p->total_cpu_usage;
    t->agent_cpu_usage = p->agent_cpu_usage;
    t->total_mem_usage = p->total_mem_usage;
    t->agent_mem_usage = p->agent_mem_usage;
    t->total_disk_io = p->total_disk_io;
    t->agent_disk_io = p->agent_disk_io;
    t->need_migration_test = p->need_migration_test;
    char info[128];
    snprintf(info, sizeof info, "%s:%d%%", p->subtask_name, p->progress);
    emu_set_str(&t->subtask_info, info);
    if (tk->server) {
        tk->server->s.replicatesize = p->replicatesize;
        tk->server->s.totalsize = p->totalsize;
    }
}

/* Full replication is complete when the agent reports one of the closing steps
 * (CONFIGURE_*, DETTACH_AGENT_IMAGE) at 100 %, or the copy step (MIGRATE_*) at 100 %
 * with every byte copied. Later reports of the closing steps are accepted and recorded. */
static bool replication_complete(const sms_progress *p)
{
    if (p->progress < 100)
        return false;
    return starts(p->subtask_name, "CONFIGURE_") || is(p->subtask_name, "DETTACH_AGENT_IMAGE") ||
           (starts(p->subtask_name, "MIGRATE_") && p->totalsize > 0 && p->replicatesize >= p->totalsize);
}

int emu_sm_progress(emu_ctx *c, emu_task *tk, const sms_progress *p, int64_t now, emu_resp *o)
{
    const char *st = tk->t.state;
    if (!(is(st, "RUNNING") || is(st, "SYNCING") || is(st, "SKIPPING") || is(st, "ABORTING") ||
          is(st, "MIGRATE_SUCCESS") || is(st, "SYNC_SUCCESS"))) {
        emu_resp_error(o, 400, SMS_NOT_NOW, "task %s is %s: no progress expected", tk->t.id, st);
        return -1;
    }
    record_progress(tk, p, now);
    emu_server *sv = tk->server;
    if (sv && is(st, "RUNNING") && is(sv->s.state, "initialize") && starts(p->subtask_name, "MIGRATE_"))
        set_server(sv, "replicate", NULL, now);
    if (sv && is(st, "RUNNING") && !tk->completed && replication_complete(p)) {
        tk->completed = true;
        if (tk->t.syncing) {                          /* continuous sync until launched */
            set_task(tk, "SYNCING");
            set_server(sv, "syncing", "syncing", now);
        } else {                                      /* automatic launch */
            set_server(sv, "cutovering", "cutovering", now);
            arm(c, tk, EMU_TIMER_CUTOVER, CUTOVER_MS);
        }
    }
    emu_sm_sync_current_task(tk);
    return 0;
}

/* ---- command results (agent) -------------------------------------------------------- */

static void fail_task(emu_task *tk, const char *task_state, const char *detail, int64_t now)
{
    const char *json = detail && strlen(detail) <= 1024 ? detail
                     : "{\"error_code\":\"SMS.0007\",\"error_msg\":\"agent error\"}";
    emu_set_str(&tk->t.error_json, json);
    set_task(tk, task_state);
    if (tk->server)
        set_server(tk->server, "error", NULL, now);
}

static void apply_result(emu_task *tk, const sms_command_result *cr, int64_t now)
{
    bool ok = is(cr->result, "success");
    const char *name = cr->command_name;
    if (is(name, "START") && !ok && is(tk->t.state, "RUNNING"))
        fail_task(tk, "MIGRATE_FAIL", cr->result_detail, now);
    else if (is(name, "STOP") && is(tk->t.state, "ABORTING")) {
        set_task(tk, ok ? "ABORT" : "RUNNING");
        if (tk->server)
            set_server(tk->server, ok ? "stopped" : "replicate", NULL, now);
    } else if (is(name, "UPLOAD_LOG")) {
        emu_set_str(&tk->t.log_collect_status, ok ? "UPLOADED" : "UPLOAD_FAIL");
        if (tk->server) {
            tk->server->s.current_task.log_upload_time = ok ? now : 0;
            emu_set_str(&tk->server->s.current_task.log_share_url,
                        ok ? "https://obs.ap-southeast-3.example.invalid/sms-logs/agent.log" : NULL);
        }
        emu_sm_sync_current_task(tk);
    }
}

int emu_sm_command_result(emu_ctx *c, emu_server *sv, const sms_command_result *cr, emu_resp *o)
{
    char *task_id = NULL;
    if (!emu_server_settle(sv, cr->command_name, &task_id)) {
        emu_resp_error(o, 400, "SMS.2009", "command %s reported by the agent differs from the command the "
                       "server issued", cr->command_name);
        return -1;
    }
    emu_server_log(sv, EMU_CMD_REPORTED, cr->command_name, task_id, cr->result, cr->result_detail, emu_now(c));
    emu_task *tk = sv->task;
    if (tk && (!task_id || is(task_id, tk->t.id)))
        apply_result(tk, cr, emu_now(c));
    free(task_id);
    return 0;
}

void emu_sm_log_requested(emu_task *tk, const char *bucket, int64_t now)
{
    emu_set_str(&tk->t.log_collect_status, "UPLOADING");
    if (tk->server)
        emu_set_str(&tk->server->s.current_task.log_bucket, bucket);
    queue_cmd(tk, "UPLOAD_LOG", bucket, now);
    emu_sm_sync_current_task(tk);
}
