/* poller.c - the background poller: fleet and selected-server fetches, health and
 * backoff, immutable snapshots handed to the UI through a one-slot mailbox + pipe.
 * The action worker lives in poller_actions.c; see poller.h for the contract. */
#include "api/poller_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "api/snapshot.h"
#include "model/text.h"

#define DEFAULT_REFRESH_MS 5000
/* The selected server's detail is read again when its list item changes (a refresh saw
 * it move) and otherwise once a minute: detail-only data (disks, NICs) rarely changes. */
#define DEFAULT_DETAIL_MS 60000
#define DEFAULT_VERSION_MS 1000      /* one ShowServer a second for agent versions */
#define DEFAULT_MAX_BACKOFF_MS 60000

/* ---- publishing ----------------------------------------------------------- */

static void wake_ui_locked(sms_poller *p)
{
    if (p->wake_pending)            /* coalesce: one pending byte is enough */
        return;
    ssize_t n;
    do
        n = write(p->wake_w, "s", 1);
    while (n < 0 && errno == EINTR);
    p->wake_pending = n == 1;
}

static void drain_wake_locked(sms_poller *p)
{
    char buf[64];
    while (read(p->wake_r, buf, sizeof buf) > 0)
        ;
    p->wake_pending = false;
}

static const sms_history *current_history_locked(sms_poller *p)
{
    if (p->hist_dirty || !p->hist_pub) {
        sms_history *h = sms_history_publish(&p->hist);
        if (h) {                    /* on OOM the previous copy stays */
            sms_history_unref(p->hist_pub);
            p->hist_pub = h;
            p->hist_dirty = false;
        }
    }
    return p->hist_pub;
}

void sms_poller_publish_locked(sms_poller *p)
{
    sms_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return;
    s->seq = ++p->seq;
    s->fleet_seq = p->fleet_seq;
    s->now_ms = sms_clock_wall_ms();
    s->fleet = sms_fleet_ref(p->fleet);
    s->detail = sms_detail_ref(p->detail);
    s->history = sms_history_ref(current_history_locked(p));
    s->versions = sms_agent_versions_ref(sms_versions_publish_locked(p, sms_clock_mono_ms(), false));
    for (int i = 0; i < SMS_CALL__COUNT; i++) {
        s->health[i] = p->health[i];
        if (sms_call_error_copy(&s->health[i].error, &p->health[i].error))
            memset(&s->health[i].error, 0, sizeof s->health[i].error);
    }
    s->stale = p->stale;
    s->next_poll_ms = p->next_poll_ms;
    s->refresh = p->refresh_pub;
    int64_t t1 = sms_client_throttled_until_ms(p->poll_client),
            t2 = sms_client_throttled_until_ms(p->act_client);
    p->throttled_until_ms = t1 > t2 ? t1 : t2;
    s->throttled_until_ms = p->throttled_until_ms;
    s->logged_in = p->logged_in;
    s->login_refused = p->login_refused;
    s->user = p->user ? strdup(p->user) : NULL;
    sms_snapshot_release(p->slot);
    p->slot = s;
    wake_ui_locked(p);
}

/* e may move (see sms_history_log_save): callers do not use it afterwards. */
void sms_poller_history_changed_locked(sms_poller *p, const sms_history_entry *e)
{
    sms_history_log_save(&p->hist, e);     /* a full disk must not stop the console */
    p->hist_dirty = true;
}

void sms_poller_await_state_locked(sms_poller *p, uint64_t id)
{
    if (p->n_awaiting == p->alloc_awaiting) {
        size_t alloc = p->alloc_awaiting ? p->alloc_awaiting * 2 : 16;
        struct sms_awaiting *v = realloc(p->awaiting, alloc * sizeof *v);
        if (!v)
            return;
        p->awaiting = v;
        p->alloc_awaiting = alloc;
    }
    p->awaiting[p->n_awaiting++] = (struct sms_awaiting){ id, p->fetch_gen };
}

/* ---- health --------------------------------------------------------------- */

static void record_health_locked(sms_poller *p, sms_call_id id, int rc, sms_call_error *e,
                                 int64_t tried_ms)
{
    sms_health *h = &p->health[id];
    h->last_try_ms = tried_ms;
    if (rc == 0) {
        h->ok = true;
        h->last_ok_ms = sms_clock_wall_ms();
        h->failures = 0;
        p->logged_in = true;
        return;
    }
    h->ok = false;
    h->failures++;
    sms_call_error_sanitize(e);
    sms_call_error_free(&h->error);
    h->error = *e;                          /* moved */
    memset(e, 0, sizeof *e);
    if (h->error.kind == SMS_E_AUTH || h->error.http_status == 401)
        p->logged_in = false;
    /* IAM refused the credentials themselves: trying again with the same ones cannot
     * succeed and may lock the IAM user; wait for the operator (r, or a context switch) */
    if (h->error.kind == SMS_E_AUTH && h->error.http_status == 401)
        p->login_refused = true;
}

/* base, then doubling per consecutive failure, capped (never below base). */
static int64_t backoff_ms(int base, int max_backoff, unsigned failures)
{
    int64_t d = base;
    for (unsigned i = 1; i < failures && d < max_backoff; i++)
        d *= 2;
    if (failures > 0 && d > max_backoff)
        d = max_backoff;
    return d < base ? base : d;
}

/* The fleet's retry interval while it fails. The screen shows STALE meanwhile, so the
 * API coming back must show within two refresh intervals, without `r`; only a 429 (the
 * API asking us to slow down) backs off further, up to max_backoff. */
static int64_t fleet_backoff_ms(const sms_poller *p)
{
    const sms_health *h = &p->health[SMS_CALL_SERVERS];
    int cap = h->error.http_status == 429 || 2 * p->refresh_ms > p->max_backoff_ms
              ? p->max_backoff_ms : 2 * p->refresh_ms;
    return backoff_ms(p->refresh_ms, cap, h->failures);
}

/* ---- state observed after an action --------------------------------------- */

/* The server states an action leads to; NULL: none in particular (the first look
 * settles it). An empty list: only the server leaving the listing does (DELETE). */
static const char *const *leads_to(sms_action_kind k)
{
    static const char *const start[] = { "replicate", "syncing", "finished", "error", NULL };
    static const char *const stop[] = { "stopped", "finished", "error", NULL };
    static const char *const launch[] = { "finished", "error", NULL };
    static const char *const clear[] = { "cleared", "clearfailed", NULL };
    static const char *const drill[] = { "premiged", "premigfailed", "error", NULL };
    static const char *const gone[] = { NULL };
    switch (k) {
    case SMS_ACT_START: case SMS_ACT_RESTART: return start;
    case SMS_ACT_STOP:                        return stop;
    case SMS_ACT_LAUNCH:                      return launch;
    case SMS_ACT_CLEAR:                       return clear;
    case SMS_ACT_MIGRATION_TEST:              return drill;
    case SMS_ACT_DELETE:                      return gone;
    default:                                  return NULL;
    }
}

static bool reached(sms_action_kind k, const sms_server *s)
{
    const char *const *want = leads_to(k);
    if (!want || !s)
        return true;                                    /* no target, or no longer listed */
    for (size_t i = 0; want[i]; i++)
        if (s->state && strcmp(s->state, want[i]) == 0)
            return true;
    return false;
}

/* state_after for what the server shows now; at the timeout, what it never reached. */
static char *state_text(const sms_history_entry *e, const sms_server *s, bool timed_out)
{
    char *text = s ? sms_server_state_text(s) : strdup("not listed");
    const char *const *want = leads_to(e->action);
    char *out = NULL;
    if (!text || !timed_out)
        return text;
    if (asprintf(&out, "%s (no %s after %d min)", text, want && want[0] ? want[0] : "change",
                 SMS_FOLLOW_TIMEOUT_MS / 60000) < 0)
        out = NULL;
    free(text);
    return out;
}

/* Follow the entries waiting for it in the book: state_after is what the server shows on
 * each fetch that started after the action listed or showed it, until it reaches the
 * state the action leads to or SMS_FOLLOW_TIMEOUT_MS passes; a server no longer in the
 * book was removed on evidence (a complete listing without it, or a 404). */
static void observe_state_locked(sms_poller *p)
{
    size_t keep = 0;
    int64_t now = sms_clock_wall_ms();
    for (size_t i = 0; i < p->n_awaiting; i++) {
        sms_history_entry *e = sms_history_log_find(&p->hist, p->awaiting[i].id);
        if (!e)
            continue;                                   /* fell off the cap */
        size_t k = sms_book_find(&p->book, e->server_id);
        if (k != SMS_IDMAP_NONE && p->book.seen[k] <= p->awaiting[i].after_gen) {
            p->awaiting[keep++] = p->awaiting[i];       /* not yet observable */
            continue;
        }
        const sms_server *s = k != SMS_IDMAP_NONE ? p->book.items[k] : NULL;
        bool settled = !e->following || reached(e->action, s);
        bool timed_out = !settled && now - (e->done_ms ? e->done_ms : e->at_ms) > SMS_FOLLOW_TIMEOUT_MS;
        char *text = state_text(e, s, timed_out);
        if (!text) {
            p->awaiting[keep++] = p->awaiting[i];
            continue;
        }
        bool changed = !e->state_after || strcmp(e->state_after, text) != 0 || settled || timed_out;
        if (!settled && !timed_out)
            p->awaiting[keep++] = p->awaiting[i];       /* look again on the next fetch */
        if (!changed) {
            free(text);
            continue;
        }
        free(e->state_after);
        e->state_after = text;
        e->following = !settled && !timed_out;
        sms_poller_history_changed_locked(p, e);        /* e may move: not used after */
    }
    p->n_awaiting = keep;
}

/* Entries still following their server when the console stopped: follow them again. */
static void resume_following_locked(sms_poller *p)
{
    for (size_t i = 0; i < p->hist.n; i++)
        if (p->hist.v[i].following)
            sms_poller_await_state_locked(p, p->hist.v[i].id);
}

/* Servers acted on that no fetch has shown since: read each again, so the history shows
 * the state an action led to within one refresh whatever the server's state. */
static void refetch_acted(sms_poller *p, uint64_t gen)
{
    pthread_mutex_lock(&p->mu);
    size_t n = p->n_awaiting, m = 0;
    char **ids = n ? calloc(n, sizeof *ids) : NULL;
    for (size_t i = 0; ids && i < n; i++) {
        const sms_history_entry *e = sms_history_log_find(&p->hist, p->awaiting[i].id);
        size_t k = e ? sms_book_find(&p->book, e->server_id) : SMS_IDMAP_NONE;
        if (k != SMS_IDMAP_NONE && p->book.seen[k] <= p->awaiting[i].after_gen)
            ids[m++] = strdup(e->server_id);
    }
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < m; i++) {
        sms_call_error e = { 0 };
        if (ids[i])
            sms_poller_refetch_server(p, ids[i], gen, &e);
        sms_call_error_free(&e);
        free(ids[i]);
    }
    free(ids);
}

/* ---- fleet ---------------------------------------------------------------- */

static bool same_overview(const sms_overview *a, const sms_overview *b)
{
    return memcmp(a, b, sizeof *a) == 0;        /* int32_t members only: no padding */
}

/* The fleet to publish after a refresh: the book's servers when they changed, else the
 * previous fleet renewed (same servers, new fetch time), with the overview settled.
 * *changed tells whether the data differs from the previous fleet's. */
static sms_fleet *next_fleet(sms_poller *p, const sms_overview *ov, bool *changed)
{
    const sms_fleet *old = p->fleet;
    bool servers_changed = !old || p->book.changed;
    sms_fleet *f = servers_changed ? sms_book_publish(&p->book) : sms_fleet_renew(old);
    if (!f)
        return NULL;
    if (ov)
        f->overview = *ov;
    else if (old)                               /* keep the last good counts */
        f->overview = old->overview;
    *changed = servers_changed || !same_overview(&f->overview, &old->overview);
    return f;
}

static void poll_fleet(sms_poller *p, uint64_t gen, bool full)
{
    int64_t started = sms_clock_wall_ms();
    sms_overview ov = {0};
    sms_call_error e_ov = {0}, e_list = {0};
    if (full)
        p->full_wanted = true;
    refetch_acted(p, gen);
    int rc_ov = sms_show_overview(p->poll_client, &ov, &e_ov);
    int rc_list;
    if (rc_ov != 0 && e_ov.http_status == 429) {     /* throttled: say so now, list later */
        rc_list = -1;
        sms_call_error_copy(&e_list, &e_ov);
    } else {
        rc_list = sms_poller_refresh_fleet(p, gen, rc_ov == 0 ? &ov : NULL, &e_list);
    }
    bool changed = false;
    /* a failed refresh publishes nothing new: the last good fleet stays with its age,
     * what the book did learn is published by the next refresh that works */
    sms_fleet *f = rc_list == 0 ? next_fleet(p, rc_ov == 0 ? &ov : NULL, &changed) : NULL;

    pthread_mutex_lock(&p->mu);
    record_health_locked(p, SMS_CALL_OVERVIEW, rc_ov, &e_ov, started);
    record_health_locked(p, SMS_CALL_SERVERS, rc_list, &e_list, started);
    if (f) {
        /* an unchanged fleet is a new part (its fetched_ms says the data is current)
         * sharing the same servers, under the same fleet_seq: the UI keeps its table */
        if (changed)
            p->fleet_seq++;
        sms_fleet_unref(p->fleet);
        p->fleet = f;
    }
    observe_state_locked(p);
    p->refresh_pub = p->stats;
    p->stale = rc_list != 0 || !f;
    p->next_poll_ms = sms_clock_wall_ms() + fleet_backoff_ms(p);
    sms_poller_publish_locked(p);
    pthread_mutex_unlock(&p->mu);
    sms_call_error_free(&e_ov);
    sms_call_error_free(&e_list);
}

/* ---- selected server ------------------------------------------------------ */

/* Keep the previous task when only the task call failed, so the pane does not flicker. */
static void keep_previous_task_locked(sms_poller *p, sms_detail *d)
{
    const sms_detail *old = p->detail;
    if (d->has_task || !old || !old->has_task || !d->server.has_current_task ||
        strcmp(old->server_id, d->server_id) != 0 || !old->task.id ||
        !d->server.current_task.id || strcmp(old->task.id, d->server.current_task.id) != 0)
        return;
    if (sms_copy(&SMS_T_TASK, &d->task, &old->task) == 0)
        d->has_task = true;
}

static sms_detail *build_detail(const char *id, const sms_server *srv, const sms_task *task,
                                const sms_speed_limits *limits)
{
    sms_detail *d = sms_detail_new();
    if (!d)
        return NULL;
    d->fetched_ms = sms_clock_wall_ms();
    d->server_id = sms_sanitize_dup(id);
    if (!d->server_id || sms_sanitized_copy(&SMS_T_SERVER, &d->server, srv)) {
        sms_detail_unref(d);
        return NULL;
    }
    if (task && sms_sanitized_copy(&SMS_T_TASK, &d->task, task) == 0)
        d->has_task = true;
    if (limits && sms_sanitized_copy(&SMS_T_SPEED_LIMITS, &d->limits, limits) == 0)
        d->has_limits = true;
    return d;
}

static bool same_json(const sms_type *t, const void *a, const void *b)
{
    char *ja = sms_to_json(t, a), *jb = sms_to_json(t, b);
    bool same = ja && jb && strcmp(ja, jb) == 0;
    free(ja);
    free(jb);
    return same;
}

/* Same server and task data (their fetch times aside). */
static bool same_detail(const sms_detail *a, const sms_detail *b)
{
    return a && b && strcmp(a->server_id, b->server_id) == 0 && a->has_task == b->has_task &&
           a->has_limits == b->has_limits && same_json(&SMS_T_SERVER, &a->server, &b->server) &&
           (!a->has_task || same_json(&SMS_T_TASK, &a->task, &b->task)) &&
           (!a->has_limits || same_json(&SMS_T_SPEED_LIMITS, &a->limits, &b->limits));
}

/* What the UI shows of a call's health; its times move with every fetch. */
typedef struct health_shown { bool ok; unsigned failures; sms_error_kind kind; } health_shown;

static health_shown health_shown_of(const sms_health *h)
{
    return (health_shown){ h->ok, h->failures, h->error.kind };
}

static bool health_shown_differs(health_shown a, const sms_health *b)
{
    return a.ok != b->ok || a.failures != b->failures || a.kind != b->error.kind;
}

/* The limits in force (GET .../speed-limit). A task without any is answered with
 * SMS.6302 ("no migration speed limit found"): that is "none", not a failure. Other
 * failures leave the pane without the line; the task's own health says why. */
static int read_limits(sms_client *c, const char *task_id, sms_speed_limits *out)
{
    sms_call_error e = {0};
    int rc = sms_get_speed_limits(c, task_id, out, &e);
    if (rc != 0 && e.api.error_code && strcmp(e.api.error_code, "SMS.6302") == 0)
        rc = 0;
    sms_call_error_free(&e);
    return rc;
}

static void poll_detail(sms_poller *p, const char *id)
{
    int64_t started = sms_clock_wall_ms();
    sms_server srv = {0};
    sms_task task = {0};
    sms_call_error e_srv = {0}, e_task = {0};
    int rc_task = -1;
    pthread_mutex_lock(&p->mu);
    const sms_detail *prev = sms_detail_ref(p->detail);
    pthread_mutex_unlock(&p->mu);
    int rc_srv = sms_show_server(p->poll_client, id, &srv, &e_srv);
    bool wants_task = rc_srv == 0 && srv.has_current_task && srv.current_task.id &&
                      srv.current_task.id[0];
    sms_speed_limits limits = {0};
    int rc_limits = -1;
    if (wants_task) {
        rc_task = sms_show_task(p->poll_client, srv.current_task.id, &task, &e_task);
        rc_limits = read_limits(p->poll_client, srv.current_task.id, &limits);
    }
    sms_budget_spend(p, wants_task ? 3 : 1);
    sms_detail *d = rc_srv == 0 ? build_detail(id, &srv, rc_task == 0 ? &task : NULL,
                                               rc_limits == 0 ? &limits : NULL) : NULL;
    sms_free(&SMS_T_SERVER, &srv);
    sms_free(&SMS_T_TASK, &task);
    sms_free(&SMS_T_SPEED_LIMITS, &limits);
    bool unchanged = d && rc_task == (wants_task ? 0 : -1) && same_detail(prev, d);

    pthread_mutex_lock(&p->mu);
    health_shown srv_before = health_shown_of(&p->health[SMS_CALL_DETAIL]),
                 task_before = health_shown_of(&p->health[SMS_CALL_TASK]);
    record_health_locked(p, SMS_CALL_DETAIL, rc_srv, &e_srv, started);
    if (wants_task)
        record_health_locked(p, SMS_CALL_TASK, rc_task, &e_task, started);
    bool publish = health_shown_differs(srv_before, &p->health[SMS_CALL_DETAIL]) ||
                   health_shown_differs(task_before, &p->health[SMS_CALL_TASK]);
    if (d)
        sms_versions_record_locked(p, &d->server);      /* the version comes for free */
    if (d && p->selected && strcmp(p->selected, id) == 0) {   /* still the one wanted */
        /* the same data as the UI has: a snapshot would only make it redraw */
        if (!unchanged || p->detail != prev) {
            keep_previous_task_locked(p, d);
            sms_detail_unref(p->detail);
            p->detail = d;
            d = NULL;
            publish = true;
        }
    }
    if (publish || p->hist_dirty)
        sms_poller_publish_locked(p);
    pthread_mutex_unlock(&p->mu);
    sms_detail_unref(prev);
    sms_detail_unref(d);
    sms_call_error_free(&e_srv);
    sms_call_error_free(&e_task);
}

/* ---- the poller thread ---------------------------------------------------- */

static void wait_until_locked(sms_poller *p, int64_t due_mono)
{
    if (due_mono <= sms_clock_mono_ms())
        p->stats.late_waits++;
    struct timespec ts = { .tv_sec = due_mono / 1000, .tv_nsec = (due_mono % 1000) * 1000000 };
    pthread_cond_timedwait(&p->poll_cv, &p->mu, &ts);
}

static void *poll_main(void *arg)
{
    sms_poller *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stopping) {
        if (p->login_refused && !p->refresh_requested) {
            pthread_cond_wait(&p->poll_cv, &p->mu);     /* until r or stop */
            continue;
        }
        int64_t now = sms_clock_mono_ms();
        p->budget_refresh_ms = p->refresh_ms;
        int64_t fleet_due = !p->fleet_tried || p->refresh_requested ? now :
            p->last_fleet_try + fleet_backoff_ms(p);
        int64_t detail_due = !p->selected ? INT64_MAX : p->detail_requested ? now :
            p->last_detail_try + backoff_ms(p->detail_ms, p->max_backoff_ms,
                                            p->health[SMS_CALL_DETAIL].failures);
        /* agent versions only in idle time, slower while the API fails, none while it
         * throttles us (429) */
        bool throttled = p->throttled_until_ms > sms_clock_wall_ms();
        int64_t version_every = backoff_ms(p->version_ms, p->max_backoff_ms,
                                           p->health[SMS_CALL_SERVERS].failures);
        int64_t version_due = p->version_ms < 0 || throttled ? INT64_MAX :
            p->last_version_try + version_every;
        char *version_id = NULL;
        if (now >= fleet_due) {
            bool full = p->refresh_requested;
            p->refresh_requested = false;
            p->fleet_tried = true;
            p->last_fleet_try = now;
            uint64_t gen = ++p->fetch_gen;
            pthread_mutex_unlock(&p->mu);
            poll_fleet(p, gen, full);
            pthread_mutex_lock(&p->mu);
        } else if (now >= detail_due) {
            char *id = strdup(p->selected);
            p->detail_requested = false;
            p->last_detail_try = now;
            pthread_mutex_unlock(&p->mu);
            if (id)
                poll_detail(p, id);
            free(id);
            pthread_mutex_lock(&p->mu);
        } else if (now >= version_due && (version_id = sms_versions_next_locked(p)) &&
                   sms_budget_try_spare(p)) {  /* versions: only reads no refresh needs */
            p->last_version_try = now;
            pthread_mutex_unlock(&p->mu);
            sms_versions_fetch(p, version_id);
            free(version_id);
            version_id = NULL;
            pthread_mutex_lock(&p->mu);
        } else {
            free(version_id);                   /* none left in this minute's reads */
            version_id = NULL;
            if (now >= version_due) {           /* nothing unknown: look again later */
                p->last_version_try = now;
                version_due = now + version_every;
            }
            int64_t due = fleet_due < detail_due ? fleet_due : detail_due;
            /* until version_due, backoff included: a wait for less would end at once,
             * again and again, while the API fails (a busy loop) */
            int64_t next_version = p->version_ms < 0 ? INT64_MAX : throttled ? now + p->version_ms : version_due;
            wait_until_locked(p, due < next_version ? due : next_version);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- start / stop --------------------------------------------------------- */

static char *who_am_i(const sms_client_opts *o)
{
    if (o->user && o->user[0])
        return strdup(o->user);
    if (o->auth == SMS_AUTH_TOKEN || (o->auth == SMS_AUTH_AUTO && o->token))
        return strdup("(token)");
    if (o->auth == SMS_AUTH_AKSK || (o->auth == SMS_AUTH_AUTO && o->ak))
        return strdup("(AK/SK)");          /* never the keys themselves */
    return NULL;
}

static int init_sync(sms_poller *p)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca))
        return -1;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_mutex_init(&p->mu, NULL) || pthread_cond_init(&p->poll_cv, &ca) ||
             pthread_cond_init(&p->act_cv, &ca) ? -1 : 0;
    pthread_condattr_destroy(&ca);
    return rc;
}

static void fail_start(sms_call_error *err, sms_error_kind kind, const char *msg)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->kind = kind;
    err->message = strdup(msg);
}

/* Threads start with every signal blocked, so SIGWINCH & co. go to the UI thread. */
static int start_threads(sms_poller *p)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&p->poll_thread, NULL, poll_main, p);
    if (rc == 0 && (rc = pthread_create(&p->act_thread, NULL, sms_poller_action_main, p))) {
        pthread_mutex_lock(&p->mu);
        p->stopping = true;
        pthread_cond_broadcast(&p->poll_cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->poll_thread, NULL);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc ? -1 : 0;
}

static void free_poller(sms_poller *p)
{
    while (p->jobs_head) {
        sms_job *j = p->jobs_head;
        p->jobs_head = j->next;
        sms_job_free(j);
    }
    sms_snapshot_release(p->slot);
    sms_fleet_unref(p->fleet);
    sms_detail_unref(p->detail);
    sms_poller_fleet_free(p);
    sms_history_unref(p->hist_pub);
    sms_versions_free_locked(p);
    sms_history_log_close(&p->hist);
    for (int i = 0; i < SMS_CALL__COUNT; i++)
        sms_call_error_free(&p->health[i].error);
    sms_client_free(p->poll_client);
    sms_client_free(p->act_client);
    if (p->wake_r >= 0)
        close(p->wake_r);
    if (p->wake_w >= 0)
        close(p->wake_w);
    free(p->awaiting);
    free(p->selected);
    free(p->user);
    free(p->context);
    free(p);
}

sms_poller *sms_poller_start(const sms_poller_opts *o, sms_call_error *err)
{
    sms_poller *p = calloc(1, sizeof *p);
    if (!p) {
        fail_start(err, SMS_E_INVALID, "out of memory");
        return NULL;
    }
    p->wake_r = p->wake_w = -1;
    p->refresh_ms = o->refresh_ms > 0 ? o->refresh_ms : DEFAULT_REFRESH_MS;
    p->detail_ms = o->detail_ms > 0 ? o->detail_ms : DEFAULT_DETAIL_MS;
    p->max_backoff_ms = o->max_backoff_ms > 0 ? o->max_backoff_ms : DEFAULT_MAX_BACKOFF_MS;
    p->version_ms = o->version_ms ? o->version_ms : DEFAULT_VERSION_MS;
    p->readonly = o->client.readonly;
    p->user = who_am_i(&o->client);
    p->context = o->client.context ? strdup(o->client.context) : NULL;
    char msg[256];
    sms_history_log_open(&p->hist, o->history_path, SMS_HISTORY_MAX, msg, sizeof msg);
    resume_following_locked(p);         /* no thread runs yet */
    /* a history that cannot be read or written leaves a console that works in memory */

    sms_client_opts poll_opts = o->client;
    poll_opts.fail_on_429 = true;       /* a throttled refresh ends and says so at once */
    if (!(p->poll_client = sms_client_new(&poll_opts, err)) ||
        !(p->act_client = sms_client_new(&o->client, err))) {
        free_poller(p);
        return NULL;
    }
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC)) {
        fail_start(err, SMS_E_INVALID, "cannot create the wake pipe");
        free_poller(p);
        return NULL;
    }
    p->wake_r = fds[0];
    p->wake_w = fds[1];
    if (init_sync(p)) {
        fail_start(err, SMS_E_INVALID, "cannot create the poller's locks");
        free_poller(p);
        return NULL;
    }
    pthread_mutex_lock(&p->mu);
    p->next_poll_ms = sms_clock_wall_ms();            /* the first fetch starts at once */
    sms_poller_publish_locked(p);               /* history at once, before any fetch */
    pthread_mutex_unlock(&p->mu);
    if (start_threads(p)) {
        fail_start(err, SMS_E_INVALID, "cannot start the poller threads");
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->poll_cv);
        pthread_cond_destroy(&p->act_cv);
        free_poller(p);
        return NULL;
    }
    return p;
}

void sms_poller_stop(sms_poller *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->poll_cv);
    pthread_cond_broadcast(&p->act_cv);
    pthread_mutex_unlock(&p->mu);
    sms_client_cancel(p->poll_client);          /* in-flight requests end within ~100 ms */
    sms_client_cancel(p->act_client);
    pthread_join(p->poll_thread, NULL);
    pthread_join(p->act_thread, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->poll_cv);
    pthread_cond_destroy(&p->act_cv);
    free_poller(p);
}

/* ---- the UI's side -------------------------------------------------------- */

int sms_poller_wake_fd(const sms_poller *p)
{
    return p->wake_r;
}

sms_snapshot *sms_poller_take(sms_poller *p)
{
    pthread_mutex_lock(&p->mu);
    sms_snapshot *s = p->slot;
    p->slot = NULL;
    drain_wake_locked(p);
    pthread_mutex_unlock(&p->mu);
    return s;
}

static bool same_id(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

void sms_poller_select(sms_poller *p, const char *server_id)
{
    char *copy = server_id ? strdup(server_id) : NULL;
    if (server_id && !copy)
        return;
    pthread_mutex_lock(&p->mu);
    if (!same_id(p->selected, server_id)) {
        free(p->selected);
        p->selected = copy;
        copy = NULL;
        if (p->detail) {            /* never show one server's detail under another */
            sms_detail_unref(p->detail);
            p->detail = NULL;
            sms_poller_publish_locked(p);
        }
    }
    p->detail_requested = p->selected != NULL;
    pthread_cond_signal(&p->poll_cv);
    pthread_mutex_unlock(&p->mu);
    free(copy);
}

void sms_poller_refresh_now(sms_poller *p)
{
    pthread_mutex_lock(&p->mu);
    p->refresh_requested = true;
    p->login_refused = false;
    p->detail_requested = p->selected != NULL;
    pthread_cond_signal(&p->poll_cv);
    pthread_mutex_unlock(&p->mu);
}

void sms_poller_set_refresh(sms_poller *p, int refresh_ms)
{
    pthread_mutex_lock(&p->mu);
    p->refresh_ms = refresh_ms > 0 ? refresh_ms : DEFAULT_REFRESH_MS;
    pthread_cond_signal(&p->poll_cv);           /* the next due time is recomputed */
    pthread_mutex_unlock(&p->mu);
}
