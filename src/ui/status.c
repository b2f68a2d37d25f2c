/* status.c - the status line: who and where, modes, data age and API health.
 *
 * The age text is deliberately coarse ("live" while fresh, then seconds, minutes, hours)
 * so that a healthy console does not repaint anything between refreshes. */
#include "ui/app.h"
#include "ui/panes.h"

#include <stdio.h>
#include <string.h>

/* Data younger than this many refresh intervals counts as live. */
#define LIVE_INTERVALS 2
#define LIVE_SLACK_MS 3000

static int refresh_ms(const sms_app *a)
{
    return a->o && a->o->refresh_ms > 0 ? a->o->refresh_ms : 5000;
}

static const sms_snapshot *shown(const sms_app *a) { return a->snap; }

static int64_t live_limit_ms(const sms_app *a)
{
    return (int64_t)refresh_ms(a) * LIVE_INTERVALS + LIVE_SLACK_MS;
}

/* Age of the fleet data on screen in ms; -1 when there is none. */
static int64_t data_age_ms(const sms_app *a)
{
    const sms_snapshot *s = shown(a);
    if (!s || !s->fleet)
        return -1;
    int64_t age = a->now_ms - s->fleet->fetched_ms;
    return age < 0 ? 0 : age;
}

static bool data_live(const sms_app *a, int64_t age)
{
    return !a->paused && !shown(a)->stale && age <= live_limit_ms(a);
}

static void fmt_age(char *buf, size_t len, int64_t ms)
{
    int64_t s = ms / 1000;
    if (s < 60)
        snprintf(buf, len, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(buf, len, "%lldm", (long long)(s / 60));
    else
        snprintf(buf, len, "%lldh", (long long)(s / 3600));
}

void sms_status_age(const sms_app *a, char *buf, size_t len)
{
    int64_t age = data_age_ms(a);
    char t[24];
    if (age < 0) {
        snprintf(buf, len, "%s", a->snap ? "no data yet" : "connecting");
        return;
    }
    if (data_live(a, age)) {
        snprintf(buf, len, "live");
        return;
    }
    fmt_age(t, sizeof t, age);
    /* when the data was last good, and while the API fails, when the poller tries again
     * (never more than two refresh intervals away: see the poller's fleet backoff) */
    char ok_at[24], retry[32] = "";
    const sms_snapshot *sn = shown(a);
    sms_fmt_clock(ok_at, sizeof ok_at, sn->fleet->fetched_ms, a->now_ms, false);
    if (sn->stale && sn->next_poll_ms > a->now_ms)
        snprintf(retry, sizeof retry, ", retry in %llds", (long long)((sn->next_poll_ms - a->now_ms + 999) / 1000));
    else if (sn->stale)
        snprintf(retry, sizeof retry, ", retrying");
    snprintf(buf, len, "%s %s old (ok at %s%s)", sn->stale ? "STALE" : "data", t, ok_at, retry);
}

static bool throttled(const sms_app *a)
{
    return a->snap && a->snap->throttled_until_ms > a->now_ms;
}

static int64_t age_tick(const sms_app *a)
{
    int64_t age = data_age_ms(a);
    if (age < 0)
        return 0;
    int64_t fetched = shown(a)->fleet->fetched_ms;
    if (data_live(a, age))
        return fetched + live_limit_ms(a) + 1;
    int64_t s = age / 1000;
    int64_t step = s < 60 || shown(a)->stale ? 1000 : s < 3600 ? 60000 : 3600000;   /* stale: the retry countdown */
    return fetched + (age / step + 1) * step;
}

int64_t sms_status_next_tick(const sms_app *a)
{
    int64_t t = age_tick(a);
    if (t > 0 && throttled(a) && a->snap->throttled_until_ms + 1 < t)
        t = a->snap->throttled_until_ms + 1;    /* the badge goes when the pacing ends */
    return t;
}

/* Draw one badge; returns the new x. */
static int badge(sms_app *a, WINDOW *w, int y, int x, int cols, const char *text, sms_role role)
{
    if (x >= cols - 1)
        return x;
    x += sms_draw_text(w, y, x, cols - x, text, sms_role_attr(role), a->sym, false);
    return x < cols ? x + 1 : x;
}

/* The first failing call's summary, or "" when all is well. */
static void health_text(const sms_app *a, char *buf, size_t len)
{
    const sms_snapshot *s = shown(a);
    buf[0] = '\0';
    for (int i = 0; s && i < SMS_CALL__COUNT; i++) {
        const sms_health *h = &s->health[i];
        if (!h->ok && h->failures > 0 && h->error.kind != SMS_E_NONE) {
            sms_call_error_summary(&h->error, buf, len);
            return;
        }
    }
}

static void draw_identity(sms_app *a, WINDOW *w, int y, int cols, int *x)
{
    char who[160];
    const char *ctx = a->o && a->o->context ? a->o->context : "default";
    const char *region = a->o && a->o->region ? a->o->region : NULL;
    const char *user = a->snap && a->snap->user ? a->snap->user : a->o && a->o->user ? a->o->user : NULL;
    snprintf(who, sizeof who, " %s%s%s%s ", ctx, region ? " (" : "", region ? region : "",
             region ? ")" : "");
    *x += sms_draw_text(w, y, *x, cols - *x, who, sms_role_attr(SMS_ROLE_STATUS), a->sym, false);
    if (user) {
        snprintf(who, sizeof who, "%s ", user);
        *x += sms_draw_text(w, y, *x, cols - *x, who, sms_role_attr(SMS_ROLE_STATUS), a->sym, false);
    }
}

void sms_status_draw(sms_app *a, WINDOW *w, int y, int cols)
{
    char age[80], health[256], right[64];
    int x = 0;
    sms_draw_text(w, y, 0, cols, "", sms_role_attr(SMS_ROLE_STATUS), a->sym, true);
    draw_identity(a, w, y, cols, &x);
    if (a->readonly)
        x = badge(a, w, y, x, cols, "READ-ONLY", SMS_ROLE_READONLY);
    if (a->o && a->o->insecure)
        x = badge(a, w, y, x, cols, "INSECURE TLS", SMS_ROLE_INSECURE);
    if (a->paused)
        x = badge(a, w, y, x, cols, a->held ? "PAUSED (newer data waiting)" : "PAUSED", SMS_ROLE_READONLY);
    if (a->snap && a->snap->login_refused)   /* nothing is tried until the operator says so */
        x = badge(a, w, y, x, cols, "LOGIN REFUSED: no retry until r", SMS_ROLE_STALE);
    sms_status_age(a, age, sizeof age);
    bool bad = a->snap && (a->snap->stale || !a->snap->fleet);
    x = badge(a, w, y, x, cols, age, bad && a->snap->stale ? SMS_ROLE_STALE : SMS_ROLE_STATUS);
    if (throttled(a))                   /* the API answered 429: requests are spaced out */
        x = badge(a, w, y, x, cols, "throttled", SMS_ROLE_STALE);
    health_text(a, health, sizeof health);
    snprintf(right, sizeof right, " ?:help ");
    int rw = sms_text_width(right, a->sym->utf8);
    if (health[0] && x < cols - rw - 1)
        x += sms_draw_text(w, y, x, cols - rw - x - 1, health, sms_role_attr(SMS_ROLE_STALE), a->sym, false);
    if (cols - rw > x)
        sms_draw_text(w, y, cols - rw, rw, right, sms_role_attr(SMS_ROLE_STATUS), a->sym, false);
}
