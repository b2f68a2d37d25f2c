/* wave.c - the wave driver: shortly after the fleet registers, an admin client configures
 * targets and starts migrations for a seeded share of the servers, so that the console
 * sees a real migration wave (every cycle, progress, sync, failures, paused tasks).
 *
 * The driver only uses the documented API (POST /v3/tasks, POST /v3/tasks/{id}/action);
 * what happens next is the agents' doing (agents_work.c) and the emulator's state machine. */
#include "emulator/wave.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/client.h"
#include "emulator/emulator.h"
#include "emulator/monoclock.h"
#include "model/codec.h"

#define WAVE_PAUSE_AFTER_SIM_MS (90 * 1000)  /* paused tasks run ~90 s (simulated) first */
#define WAVE_REPLICATE_MIN_SIM_MS (6 * 60 * 1000)
#define WAVE_REPLICATE_SPAN_SIM_MS (6 * 60 * 1000)
#define WAVE_LONG_REPLICATION 10    /* the REPLICATING stage copies big servers: 1-2 hours */
#define WAVE_ATTEMPTS 5             /* per request, when the answer was lost */

/* ---- the plan ---------------------------------------------------------------- */

typedef struct failure { const char *code, *msg; } failure;

static const failure FAILURES[] = {
    {"SMS.0807", "Network error between the source server and the target server."},
    {"SMS.1351", "Mount point /var/log has no free space; at least 1 MB is required."},
    {"SMS.0805", "Failed to migrate partition /dev/vdb1 to the target server."},
    {"SMS.1807", "Cannot connect to the target server (port 8900)."},
    {"SMS.3205", "Failed to mount partition /dev/vda2 on the target server."},
    {"SMS.1902", "Failed to start the I/O monitoring module on the source server."},
};

static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Stage shares in percent; a stride coprime with 100 walks the buckets so that any 100
 * consecutive agents hold each share exactly, and a small fleet still sees every stage. */
static smsemu_wave_stage stage_of_bucket(unsigned b, bool *disconnected)
{
    *disconnected = false;
    if (b < 12) return SMSEMU_WAVE_IDLE;
    if (b < 20) return SMSEMU_WAVE_SETTING;
    if (b < 47) return SMSEMU_WAVE_REPLICATING;
    if (b < 63) return SMSEMU_WAVE_SYNCING;
    if (b < 82) return SMSEMU_WAVE_FINISHED;
    if (b < 90) return SMSEMU_WAVE_FAILED;
    if (b < 96) return SMSEMU_WAVE_PAUSED;
    *disconnected = true;
    return SMSEMU_WAVE_IDLE;
}

void smsemu_wave_plan_of(uint64_t seed, int i, smsemu_wave_plan *out)
{
    memset(out, 0, sizeof *out);
    unsigned bucket = (unsigned)(((uint64_t)(unsigned)i * 37u + mix64(seed) % 100u) % 100u);
    out->stage = stage_of_bucket(bucket, &out->disconnected);
    uint64_t r = mix64(seed ^ mix64((uint64_t)(unsigned)i + 0x5157u));
    out->flaky_commands = r % 10 == 0;
    r /= 10;
    out->replicate_sim_ms = WAVE_REPLICATE_MIN_SIM_MS + (int64_t)(r % WAVE_REPLICATE_SPAN_SIM_MS);
    r /= WAVE_REPLICATE_SPAN_SIM_MS;
    out->mbit_s = 80.0 + (double)(r % 820);
    r /= 820;
    switch (out->stage) {
    case SMSEMU_WAVE_REPLICATING:
        /* still copying minutes after the wave started, even at --speed 10 (the demo) */
        out->replicate_sim_ms *= WAVE_LONG_REPLICATION;
        out->start_percent = 3 + (int)(r % 60);
        break;
    case SMSEMU_WAVE_SYNCING:     out->start_percent = 55 + (int)(r % 40); break;
    case SMSEMU_WAVE_FINISHED:    out->start_percent = 88 + (int)(r % 10); break;
    case SMSEMU_WAVE_PAUSED:      out->start_percent = 10 + (int)(r % 40); break;
    case SMSEMU_WAVE_FAILED:
        out->start_percent = 5 + (int)(r % 50);
        out->fail_percent = out->start_percent + 2 + (int)(r / 50 % 20);
        out->fail_code = FAILURES[r / 1000 % (sizeof FAILURES / sizeof FAILURES[0])].code;
        out->fail_msg = FAILURES[r / 1000 % (sizeof FAILURES / sizeof FAILURES[0])].msg;
        break;
    default: break;
    }
}

const char *smsemu_wave_stage_name(smsemu_wave_stage s)
{
    static const char *const names[SMSEMU_WAVE_N_STAGES] = {
        "idle", "setting", "replicating", "syncing", "finished", "failed", "paused",
    };
    return (unsigned)s < SMSEMU_WAVE_N_STAGES ? names[s] : "?";
}

int64_t smsemu_wave_real_ms(double speed, int64_t sim_ms)
{
    if (!(speed > 0.0))
        speed = 1.0;
    double ms = (double)sim_ms / speed;
    return ms < 1.0 ? 1 : (int64_t)ms;
}

/* ---- the driver --------------------------------------------------------------- */

typedef struct pending_stop {
    char *task_id;
    int64_t due_ms;             /* monotonic */
} pending_stop;

struct smsemu_wave {
    smsemu_fleet_opts opts;
    const char *const *ids;
    int n;
    sms_client *client;
    pthread_t thread;
    bool started;
    atomic_bool stop;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pending_stop *stops;
    size_t n_stops;
    int64_t next_send_ms;       /* rate limit */
};

/* Sleeps until deadline (monotonic ms) or until asked to stop. false when stopping. */
static bool wave_sleep_until(smsemu_wave *w, int64_t deadline)
{
    pthread_mutex_lock(&w->lock);
    while (!atomic_load(&w->stop) && smsemu_mono_ms() < deadline) {
        int64_t left = deadline - smsemu_mono_ms();
        if (left > 200)
            left = 200;
        smsemu_cond_wait_us(&w->wake, &w->lock, left * 1000);
    }
    pthread_mutex_unlock(&w->lock);
    return !atomic_load(&w->stop);
}

int64_t smsemu_wave_spacing_ms(void)
{
    return (1000 + SMSEMU_WAVE_MAX_RATE - 1) / SMSEMU_WAVE_MAX_RATE;   /* rounded up */
}

static bool wave_throttle(smsemu_wave *w)
{
    int64_t now = smsemu_mono_ms();
    if (w->next_send_ms > now && !wave_sleep_until(w, w->next_send_ms))
        return false;
    w->next_send_ms = (w->next_send_ms > now ? w->next_send_ms : now) + smsemu_wave_spacing_ms();
    return !atomic_load(&w->stop);
}

static void wave_log(const smsemu_wave *w, const char *what, const char *who,
                     const sms_call_error *e)
{
    if (w->opts.quiet || atomic_load(&w->stop))
        return;
    char buf[256];
    sms_call_error_summary(e, buf, sizeof buf);
    fprintf(stderr, "smsemu: wave: %s %s: %s\n", what, who, buf);
}

static int copy_target_disks(const sms_server *src, sms_task_target *t)
{
    if (!src->n_disks)
        return 0;
    t->disks = calloc(src->n_disks, sizeof *t->disks);
    if (!t->disks)
        return -1;
    t->n_disks = src->n_disks;
    for (size_t k = 0; k < src->n_disks; k++) {
        const sms_disk *d = &src->disks[k];
        sms_target_disk *td = &t->disks[k];
        td->name = strdup(d->name ? d->name : "");
        td->device_use = strdup(d->device_use ? d->device_use : "NORMAL");
        td->size = d->size;
        td->used_size = d->used_size;
        if (!td->name || !td->device_use)
            return -1;
    }
    return 0;
}

/* The source's Btrfs file systems go to the target as BtrfsFileSystem objects (the
 * TargetServer shape), never as bare names. */
static int copy_target_btrfs(const sms_server *src, sms_task_target *t)
{
    if (!src->n_btrfs_list)
        return 0;
    t->btrfs_fs = calloc(src->n_btrfs_list, sizeof *t->btrfs_fs);
    if (!t->btrfs_fs)
        return -1;
    for (; t->n_btrfs_fs < src->n_btrfs_list; t->n_btrfs_fs++)
        if (sms_copy(&SMS_T_BTRFS, &t->btrfs_fs[t->n_btrfs_fs], &src->btrfs_list[t->n_btrfs_fs]) != 0)
            return -1;
    return 0;
}

/* The PostTask body (§3.10) for agent i: block migration (file-level for some Linux),
 * a target named after the source, continuous sync only for the SYNCING stage. */
static int build_task(const smsemu_wave *w, int i, const smsemu_wave_plan *p,
                      sms_create_task *t)
{
    sms_server body;
    memset(t, 0, sizeof *t);
    if (smsemu_fleet_body(w->opts.seed, i, &body) != 0)
        return -1;
    bool linux_os = body.os_type && strcmp(body.os_type, "LINUX") == 0;
    bool file_level = linux_os && i % 5 == 0;
    t->name = malloc(96);
    t->target_server.name = malloc(96);
    if (t->name)
        snprintf(t->name, 96, "MigrationTask-%s", body.name ? body.name : "server");
    if (t->target_server.name)
        snprintf(t->target_server.name, 96, "%s-ecs", body.name ? body.name : "server");
    t->type = strdup(file_level ? "MIGRATE_FILE" : "MIGRATE_BLOCK");
    t->os_type = strdup(body.os_type ? body.os_type : "LINUX");
    t->region_name = strdup(SMSEMU_PROJECT);
    t->region_id = strdup(SMSEMU_PROJECT);
    t->project_name = strdup(SMSEMU_PROJECT);
    t->project_id = strdup(SMSEMU_PROJECT_ID);
    t->priority = (int32_t)(i % 3);
    t->syncing = p->stage == SMSEMU_WAVE_SYNCING;
    t->start_target_server = true;
    t->has_source_server = true;
    t->source_server.id = strdup(w->ids[i]);
    t->has_target_server = true;
    t->target_server.os_type = strdup(t->os_type ? t->os_type : "LINUX");
    int rc = copy_target_disks(&body, &t->target_server) || copy_target_btrfs(&body, &t->target_server);
    sms_free(&SMS_T_REGISTER, &body);
    if (rc != 0 || !t->name || !t->target_server.name || !t->type || !t->os_type ||
        !t->region_name || !t->region_id || !t->project_name || !t->project_id ||
        !t->source_server.id || !t->target_server.os_type) {
        sms_free(&SMS_T_CREATE_TASK, t);
        return -1;
    }
    return 0;
}

static void wave_add_stop(smsemu_wave *w, const char *task_id, int64_t due_ms)
{
    pending_stop *grown = realloc(w->stops, (w->n_stops + 1) * sizeof *grown);
    if (!grown)
        return;
    w->stops = grown;
    w->stops[w->n_stops].task_id = strdup(task_id);
    w->stops[w->n_stops].due_ms = due_ms;
    if (w->stops[w->n_stops].task_id)
        w->n_stops++;
}

static bool error_is(const sms_call_error *e, const char *code)
{
    return e->api.error_code && strcmp(e->api.error_code, code) == 0;
}

/* The server's current task (malloc'd id), NULL if none or unknown. */
static char *current_task_of(smsemu_wave *w, const char *server_id)
{
    sms_server s = {0};
    sms_call_error e = {0};
    char *id = NULL;
    if (wave_throttle(w) && sms_show_server(w->client, server_id, &s, &e) == 0 &&
        s.has_current_task && s.current_task.id)
        id = strdup(s.current_task.id);
    sms_free(&SMS_T_SERVER, &s);
    sms_call_error_free(&e);
    return id;
}

/* POST /v3/tasks, again when lost (faults may be on). When a lost attempt did arrive, the
 * next one gets SMS.2212 (the server has a task): that task is ours. */
static char *wave_create_task(smsemu_wave *w, const sms_create_task *t, const char *server_id)
{
    for (int attempt = 0; attempt < WAVE_ATTEMPTS && wave_throttle(w); attempt++) {
        char *task_id = NULL;
        sms_call_error e = {0};
        if (sms_task_create(w->client, t, &task_id, &e) == 0)
            return task_id;
        bool again = smsemu_worth_retrying(&e);
        bool arrived_before = attempt > 0 && error_is(&e, "SMS.2212");
        if (!again && !arrived_before)
            wave_log(w, "create task for", server_id, &e);
        sms_call_error_free(&e);
        if (arrived_before)
            return current_task_of(w, server_id);
        if (!again)
            break;
    }
    return NULL;
}

/* POST .../action start, again when lost; SMS.1039 after a lost attempt means it arrived. */
static bool wave_start_task(smsemu_wave *w, const char *task_id)
{
    for (int attempt = 0; attempt < WAVE_ATTEMPTS && wave_throttle(w); attempt++) {
        sms_call_error e = {0};
        if (sms_task_do_action(w->client, task_id, "start", &e) == 0)
            return true;
        bool again = smsemu_worth_retrying(&e);
        bool arrived_before = attempt > 0 && error_is(&e, "SMS.1039");
        if (!again && !arrived_before)
            wave_log(w, "start task", task_id, &e);
        sms_call_error_free(&e);
        if (arrived_before)
            return true;
        if (!again)
            break;
    }
    return false;
}

/* Configure the target of server i and start it if its stage says so. */
static void wave_drive_one(smsemu_wave *w, int i)
{
    smsemu_wave_plan p;
    smsemu_wave_plan_of(w->opts.seed, i, &p);
    if (p.stage == SMSEMU_WAVE_IDLE || !w->ids[i])
        return;
    sms_create_task t;
    if (build_task(w, i, &p, &t) != 0)
        return;
    char *task_id = wave_create_task(w, &t, w->ids[i]);
    sms_free(&SMS_T_CREATE_TASK, &t);
    if (task_id && p.stage != SMSEMU_WAVE_SETTING && wave_start_task(w, task_id) &&
        p.stage == SMSEMU_WAVE_PAUSED)
        wave_add_stop(w, task_id,
                      smsemu_mono_ms() + smsemu_wave_real_ms(w->opts.speed, WAVE_PAUSE_AFTER_SIM_MS));
    free(task_id);
}

/* Issue the stops that are due; returns the next due time (or -1 when none is left). */
static int64_t wave_run_stops(smsemu_wave *w)
{
    int64_t next = -1;
    for (size_t k = 0; k < w->n_stops && !atomic_load(&w->stop); k++) {
        pending_stop *s = &w->stops[k];
        if (!s->task_id)
            continue;
        if (s->due_ms > smsemu_mono_ms()) {
            next = next < 0 || s->due_ms < next ? s->due_ms : next;
            continue;
        }
        if (!wave_throttle(w))
            break;
        sms_call_error e = {0};
        if (sms_task_do_action(w->client, s->task_id, "stop", &e) != 0)
            wave_log(w, "stop task", s->task_id, &e);
        sms_call_error_free(&e);
        free(s->task_id);
        s->task_id = NULL;
    }
    return next;
}

static void *wave_main(void *arg)
{
    smsemu_wave *w = arg;
    for (int i = 0; i < w->n && !atomic_load(&w->stop); i++) {
        wave_drive_one(w, i);
        if (i % 16 == 0)
            wave_run_stops(w);
    }
    for (;;) {
        int64_t next = wave_run_stops(w);
        if (next < 0 || !wave_sleep_until(w, next))
            break;
    }
    return NULL;
}

smsemu_wave *smsemu_wave_start(const smsemu_fleet_opts *o, const char *const *ids, int n,
                               char *errbuf, size_t errlen)
{
    smsemu_wave *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(errbuf, errlen, "wave: out of memory");
        return NULL;
    }
    w->opts = *o;
    w->ids = ids;
    w->n = n;
    atomic_init(&w->stop, false);
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &ca);
    pthread_condattr_destroy(&ca);
    w->client = smsemu_fleet_client_new(o, "smsemu-wave", errbuf, errlen);
    if (!w->client || pthread_create(&w->thread, NULL, wave_main, w) != 0) {
        if (w->client)
            snprintf(errbuf, errlen, "wave: cannot start its thread");
        smsemu_wave_stop(w);
        return NULL;
    }
    w->started = true;
    return w;
}

void smsemu_wave_stop(smsemu_wave *w)
{
    if (!w)
        return;
    atomic_store(&w->stop, true);
    pthread_mutex_lock(&w->lock);
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    if (w->client)
        sms_client_cancel(w->client);
    if (w->started)
        pthread_join(w->thread, NULL);
    sms_client_free(w->client);
    for (size_t k = 0; k < w->n_stops; k++)
        free(w->stops[k].task_id);
    free(w->stops);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
