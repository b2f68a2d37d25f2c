/* agents_work.c - what one simulated agent does on its turn: report the results it
 * still owes, poll its command and execute it (START, STOP, SYNC, DELETE, UPLOAD_LOG,
 * RSET_LOG_ACL), and while a migration or a sync runs, report its progress over
 * simulated time. The plan (wave.h) says where a migration starts and whether it fails.
 * The worker threads, the request budget and registration are in agents.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/agent.h"
#include "emulator/agents.h"
#include "model/codec.h"

/* ---- retries ------------------------------------------------------------------------ */

/* A request the service refused for good (4xx other than 429) is not sent again; a lost
 * one (5xx, 429, no answer) is, a few times, as a real agent would. A command result
 * matters (the service settles the task on it); a resend of one that did arrive gets a
 * harmless SMS.2009, a resent registration may register the server twice (as the real
 * service would). */
bool smsemu_worth_retrying(const sms_call_error *e)
{
    if (e->kind == SMS_E_CANCELLED || e->kind == SMS_E_INVALID || e->kind == SMS_E_READONLY)
        return false;
    if (e->kind == SMS_E_HTTP)
        return e->http_status >= 500 || e->http_status == 429;
    return true;
}

/* ---- reporting ---------------------------------------------------------------------- */

/* Results wait in the agent's outbox until the service took them: one attempt now, then
 * one per turn, in order, up to REPORT_MAX_TRIES each. */
static bool outbox_send_first(fleet_worker *w, fleet_agent *a)
{
    fleet_outgoing *o = &a->outbox[0];
    char result[8];
    snprintf(result, sizeof result, "%s", o->ok ? "success" : "fail");
    sms_command_result r = {.command_name = o->name, .result = result, .result_detail = o->detail};
    sms_call_error e = {0};
    int rc = sms_agent_report_result(w->client, a->id, &r, &e);
    bool settled = rc == 0 || !smsemu_worth_retrying(&e) || ++o->tries >= REPORT_MAX_TRIES;
    sms_call_error_free(&e);
    return settled;
}

static void outbox_pop(fleet_agent *a)
{
    free(a->outbox[0].detail);
    memmove(&a->outbox[0], &a->outbox[1], (size_t)(a->n_outbox - 1) * sizeof a->outbox[0]);
    a->n_outbox--;
}

static void agent_flush_outbox(fleet_worker *w, fleet_agent *a)
{
    while (a->n_outbox > 0 && smsemu_worker_throttle(w) && outbox_send_first(w, a))
        outbox_pop(a);
}

/* Queues a result; detail (taken) becomes its result_detail JSON text. */
static void agent_report(fleet_worker *w, fleet_agent *a, const char *command, bool ok,
                         cJSON *detail)
{
    char *text = detail ? cJSON_PrintUnformatted(detail) : NULL;
    cJSON_Delete(detail);
    if (!text)
        return;
    if (a->n_outbox == OUTBOX_CAP)
        outbox_pop(a);                            /* the oldest has waited long enough */
    fleet_outgoing *o = &a->outbox[a->n_outbox++];
    snprintf(o->name, sizeof o->name, "%s", command);
    o->ok = ok;
    o->tries = 0;
    o->detail = text;
    agent_flush_outbox(w, a);
}

/* result_detail: free JSON (§3.7); ours names the task and says what happened. */
static cJSON *detail_new(const fleet_agent *a, const char *key, const char *value)
{
    cJSON *d = cJSON_CreateObject();
    if (d && a->task_id)
        cJSON_AddStringToObject(d, "task_id", a->task_id);
    if (d && key)
        cJSON_AddStringToObject(d, key, value);
    return d;
}

static void agent_report_ok(fleet_worker *w, fleet_agent *a, const char *command,
                            const char *message)
{
    agent_report(w, a, command, true, detail_new(a, "message", message));
}

/* A failure's detail is what the service keeps as the task's error_json. */
static void agent_report_fail(fleet_worker *w, fleet_agent *a, const char *command,
                              const char *code, const char *msg)
{
    cJSON *d = detail_new(a, "error_code", code);
    if (d)
        cJSON_AddStringToObject(d, "error_msg", msg);
    agent_report(w, a, command, false, d);
}

/* ---- jobs: progress over simulated time -------------------------------------------- *
 * START and SYNC are reported when their job ends (success at 100 %, fail where the plan
 * says), as the emulator settles a task on the result; STOP, DELETE, UPLOAD_LOG and
 * RSET_LOG_ACL are reported at once. */

typedef struct phase { const char *linux_block, *linux_file, *windows; int lo, hi; } phase;

/* A migration as the agent reports it: subtasks in order with their share of the bar.
 * The target is configured while the agent image is still attached, then it is
 * detached; either at 100 % tells the service that the replication is complete. */
static const phase MIGRATE_PHASES[] = {
    {"CREATE_CLOUD_SERVER", "CREATE_CLOUD_SERVER", "CREATE_CLOUD_SERVER", 0, 3},
    {"SSL_CONFIG", "SSL_CONFIG", "SSL_CONFIG", 3, 4},
    {"ATTACH_AGENT_IMAGE", "ATTACH_AGENT_IMAGE", "ATTACH_AGENT_IMAGE", 4, 5},
    {"FORMAT_DISK_LINUX_BLOCK", "FORMAT_DISK_LINUX_FILE", "FORMAT_DISK_WINDOWS", 5, 8},
    {"MIGRATE_LINUX_BLOCK", "MIGRATE_LINUX_FILE", "MIGRATE_WINDOWS_BLOCK", 8, 92},
    {"CONFIGURE_LINUX_BLOCK", "CONFIGURE_LINUX_FILE", "CONFIGURE_WINDOWS", 92, 97},
    {"DETTACH_AGENT_IMAGE", "DETTACH_AGENT_IMAGE", "DETTACH_AGENT_IMAGE", 97, 100},
};
#define N_PHASES ((int)(sizeof MIGRATE_PHASES / sizeof MIGRATE_PHASES[0]))
#define MIGRATE_COPY_LO 8
#define MIGRATE_COPY_HI 92

static int job_percent(const fleet_agent *a, int64_t now)
{
    int64_t done = now - a->job_start_ms;
    double pct = a->job_from_pct + (double)done * 100.0 / (double)a->job_real_ms;
    return pct >= 100.0 ? 100 : (int)pct;
}

static void job_begin(const fleet_worker *w, fleet_agent *a, fleet_job_kind kind,
                      const char *task_id, int from_pct, int64_t sim_ms)
{
    char *copy = task_id ? strdup(task_id) : NULL;  /* task_id may be a->task_id */
    free(a->task_id);
    a->task_id = copy;
    a->job = a->task_id ? kind : JOB_NONE;
    a->job_from_pct = from_pct;
    a->job_start_ms = smsemu_mono_ms();
    a->job_real_ms = smsemu_wave_real_ms(w->fleet->opts.speed, sim_ms);
    a->phase = -1;
}

static void job_end(fleet_agent *a)
{
    a->job = JOB_NONE;
    free(a->task_id);
    a->task_id = NULL;
}

static const char *phase_name(const fleet_agent *a, int k)
{
    const phase *ph = &MIGRATE_PHASES[k];
    if (a->windows)
        return ph->windows;
    return a->index % 5 == 0 ? ph->linux_file : ph->linux_block;   /* as the wave's type */
}

static int phase_of(int pct)
{
    for (int k = 0; k < N_PHASES; k++)
        if (pct < MIGRATE_PHASES[k].hi)
            return k;
    return N_PHASES - 1;
}

/* Progress body for subtask k of a migration at overall percentage pct. */
static void migrate_progress(const fleet_agent *a, int k, int pct, sms_progress *p,
                             char *trace, size_t tlen)
{
    const phase *ph = &MIGRATE_PHASES[k];
    int span = ph->hi - ph->lo;
    int sub = pct >= ph->hi ? 100 : pct <= ph->lo ? 0 : (pct - ph->lo) * 100 / span;
    double copied = (double)(pct - MIGRATE_COPY_LO) / (MIGRATE_COPY_HI - MIGRATE_COPY_LO);
    copied = copied < 0 ? 0 : copied > 1 ? 1 : copied;
    p->subtask_name = (char *)phase_name(a, k);       /* read only: never freed */
    p->progress = sub;
    p->totalsize = a->totalsize;
    p->replicatesize = (int64_t)((double)a->totalsize * copied);
    snprintf(trace, tlen, "%s: %d%% (%lld of %lld bytes copied)", p->subtask_name, sub,
             (long long)p->replicatesize, (long long)p->totalsize);
}

/* An incremental round: everything was copied once, the changed blocks go again. */
static void sync_progress(const fleet_agent *a, int pct, sms_progress *p, char *trace,
                          size_t tlen)
{
    static const char *const names[] = {"SYNC_LINUX_BLOCK", "SYNC_LINUX_FILE",
                                        "SYNC_WINDOWS_BLOCK"};
    p->subtask_name = (char *)names[a->windows ? 2 : a->index % 5 == 0 ? 1 : 0];
    p->progress = pct;
    p->totalsize = a->totalsize;
    p->replicatesize = a->totalsize;
    long long changed = (long long)(a->totalsize / 50);
    snprintf(trace, tlen, "%s: incremental sync %d%% (%lld of %lld changed bytes)",
             p->subtask_name, pct, changed * pct / 100, changed);
}

static void fill_usage(const fleet_worker *w, const fleet_agent *a, int pct, sms_progress *p)
{
    double jitter = (double)((a->index * 7 + pct * 13) % 21 - 10) / 100.0;
    double speed = w->fleet->opts.speed > 0 ? w->fleet->opts.speed : 1.0;
    p->migrate_speed = pct >= 100 ? 0 : a->plan.mbit_s * (1.0 + jitter);
    p->compress_rate = 1.2 + (double)(a->index % 7) / 10.0;
    int64_t left_real = a->job_real_ms * (100 - pct) / 100;
    p->remain_time = (int32_t)((double)left_real * speed / 1000.0);
    p->total_cpu_usage = 20 + (a->index + pct) % 50;
    p->agent_cpu_usage = 3 + (a->index + pct) % 12;
    p->total_mem_usage = 1024 + (a->index % 16) * 256;
    p->agent_mem_usage = 90 + (a->index % 10) * 8;
    p->total_disk_io = p->migrate_speed * 1.1;
    p->agent_disk_io = p->migrate_speed;
}

/* PUT .../progress for the running job (k: the migration subtask, unused for syncs);
 * false when it was lost and is worth sending again. */
static bool agent_send_progress(fleet_worker *w, fleet_agent *a, int k, int pct)
{
    sms_progress p = {0};
    char trace[256], agent_time[32];
    if (a->job == JOB_MIGRATE)
        migrate_progress(a, k, pct, &p, trace, sizeof trace);
    else
        sync_progress(a, pct, &p, trace, sizeof trace);
    p.process_trace = trace;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(agent_time, sizeof agent_time, "%Y-%m-%d %H:%M:%S", &tm);
    p.agent_time = agent_time;
    fill_usage(w, a, pct, &p);
    if (!smsemu_worker_throttle(w))
        return false;
    sms_call_error e = {0};
    bool lost = false;
    if (sms_agent_report_progress(w->client, a->task_id, &p, &e) != 0) {
        lost = smsemu_worth_retrying(&e);
        if (e.http_status == 404)
            job_end(a);                           /* the task was deleted under us */
    }
    sms_call_error_free(&e);
    return !lost;
}

/* Reports the migration at pct: subtasks passed since the last report are closed at 100 %
 * first, so the service sees every step end (the last ones complete it). False
 * when the report of the current step was lost. */
static bool migrate_report(fleet_worker *w, fleet_agent *a, int pct)
{
    int k = phase_of(pct);
    bool sent = true;
    for (int done = a->phase < 0 ? 0 : a->phase; done < k && a->job == JOB_MIGRATE; done++)
        agent_send_progress(w, a, done, MIGRATE_PHASES[done].hi);
    if (a->job == JOB_MIGRATE)
        sent = agent_send_progress(w, a, k, pct);
    a->phase = k;
    return sent;
}

static void migrate_fail(fleet_worker *w, fleet_agent *a)
{
    migrate_report(w, a, a->plan.fail_percent);
    agent_report_fail(w, a, "START", a->plan.fail_code, a->plan.fail_msg);
    a->plan.fail_code = NULL;                     /* fails once; a restart succeeds */
    a->next_start_pct = 0;                        /* restart: from scratch */
    job_end(a);
}

/* Continuous sync: an incremental round every CONTINUOUS_SYNC_SIM_MS (negative percent
 * = waiting for the next round). */
static void continuous_sync_next_round(const fleet_worker *w, fleet_agent *a, int64_t now)
{
    a->job = JOB_SYNC;
    a->continuous = true;
    a->job_start_ms = now;
    a->job_real_ms = smsemu_wave_real_ms(w->fleet->opts.speed, SYNC_SIM_MS);
    a->job_from_pct = (int)(-100LL * CONTINUOUS_SYNC_SIM_MS / SYNC_SIM_MS);
    a->round_checked = false;
}

/* Before each continuous round the agent asks whether its task still syncs: launching
 * the target (cutover) sends the agent no command. */
static bool task_still_syncing(fleet_worker *w, fleet_agent *a)
{
    if (!smsemu_worker_throttle(w))
        return false;
    sms_task t = {0};
    sms_call_error e = {0};
    bool syncing = true;                          /* keep going if we cannot tell */
    if (sms_show_task(w->client, a->task_id, &t, &e) == 0)
        syncing = t.state && strcmp(t.state, "SYNCING") == 0;
    else if (e.http_status == 404)
        syncing = false;
    sms_free(&SMS_T_TASK, &t);
    sms_call_error_free(&e);
    return syncing;
}

static void migrate_step(fleet_worker *w, fleet_agent *a, int64_t now)
{
    int pct = job_percent(a, now);
    if (a->plan.fail_code && pct >= a->plan.fail_percent) {
        migrate_fail(w, a);
        return;
    }
    bool sent = migrate_report(w, a, pct);
    if (pct < 100 || a->job != JOB_MIGRATE || !sent)
        return;                                   /* the last step must arrive: next turn */
    a->next_start_pct = 0;
    free(a->replicated_task);
    a->replicated_task = strdup(a->task_id);
    agent_report_ok(w, a, "START", "migration complete");
    if (task_still_syncing(w, a))               /* a task created with syncing=true */
        continuous_sync_next_round(w, a, now);
    else
        job_end(a);
}

static void sync_step(fleet_worker *w, fleet_agent *a, int64_t now)
{
    int pct = job_percent(a, now);
    if (pct < 0)
        return;                                   /* between two continuous rounds */
    if (a->continuous && !a->round_checked) {
        a->round_checked = true;
        if (!task_still_syncing(w, a)) {
            a->continuous = false;
            job_end(a);
            return;
        }
    }
    bool sent = agent_send_progress(w, a, 0, pct);
    if (pct < 100 || a->job != JOB_SYNC || !sent)
        return;
    if (a->continuous) {
        continuous_sync_next_round(w, a, now);
        return;
    }
    if (a->plan.flaky_commands)
        agent_report_fail(w, a, "SYNC", "SMS.1414",
                          "The migration module stopped abnormally and cannot sync.");
    else
        agent_report_ok(w, a, "SYNC", "incremental sync complete");
    job_end(a);
}

/* ---- commands -------------------------------------------------------------------------- */

/* START for a task paused after its replication completed: nothing to copy again. The
 * service put it back in continuous sync (rounds resume) or in its launch. */
static void agent_resume_replicated(fleet_worker *w, fleet_agent *a, const char *task_id)
{
    job_begin(w, a, JOB_SYNC, task_id, 0, SYNC_SIM_MS);
    agent_report_ok(w, a, "START", "replication already complete");
    if (a->job != JOB_NONE && task_still_syncing(w, a))
        continuous_sync_next_round(w, a, smsemu_mono_ms());
    else
        job_end(a);
}

static void agent_on_start(fleet_worker *w, fleet_agent *a, const char *task_id)
{
    a->continuous = false;
    if (task_id && a->replicated_task && strcmp(task_id, a->replicated_task) == 0) {
        agent_resume_replicated(w, a, task_id);
        return;
    }
    job_begin(w, a, JOB_MIGRATE, task_id, a->next_start_pct, a->plan.replicate_sim_ms);
    if (a->job == JOB_NONE)                       /* no task named: nothing to run */
        agent_report_fail(w, a, "START", "SMS.0007", "START without a task id.");
}

static void agent_on_stop(fleet_worker *w, fleet_agent *a)
{
    if (a->job == JOB_MIGRATE) {                  /* a later START resumes here */
        int pct = job_percent(a, smsemu_mono_ms());
        a->next_start_pct = pct < 100 ? pct : 0;
        char msg[48];
        snprintf(msg, sizeof msg, "paused at %d%%", pct);
        agent_report_ok(w, a, "START", msg);
    }
    agent_report_ok(w, a, "STOP", "migration paused");
    job_end(a);
    a->continuous = false;
}

static void agent_on_command(fleet_worker *w, fleet_agent *a, const sms_command *c)
{
    const char *name = c->command_name;
    const char *task_id = c->has_command_param ? c->command_param.task_id : NULL;
    if (!name || !*name || strncmp(name, "TASK_", 5) == 0)
        return;                                   /* nothing pending */
    if (strcmp(name, "START") == 0) {
        agent_on_start(w, a, task_id ? task_id : a->task_id);
    } else if (strcmp(name, "STOP") == 0) {
        agent_on_stop(w, a);
    } else if (strcmp(name, "SYNC") == 0) {
        a->continuous = false;
        job_begin(w, a, JOB_SYNC, task_id ? task_id : a->task_id, 0, SYNC_SIM_MS);
    } else if (strcmp(name, "DELETE") == 0) {
        /* the task or the server was deleted: if it was the server, the next poll gets
         * 404 and the agent goes quiet (it re-registers only when restarted) */
        agent_report_ok(w, a, "DELETE", "agent stopped");
        job_end(a);
        a->continuous = false;
    } else if (strcmp(name, "UPLOAD_LOG") == 0 || strcmp(name, "RSET_LOG_ACL") == 0) {
        if (a->plan.flaky_commands)
            agent_report_fail(w, a, name, "SMS.0219",
                              "Failed to obtain the temporary credential from the config file.");
        else
            agent_report_ok(w, a, name, strcmp(name, "UPLOAD_LOG") == 0
                                            ? "logs uploaded" : "log object ACL reset");
    }
    /* other names (SKIP, PREMIGRATE...) have no result in §3.7: nothing to report */
}

static void agent_poll_command(fleet_worker *w, fleet_agent *a)
{
    if (!smsemu_worker_throttle(w))
        return;
    sms_command c = {0};
    sms_call_error e = {0};
    if (sms_agent_get_command(w->client, a->id, &c, &e) == 0) {
        agent_on_command(w, a, &c);
        sms_free(&SMS_T_COMMAND, &c);
    } else if (e.http_status == 404) {
        a->gone = true;                           /* the server was deleted */
        job_end(a);
    }
    sms_call_error_free(&e);
}

void smsemu_agent_turn(fleet_worker *w, fleet_agent *a, int64_t now)
{
    agent_flush_outbox(w, a);
    agent_poll_command(w, a);
    if (a->gone || atomic_load(&w->fleet->stop))
        return;
    if (a->job == JOB_MIGRATE)
        migrate_step(w, a, now);
    else if (a->job == JOB_SYNC)
        sync_step(w, a, now);
}

void smsemu_agent_free(fleet_agent *a)
{
    free(a->id);
    free(a->task_id);
    free(a->replicated_task);
    for (int k = 0; k < a->n_outbox; k++)
        free(a->outbox[k].detail);
    a->id = a->task_id = a->replicated_task = NULL;
    a->n_outbox = 0;
}
