/* view_dashboard.c - the fleet summary for a wall screen or an on-call session: counts
 * per state and per migration cycle, overall throughput and aggregate progress, then the
 * servers with those in error first. Survives having no data yet (fleet == NULL) and
 * stale data (shown with its age, never hidden). */
#include "ui/app.h"
#include "ui/panes.h"
#include "model/agents.h"
#include "model/enums.h"
#include "model/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- aggregation (pure) -------------------------------------------------------- */

static int severity_of(const char *state)
{
    const sms_enum_info *i = state ? sms_server_state_info(state) : NULL;
    return i ? (int)i->severity : (int)SMS_SEV_IDLE;
}

bool sms_server_in_error(const sms_server *s)
{
    if (severity_of(s->state) == SMS_SEV_ERROR)
        return true;
    const sms_enum_info *t = s->has_current_task ? sms_task_state_info(s->current_task.state) : NULL;
    return t && t->severity == SMS_SEV_ERROR;
}

/* Order of attention: error, warning, active, idle, done. */
static int attention_rank(const sms_server *s)
{
    if (sms_server_in_error(s))
        return 0;
    switch (severity_of(s->state)) {
    case SMS_SEV_WARN:   return 1;
    case SMS_SEV_ACTIVE: return 2;
    case SMS_SEV_IDLE:   return 3;
    default:             return 4;
    }
}

static int compare_attention(const void *pa, const void *pb, void *ctx)
{
    const sms_server *srv = ctx;
    const sms_server *a = &srv[*(const size_t *)pa], *b = &srv[*(const size_t *)pb];
    int ra = attention_rank(a), rb = attention_rank(b);
    if (ra != rb)
        return ra - rb;
    int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    if (c)
        return c;
    return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;   /* stable */
}

static bool task_active(const sms_server *s)
{
    const sms_enum_info *t = s->has_current_task ? sms_task_state_info(s->current_task.state) : NULL;
    return t && t->severity == SMS_SEV_ACTIVE;
}

static void count_server(sms_dashboard *d, const sms_server *s)
{
    size_t st;
    for (st = 0; st < sms_n_server_states && st < SMS_DASH_MAX_STATES; st++)
        if (s->state && strcmp(s->state, sms_server_states[st].value) == 0)
            break;
    if (st < sms_n_server_states && st < SMS_DASH_MAX_STATES)
        d->by_state[st]++;
    else
        d->state_other++;
    int cy = s->migration_cycle ? sms_migration_cycle_index(s->migration_cycle) : -1;
    if (cy >= 0 && cy < SMS_PIPELINE_STEPS)
        d->by_cycle[cy]++;
    else
        d->cycle_other++;
    d->n_connected += s->connected;
    if (task_active(s)) {
        d->n_tasks_active++;
        d->throughput_mbit += s->current_task.migrate_speed > 0 ? s->current_task.migrate_speed : 0;
    }
    if (s->totalsize > 0) {
        d->total += s->totalsize;
        d->replicated += s->replicatesize < s->totalsize ? (s->replicatesize > 0 ? s->replicatesize : 0) : s->totalsize;
    }
    d->n_error += sms_server_in_error(s);
}

int sms_dashboard_compute(const sms_fleet *f, sms_dashboard *d)
{
    memset(d, 0, sizeof *d);
    if (!f || !f->n_servers)
        return 0;
    d->order = malloc(f->n_servers * sizeof *d->order);
    if (!d->order)
        return -1;
    for (size_t i = 0; i < f->n_servers; i++) {
        count_server(d, &f->servers[i]);
        d->order[i] = i;
    }
    d->n_servers = d->n_order = f->n_servers;
    qsort_r(d->order, d->n_order, sizeof *d->order, compare_attention, f->servers);
    return 0;
}

/* Any double the API sends reads sanely: no 300-digit figure for 1e300, no NaN. */
const char *sms_fmt_rate(char *buf, size_t len, double mbit)
{
    if (!(mbit > 0))                     /* negative, zero or NaN */
        snprintf(buf, len, "0.0 Mbit/s");
    else if (mbit >= 1e9)                /* 1 Pbit/s and up: not a real link */
        snprintf(buf, len, ">999 Tbit/s");
    else if (mbit >= 1e7)
        snprintf(buf, len, "%.1f Tbit/s", mbit / 1e6);
    else if (mbit >= 10000)
        snprintf(buf, len, "%.1f Gbit/s", mbit / 1000);
    else
        snprintf(buf, len, "%.1f Mbit/s", mbit);
    return buf;
}

const char *sms_fmt_rate_short(char *buf, size_t len, double mbit)
{
    static const char *const units[] = { "Mb/s", "Gb/s", "Tb/s" };
    if (!(mbit > 0))
        mbit = 0;
    for (size_t u = 0; u < 3; u++, mbit /= 1000)
        if (mbit < 999.95) {
            snprintf(buf, len, "%.1f %s", mbit, units[u]);
            return buf;
        }
    snprintf(buf, len, ">1 Pb/s");
    return buf;
}

const char *sms_fmt_ratio(char *buf, size_t len, double x)
{
    if (x >= 0 && x < 1000)
        snprintf(buf, len, "%.2f", x);
    else
        snprintf(buf, len, "-");
    return buf;
}

void sms_dashboard_free(sms_dashboard *d)
{
    free(d->order);
    memset(d, 0, sizeof *d);
}

/* ---- the view ---------------------------------------------------------------------- */

typedef struct dashboard_view {
    sms_dashboard dash;
    const sms_fleet *fleet;     /* the fleet dash was computed from (borrowed, compared only) */
    uint64_t fleet_seq;
    bool computed;
    size_t top;                 /* first server row shown */
    int list_rows;
} dashboard_view;

static void dashboard_sync(sms_app *a, dashboard_view *v)
{
    const sms_fleet *f = a->snap ? a->snap->fleet : NULL;
    uint64_t seq = a->snap ? a->snap->fleet_seq : 0;
    if (v->computed && f == v->fleet && seq == v->fleet_seq)
        return;
    sms_dashboard_free(&v->dash);
    v->computed = sms_dashboard_compute(f, &v->dash) == 0;
    v->fleet = f;
    v->fleet_seq = seq;
}

/* "40 servers, 38 connected, 2 in error, data 12s ago" and a STALE badge when it is. */
static void draw_title(sms_app *a, dashboard_view *v, WINDOW *w, int cols)
{
    char age[80], line[256];
    sms_status_age(a, age, sizeof age);
    snprintf(line, sizeof line, "%zu servers, %zu connected, %zu in error, data %s",
             v->dash.n_servers, v->dash.n_connected, v->dash.n_error, age);
    int x = sms_draw_text(w, 0, 0, cols, line, sms_role_attr(SMS_ROLE_TITLE), a->sym, false);
    if (a->snap && a->snap->stale && x + 2 < cols)
        sms_draw_text(w, 0, x + 2, cols - x - 2, " STALE: API not answering ", sms_role_attr(SMS_ROLE_STALE), a->sym, false);
}

/* One "label  count [bar]" row of a column that starts at x and is width wide. */
static void draw_count(sms_app *a, WINDOW *w, int y, int x, int width, const char *label, size_t count,
                       size_t total, attr_t attr)
{
    if (width < 12)
        return;
    char head[64];
    snprintf(head, sizeof head, "%-12.12s %5zu ", label, count);
    int used = sms_draw_text(w, y, x, width, head, count ? attr : sms_role_attr(SMS_ROLE_DIM), a->sym, false);
    int bar = width - used - 1;
    if (bar > 20)
        bar = 20;
    if (bar >= 4)
        sms_draw_bar(w, y, x + used, bar, total ? (double)count / (double)total : 0,
                     sms_role_attr(SMS_ROLE_BAR_DONE), sms_role_attr(SMS_ROLE_BAR_TODO), a->sym);
}

/* States with servers (all of them when there is room), then "other". Returns rows used. */
static int draw_states(sms_app *a, dashboard_view *v, WINDOW *w, int y, int x, int width, int max_rows)
{
    const sms_dashboard *d = &v->dash;
    int r = 0;
    sms_draw_text(w, y + r++, x, width, "By state", sms_role_attr(SMS_ROLE_HEADER), a->sym, true);
    for (size_t i = 0; i < sms_n_server_states && i < SMS_DASH_MAX_STATES && r < max_rows; i++)
        if (d->by_state[i])
            draw_count(a, w, y + r++, x, width, sms_server_states[i].label, d->by_state[i], d->n_servers,
                       sms_severity_attr((int)sms_server_states[i].severity));
    if (d->state_other && r < max_rows)
        draw_count(a, w, y + r++, x, width, "other", d->state_other, d->n_servers, sms_role_attr(SMS_ROLE_NORMAL));
    return r;
}

static int draw_cycles(sms_app *a, dashboard_view *v, WINDOW *w, int y, int x, int width, int max_rows)
{
    const sms_dashboard *d = &v->dash;
    int r = 0;
    sms_draw_text(w, y + r++, x, width, "By migration cycle", sms_role_attr(SMS_ROLE_HEADER), a->sym, true);
    for (int i = 0; i < SMS_PIPELINE_STEPS && r < max_rows; i++)
        draw_count(a, w, y + r++, x, width, sms_migration_cycles[i].label, d->by_cycle[i], d->n_servers,
                   sms_severity_attr((int)sms_migration_cycles[i].severity));
    if (d->cycle_other && r < max_rows)
        draw_count(a, w, y + r++, x, width, "none/other", d->cycle_other, d->n_servers, sms_role_attr(SMS_ROLE_NORMAL));
    return r;
}

/* Two lines: throughput, then the aggregate progress bar. */
static void draw_totals(sms_app *a, dashboard_view *v, WINDOW *w, int y, int cols)
{
    const sms_dashboard *d = &v->dash;
    char done[16], total[16], speed[32], line[160];
    sms_fmt_rate(speed, sizeof speed, d->throughput_mbit);
    snprintf(line, sizeof line, "Throughput %s over %zu active tasks", speed, d->n_tasks_active);
    sms_draw_text(w, y, 0, cols, line, sms_role_attr(SMS_ROLE_NORMAL) | A_BOLD, a->sym, false);
    sms_fmt_bytes(done, sizeof done, d->replicated);
    sms_fmt_bytes(total, sizeof total, d->total);
    double frac = d->total > 0 ? (double)d->replicated / (double)d->total : 0;
    int x = sms_draw_text(w, y + 1, 0, cols, "Replicated ", sms_role_attr(SMS_ROLE_NORMAL) | A_BOLD, a->sym, false);
    int bar = cols - x > 60 ? 30 : cols - x - 30;
    if (bar >= 5) {
        sms_draw_bar(w, y + 1, x, bar, frac, sms_role_attr(SMS_ROLE_BAR_DONE), sms_role_attr(SMS_ROLE_BAR_TODO), a->sym);
        x += bar;
    }
    if (x < cols)
        sms_draw_fmt(w, y + 1, x, cols - x, sms_role_attr(SMS_ROLE_NORMAL), a->sym, " %3d%%  %s of %s",
                     (int)(frac * 100), done, total);
}

/* Compact form for short screens: "Label N" chips on as many lines as needed (at most
 * max_rows), starting with a heading. Returns the rows used. */
typedef struct chip { const char *label; size_t count; attr_t attr; } chip;

static int draw_chips(sms_app *a, WINDOW *w, int y, int cols, int max_rows, const char *heading,
                      const chip *chips, size_t n)
{
    int r = 0, x = sms_draw_text(w, y, 0, cols, heading, sms_role_attr(SMS_ROLE_TITLE), a->sym, false) + 1;
    for (size_t i = 0; i < n; i++) {
        char text[64];
        snprintf(text, sizeof text, "%s %zu", chips[i].label, chips[i].count);
        int width = sms_text_width(text, a->sym->utf8) + 2;
        if (x + width > cols && x > 2) {
            if (++r >= max_rows)
                return r;
            x = 2;
        }
        sms_draw_text(w, y + r, x, cols - x, text, chips[i].count ? chips[i].attr : sms_role_attr(SMS_ROLE_DIM), a->sym, false);
        x += width;
    }
    return r + 1;
}

static int draw_compact_counts(sms_app *a, dashboard_view *v, WINDOW *w, int y, int cols, int max_rows)
{
    const sms_dashboard *d = &v->dash;
    chip chips[SMS_DASH_MAX_STATES + 1];
    size_t n = 0;
    for (size_t i = 0; i < sms_n_server_states && i < SMS_DASH_MAX_STATES; i++)
        if (d->by_state[i])
            chips[n++] = (chip){ sms_server_states[i].label, d->by_state[i], sms_severity_attr((int)sms_server_states[i].severity) };
    if (d->state_other)
        chips[n++] = (chip){ "other", d->state_other, sms_role_attr(SMS_ROLE_NORMAL) };
    int used = draw_chips(a, w, y, cols, max_rows, "By state:", chips, n);
    n = 0;
    for (int i = 0; i < SMS_PIPELINE_STEPS; i++)
        chips[n++] = (chip){ sms_migration_cycles[i].label, d->by_cycle[i], sms_severity_attr((int)sms_migration_cycles[i].severity) };
    if (d->cycle_other)
        chips[n++] = (chip){ "none", d->cycle_other, sms_role_attr(SMS_ROLE_NORMAL) };
    if (used < max_rows)
        used += draw_chips(a, w, y + used, cols, max_rows - used, "By migration cycle:", chips, n);
    return used;
}

/* The four agent states of the Agents pane (and unexpected/old when there are any). */
static int draw_agent_counts(sms_app *a, WINDOW *w, int y, int cols)
{
    size_t n_old = 0;
    const size_t *k = sms_agents_counts(a, &n_old);
    static const struct { sms_agent_state st; int sev; } shown[] = {
        { SMS_AGENT_NOT_INSTALLED, SMS_SEV_IDLE }, { SMS_AGENT_INSTALLING, SMS_SEV_ACTIVE },
        { SMS_AGENT_INSTALLED, SMS_SEV_OK }, { SMS_AGENT_FAILED, SMS_SEV_ERROR },
        { SMS_AGENT_UNEXPECTED, SMS_SEV_WARN },
    };
    chip chips[6];
    size_t n = 0;
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        size_t count = k[sms_agent_state_slot(shown[i].st)];
        if (count || shown[i].st != SMS_AGENT_UNEXPECTED)
            chips[n++] = (chip){ sms_agent_state_info_of(shown[i].st)->label, count, sms_severity_attr(shown[i].sev) };
    }
    if (n_old)
        chips[n++] = (chip){ "old version", n_old, sms_severity_attr(SMS_SEV_WARN) };
    return draw_chips(a, w, y, cols, 2, "Agents:", chips, n);
}

/* One server: name, state, cycle, progress, and the task state for those in error. */
static void draw_server_row(sms_app *a, WINDOW *w, int y, int cols, const sms_server *s)
{
    const sms_symbols *sym = a->sym;
    bool err = sms_server_in_error(s);
    int nw = cols >= 100 ? 32 : 22;
    char mark[8];
    snprintf(mark, sizeof mark, "%s ", err ? sym->error : " ");
    int x = sms_draw_text(w, y, 0, cols, mark, sms_role_attr(SMS_ROLE_STATE_ERROR), sym, false);
    sms_draw_text(w, y, x, nw < cols - x ? nw : cols - x, s->name ? s->name : (s->id ? s->id : "?"),
                  sms_role_attr(SMS_ROLE_NORMAL), sym, true);
    x += nw + 1;
    if (x + 14 >= cols)
        return;
    sms_draw_text(w, y, x, 13, sms_state_label(s->state), sms_state_attr(s->state), sym, true);
    x += 14;
    const sms_enum_info *cy = sms_migration_cycle_info(s->migration_cycle);
    sms_draw_text(w, y, x, 12 < cols - x ? 12 : cols - x, cy ? cy->label : (s->migration_cycle ? s->migration_cycle : "-"),
                  sms_role_attr(SMS_ROLE_NORMAL), sym, true);
    x += 13;
    if (x + 16 > cols || s->totalsize <= 0)
        return;
    double frac = (double)s->replicatesize / (double)s->totalsize;
    sms_draw_bar(w, y, x, 10, frac, sms_role_attr(SMS_ROLE_BAR_DONE), sms_role_attr(SMS_ROLE_BAR_TODO), sym);
    sms_draw_fmt(w, y, x + 10, cols - x - 10, sms_role_attr(SMS_ROLE_NORMAL), sym, " %3d%%",
                 (int)(frac > 1 ? 100 : frac * 100));
    x += 16;
    if (s->has_current_task && x + 2 < cols) {
        const sms_enum_info *t = sms_task_state_info(s->current_task.state);
        sms_draw_text(w, y, x, cols - x, t ? t->label : (s->current_task.state ? s->current_task.state : ""),
                      t ? sms_severity_attr((int)t->severity) : sms_role_attr(SMS_ROLE_NORMAL), sym, false);
    }
}

static void draw_servers(sms_app *a, dashboard_view *v, WINDOW *w, int y, int rows, int cols)
{
    const sms_fleet *f = v->fleet;
    char head[128];
    v->list_rows = rows - 1;
    if (v->top + (size_t)v->list_rows > v->dash.n_order)
        v->top = v->dash.n_order > (size_t)v->list_rows ? v->dash.n_order - (size_t)v->list_rows : 0;
    size_t last = v->top + (size_t)v->list_rows < v->dash.n_order ? v->top + (size_t)v->list_rows : v->dash.n_order;
    snprintf(head, sizeof head, "Servers, %zu in error first   %zu-%zu of %zu", v->dash.n_error,
             v->dash.n_order ? v->top + 1 : 0, last, v->dash.n_order);
    sms_draw_text(w, y, 0, cols, head, sms_role_attr(SMS_ROLE_HEADER), a->sym, true);
    for (int r = 0; r < v->list_rows && v->top + (size_t)r < v->dash.n_order; r++)
        draw_server_row(a, w, y + 1 + r, cols, &f->servers[v->dash.order[v->top + (size_t)r]]);
}

static void dashboard_draw(sms_app *a, void *st, WINDOW *w, int rows, int cols)
{
    dashboard_view *v = st;
    dashboard_sync(a, v);
    if (!v->fleet) {
        const char *msg = a->snap && a->snap->stale ? "No data: the API has not answered yet; retrying..."
                                                   : "Waiting for the first answer from the API...";
        sms_draw_text(w, 0, 0, cols, msg, sms_role_attr(SMS_ROLE_DIM), a->sym, false);
        return;
    }
    if (!v->computed) {
        sms_draw_text(w, 0, 0, cols, "out of memory", sms_role_attr(SMS_ROLE_STATE_ERROR), a->sym, false);
        return;
    }
    draw_title(a, v, w, cols);
    int y = 2;
    if (rows >= 26) {                       /* two columns of counts with bars */
        int block = 9, half = cols / 2;
        int used = draw_states(a, v, w, y, 0, half - 1, block);
        int used2 = draw_cycles(a, v, w, y, half, cols - half, block);
        y += (used > used2 ? used : used2) + 1;
    } else if (rows >= 10) {
        y += draw_compact_counts(a, v, w, y, cols, 4) + 1;
    }
    if (y + 1 < rows) {
        draw_totals(a, v, w, y, cols);
        y += 3;
    }
    if (y + 2 < rows)
        y += draw_agent_counts(a, w, y, cols) + 1;
    if (y + 1 < rows)
        draw_servers(a, v, w, y, rows - y, cols);
}

static bool dashboard_action(sms_app *a, void *st, sms_action_id act)
{
    dashboard_view *v = st;
    size_t page = v->list_rows > 1 ? (size_t)v->list_rows - 1 : 1;
    if (!sms_move_target(act, v->top, v->dash.n_order, page, &v->top))   /* clamped when drawn */
        return false;
    a->dirty = true;
    return true;
}

static void *dashboard_create(void) { return calloc(1, sizeof(dashboard_view)); }

static void dashboard_destroy(void *st)
{
    dashboard_view *v = st;
    if (v)
        sms_dashboard_free(&v->dash);
    free(v);
}

const sms_view_ops sms_view_dashboard = {
    .name = "dashboard", .title = "Dashboard",
    .create = dashboard_create, .destroy = dashboard_destroy, .draw = dashboard_draw,
    .action = dashboard_action,
};
