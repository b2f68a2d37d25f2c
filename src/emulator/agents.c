/* agents.c - the simulated agents' runtime: real HTTP clients of the emulator.
 *
 * A few worker threads each own one sms_client (one keep-alive connection) and a slice
 * of the agents. A worker first registers its slice (POST /v3/sources), then loops,
 * giving each agent whose turn has come one turn (agents_work.c: poll the command,
 * execute it, report it and the progress of its job).
 *
 * Load is bounded twice: an agent's turn comes every AGENT_TICK_SIM_MS of simulated
 * time but never more often than the fleet-wide budget allows (FLEET_MAX_RATE requests
 * per second shared by the workers), and each worker spaces its requests evenly. */
#include "emulator/agents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/agent.h"
#include "emulator/emulator.h"
#include "model/codec.h"

/* ---- time and waiting -------------------------------------------------------- */

/* Waits until the monotonic deadline (us) or stop; false when stopping. */
static bool fleet_sleep_until_us(struct smsemu_fleet *f, int64_t deadline_us)
{
    pthread_mutex_lock(&f->lock);
    while (!atomic_load(&f->stop)) {
        int64_t left = deadline_us - smsemu_mono_us();
        if (left <= 0)
            break;
        smsemu_cond_wait_us(&f->cond, &f->lock, left);
    }
    pthread_mutex_unlock(&f->lock);
    return !atomic_load(&f->stop);
}

int64_t smsemu_worker_spacing_us(int n_workers)
{
    int64_t n = n_workers > 0 ? n_workers : 1;
    return (1000000LL * n + FLEET_MAX_RATE - 1) / FLEET_MAX_RATE;   /* rounded up */
}

/* Spaces this worker's requests evenly: its share of the fleet-wide budget. */
bool smsemu_worker_throttle(fleet_worker *w)
{
    int64_t now = smsemu_mono_us();
    if (w->next_send_us > now && !fleet_sleep_until_us(w->fleet, w->next_send_us))
        return false;
    int64_t base = w->next_send_us > now ? w->next_send_us : now;
    w->next_send_us = base + w->spacing_us;
    return !atomic_load(&w->fleet->stop);
}

/* ---- clients ------------------------------------------------------------------- */

sms_client *smsemu_fleet_client_new(const smsemu_fleet_opts *o, const char *user_agent,
                                    char *errbuf, size_t errlen)
{
    sms_client_opts co = {
        .endpoint = o->url,
        .iam_endpoint = o->url,
        .auth = SMS_AUTH_PASSWORD,
        .user = "admin",
        .domain = SMSEMU_DOMAIN,
        .project = SMSEMU_PROJECT,
        .password = "admin-pass",
        .timeout_ms = 15000,
        .max_read_retries = 2,
        .audit_path = "",           /* the fleet is not an operator: no audit lines */
        .cacert = o->cacert,        /* a self-signed emulator certificate is its own CA */
        .user_agent = user_agent,
    };
    sms_call_error e = {0};
    sms_client *c = sms_client_new(&co, &e);
    if (c && sms_client_login(c, &e) != 0) {
        sms_client_free(c);
        c = NULL;
    }
    if (!c) {
        char why[200];
        sms_call_error_summary(&e, why, sizeof why);
        snprintf(errbuf, errlen, "fleet: cannot log in to %s: %s", o->url, why);
    }
    sms_call_error_free(&e);
    return c;
}

/* ---- registration ----------------------------------------------------------------- */

static int64_t body_used_bytes(const sms_server *s)
{
    int64_t used = 0;
    for (size_t k = 0; k < s->n_disks; k++)
        for (size_t j = 0; j < s->disks[k].n_physical_volumes; j++)
            used += s->disks[k].physical_volumes[j].used_size;
    for (size_t k = 0; k < s->n_volume_groups; k++)
        for (size_t j = 0; j < s->volume_groups[k].n_logical_volumes; j++)
            used += s->volume_groups[k].logical_volumes[j].used_size;
    return used > 0 ? used : 1;
}

static void register_log(const fleet_worker *w, const fleet_agent *a, const char *name,
                         const sms_call_error *e)
{
    if (w->fleet->opts.quiet)
        return;
    char why[200];
    sms_call_error_summary(e, why, sizeof why);
    fprintf(stderr, "smsemu: fleet: agent %d (%s) %s: %s\n", a->index, name ? name : "?",
            a->refused ? "gives up registering" : "not registered yet, retrying on its turns", why);
}

/* Up to `attempts` tries. Like a real agent, one that fails for a lost or refused-for-now
 * request (5xx, 429, no answer) tries again on its later turns; a refusal for good (the
 * quota, a bad body) leaves it unregistered. Neither stops the fleet or the emulator.
 * Returns 0, or -1 when the body cannot be built (out of memory). */
static int agent_register(fleet_worker *w, fleet_agent *a, int attempts)
{
    sms_server body;
    if (smsemu_fleet_body(w->fleet->opts.seed, a->index, &body) != 0)
        return -1;
    if (smsemu_rollout_apply(a->role, &body) != 0) {
        sms_free(&SMS_T_REGISTER, &body);
        return -1;
    }
    a->totalsize = body_used_bytes(&body);
    a->windows = body.os_type && strcmp(body.os_type, "WINDOWS") == 0;
    sms_call_error e = {0};
    int rc = -1;
    for (int attempt = 0; attempt < attempts && smsemu_worker_throttle(w); attempt++) {
        sms_call_error_free(&e);
        rc = sms_agent_register(w->client, &body, &a->id, &e);
        if (rc == 0 || !smsemu_worth_retrying(&e))
            break;
    }
    if (rc != 0 && !atomic_load(&w->fleet->stop)) {
        a->refused = e.kind != SMS_E_NONE && !smsemu_worth_retrying(&e);
        if (attempts > 1 || a->refused)          /* once per agent, not once per turn */
            register_log(w, a, body.name, &e);
    }
    sms_call_error_free(&e);
    sms_free(&SMS_T_REGISTER, &body);
    return 0;
}

static void worker_register_done(fleet_worker *w, const char *err)
{
    struct smsemu_fleet *f = w->fleet;
    pthread_mutex_lock(&f->lock);
    if (err && !f->reg_failed) {
        f->reg_failed = true;
        snprintf(f->reg_err, sizeof f->reg_err, "%s", err);
    }
    f->registering--;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

static bool worker_register_all(fleet_worker *w)
{
    char err[256];
    for (int k = 0; k < w->count; k++) {
        fleet_agent *a = &w->fleet->agents[w->first + k];
        if (agent_register(w, a, REGISTER_ATTEMPTS) != 0) {
            snprintf(err, sizeof err, "fleet: out of memory building agent %d", a->index);
            worker_register_done(w, err);
            return false;
        }
    }
    worker_register_done(w, atomic_load(&w->fleet->stop) ? "fleet: stopped" : NULL);
    return true;
}

/* ---- the worker loop --------------------------------------------------------------- */

static void worker_schedule_first_turns(fleet_worker *w)
{
    int64_t now = smsemu_mono_ms();
    for (int k = 0; k < w->count; k++) {
        fleet_agent *a = &w->fleet->agents[w->first + k];
        /* spread the first turns over one period so polls do not come in bursts */
        a->next_due_ms = now + w->fleet->tick_ms * k / (w->count ? w->count : 1);
        a->gone = a->gone || a->plan.disconnected || a->role == SMSEMU_ROLLOUT_SILENT;
    }
}

static void worker_run(fleet_worker *w)
{
    struct smsemu_fleet *f = w->fleet;
    worker_schedule_first_turns(w);
    while (!atomic_load(&f->stop)) {
        int64_t now = smsemu_mono_ms(), next = now + 1000;
        for (int k = 0; k < w->count && !atomic_load(&f->stop); k++) {
            fleet_agent *a = &f->agents[w->first + k];
            if (a->gone || a->refused)
                continue;
            if (a->next_due_ms <= now) {
                if (a->id)
                    smsemu_agent_turn(w, a, now);
                else
                    agent_register(w, a, 1);      /* still not registered: one try a turn */
                now = smsemu_mono_ms();
                a->next_due_ms += f->tick_ms;
                if (a->next_due_ms <= now)        /* fell behind: no catching up in bursts */
                    a->next_due_ms = now + f->tick_ms;
            }
            if (a->next_due_ms < next)
                next = a->next_due_ms;
        }
        if (!fleet_sleep_until_us(f, next * 1000))
            break;
    }
}

static void *worker_main(void *arg)
{
    fleet_worker *w = arg;
    if (worker_register_all(w) && !w->fleet->opts.no_agents) {
        /* wait until every worker registered: the start reply tells the truth */
        struct smsemu_fleet *f = w->fleet;
        pthread_mutex_lock(&f->lock);
        while (f->registering > 0 && !atomic_load(&f->stop))
            pthread_cond_wait(&f->cond, &f->lock);
        bool ok = !f->reg_failed;
        pthread_mutex_unlock(&f->lock);
        /* from now on this worker spends its share of the fleet's request budget */
        w->spacing_us = smsemu_worker_spacing_us(f->n_workers);
        if (ok)
            worker_run(w);
    }
    return NULL;
}

/* ---- start and stop -------------------------------------------------------------------- */

static int64_t fleet_tick_ms(const smsemu_fleet_opts *o, int n)
{
    int64_t by_speed = smsemu_wave_real_ms(o->speed, AGENT_TICK_SIM_MS);
    /* a turn costs one request (command), two while a job runs (+ progress): budget
     * for 1.5 on average; smsemu_worker_throttle() holds the hard line if more are busy */
    int64_t by_budget = (int64_t)n * 3 * 1000 / (2 * FLEET_MAX_RATE);
    int64_t t = by_speed > by_budget ? by_speed : by_budget;
    return t < AGENT_MIN_TICK_MS ? AGENT_MIN_TICK_MS : t;
}

static int fleet_alloc(struct smsemu_fleet *f, const smsemu_fleet_opts *o)
{
    f->opts = *o;
    f->url = strdup(o->url);
    f->n = o->servers;
    f->agents = calloc((size_t)f->n + 1, sizeof *f->agents);
    f->ids = calloc((size_t)f->n + 1, sizeof *f->ids);
    if (!f->url || !f->agents || !f->ids)
        return -1;
    f->opts.url = f->url;
    for (int i = 0; i < f->n; i++) {
        f->agents[i].index = i;
        smsemu_wave_plan_of(o->seed, i, &f->agents[i].plan);
        f->agents[i].next_start_pct = f->agents[i].plan.start_percent;
    }
    if (o->inventory_extra > 0 || o->inventory_out) {
        smsemu_rollout_role *roles = calloc((size_t)f->n + 1, sizeof *roles);
        if (!roles)
            return -1;
        smsemu_rollout_roles(o->seed, f->n, roles);
        for (int i = 0; i < f->n; i++)
            f->agents[i].role = roles[i];
        free(roles);
    }
    f->tick_ms = fleet_tick_ms(o, f->n);
    atomic_init(&f->stop, false);
    f->sync_ready = true;
    pthread_mutex_init(&f->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->cond, &ca);
    pthread_condattr_destroy(&ca);
    return 0;
}

static int fleet_start_workers(struct smsemu_fleet *f, char *errbuf, size_t errlen)
{
    int n_workers = f->n < FLEET_WORKERS ? (f->n ? f->n : 1) : FLEET_WORKERS;
    for (int k = 0; k < n_workers; k++) {
        fleet_worker *w = &f->workers[k];
        w->fleet = f;
        w->first = f->n * k / n_workers;
        w->count = f->n * (k + 1) / n_workers - w->first;
        w->spacing_us = 0;      /* registration: as fast as the service answers */
        w->client = smsemu_fleet_client_new(&f->opts, "smsemu-agent/" SMS_VERSION, errbuf, errlen);
        if (!w->client)
            return -1;
    }
    f->n_workers = n_workers;
    f->registering = n_workers;
    for (int k = 0; k < n_workers; k++) {
        if (pthread_create(&f->workers[k].thread, NULL, worker_main, &f->workers[k]) != 0) {
            snprintf(errbuf, errlen, "fleet: cannot start agent threads");
            pthread_mutex_lock(&f->lock);
            f->registering -= n_workers - k;
            f->reg_failed = true;
            pthread_mutex_unlock(&f->lock);
            return -1;
        }
        f->workers[k].started = true;
    }
    return 0;
}

static int fleet_wait_registered(struct smsemu_fleet *f, char *errbuf, size_t errlen)
{
    pthread_mutex_lock(&f->lock);
    while (f->registering > 0)
        pthread_cond_wait(&f->cond, &f->lock);
    bool failed = f->reg_failed;
    if (failed)
        snprintf(errbuf, errlen, "%s", f->reg_err);
    pthread_mutex_unlock(&f->lock);
    return failed ? -1 : 0;
}

static int write_inventory(struct smsemu_fleet *f, char *errbuf, size_t errlen)
{
    smsemu_rollout_role *roles = calloc((size_t)f->n + 1, sizeof *roles);
    if (!roles) {
        snprintf(errbuf, errlen, "fleet: out of memory");
        return -1;
    }
    for (int i = 0; i < f->n; i++)
        roles[i] = f->agents[i].role;
    int rc = smsemu_rollout_write_inventory(f->opts.inventory_out, f->opts.seed, f->n, roles,
                                            f->opts.inventory_extra, errbuf, errlen);
    free(roles);
    return rc;
}

smsemu_fleet *smsemu_fleet_start(const smsemu_fleet_opts *o, char *errbuf, size_t errlen)
{
    char scratch[8];
    if (!errbuf || !errlen) {
        errbuf = scratch;
        errlen = sizeof scratch;
    }
    errbuf[0] = '\0';
    if (!o || !o->url || o->servers < 0) {
        snprintf(errbuf, errlen, "fleet: bad options");
        return NULL;
    }
    struct smsemu_fleet *f = calloc(1, sizeof *f);
    if (!f || fleet_alloc(f, o) != 0) {
        snprintf(errbuf, errlen, "fleet: out of memory");
        smsemu_fleet_stop(f);
        return NULL;
    }
    if (o->inventory_out && write_inventory(f, errbuf, errlen) != 0) {
        smsemu_fleet_stop(f);
        return NULL;
    }
    if (f->n == 0)
        return f;
    int64_t t0 = smsemu_mono_ms();
    if (fleet_start_workers(f, errbuf, errlen) != 0 ||
        fleet_wait_registered(f, errbuf, errlen) != 0) {
        smsemu_fleet_stop(f);
        return NULL;
    }
    int registered = 0;
    for (int i = 0; i < f->n; i++)      /* the wave plays the ones registered by now */
        registered += (f->ids[i] = f->agents[i].id) != NULL;
    if (!o->quiet)
        fprintf(stderr, "smsemu: %d of %d agents registered in %.1f s\n", registered, f->n,
                (double)(smsemu_mono_ms() - t0) / 1000.0);
    if (!o->no_agents) {
        f->wave = smsemu_wave_start(&f->opts, f->ids, f->n, errbuf, errlen);
        if (!f->wave) {
            smsemu_fleet_stop(f);
            return NULL;
        }
    }
    return f;
}

int64_t smsemu_fleet_poll_period_ms(const smsemu_fleet *f)
{
    return f ? f->tick_ms : 0;
}

void smsemu_fleet_stop(smsemu_fleet *f)
{
    if (!f)
        return;
    atomic_store(&f->stop, true);
    smsemu_wave_stop(f->wave);
    if (f->sync_ready) {
        pthread_mutex_lock(&f->lock);
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
    }
    for (int k = 0; k < FLEET_WORKERS; k++)
        if (f->workers[k].client)
            sms_client_cancel(f->workers[k].client);
    for (int k = 0; k < FLEET_WORKERS; k++) {
        if (f->workers[k].started)
            pthread_join(f->workers[k].thread, NULL);
        sms_client_free(f->workers[k].client);
    }
    for (int i = 0; f->agents && i < f->n; i++)
        smsemu_agent_free(&f->agents[i]);
    free(f->agents);
    free(f->ids);
    free(f->url);
    if (f->sync_ready) {
        pthread_cond_destroy(&f->cond);
        pthread_mutex_destroy(&f->lock);
    }
    free(f);
}
