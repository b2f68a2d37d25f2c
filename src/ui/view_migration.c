/* view_migration.c - the selected server's migration: state, the cycle as a pipeline,
 * the current task (sub-tasks with progress bars, speed, compression, remaining time,
 * its decoded error), the environment checks and the last failed operator action.
 *
 * The pane is a vertical list of lines scrolled as a whole; each section draws through
 * a small canvas that skips the lines above the scroll position and below the window. */
#include "ui/app.h"
#include "ui/panes.h"
#include "model/enums.h"
#include "model/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- pure parts -------------------------------------------------------------- */

int sms_pipeline_marks(const char *cycle, const char *state, sms_step_mark marks[SMS_PIPELINE_STEPS])
{
    for (int i = 0; i < SMS_PIPELINE_STEPS; i++)
        marks[i] = SMS_STEP_TODO;
    int cur = cycle ? sms_migration_cycle_index(cycle) : -1;
    if (cur < 0 || cur >= SMS_PIPELINE_STEPS)
        return -1;
    for (int i = 0; i < cur; i++)
        marks[i] = SMS_STEP_DONE;
    const sms_enum_info *si = state ? sms_server_state_info(state) : NULL;
    bool failed = si && si->severity == SMS_SEV_ERROR;
    if (failed)
        marks[cur] = SMS_STEP_FAILED;
    else if (cur == SMS_PIPELINE_STEPS - 1)
        marks[cur] = SMS_STEP_DONE;         /* launched: nothing left to do */
    else
        marks[cur] = SMS_STEP_CURRENT;
    return cur;
}

typedef struct line_list { char **lines; size_t n; bool failed; } line_list;

/* Add "label: value" (value sanitised: JSON escapes can smuggle control characters). */
static void add_pair(line_list *l, const char *label, const char *value)
{
    char *clean = sms_sanitize_dup(value ? value : "");
    size_t len = (label ? strlen(label) + 2 : 0) + (clean ? strlen(clean) : 0) + 1;
    char *line = clean ? malloc(len) : NULL;
    char **grown = line ? realloc(l->lines, (l->n + 1) * sizeof *l->lines) : NULL;
    if (!grown) {
        free(line);
        free(clean);
        l->failed = true;
        return;
    }
    snprintf(line, len, "%s%s%s", label ? label : "", label ? ": " : "", clean);
    free(clean);
    l->lines = grown;
    l->lines[l->n++] = line;
}

static const char *json_first_string(const cJSON *obj, const char *const *keys)
{
    for (; *keys; keys++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, *keys);
        if (cJSON_IsString(v) && v->valuestring)
            return v->valuestring;
    }
    return NULL;
}

static bool key_in(const char *k, const char *const *keys)
{
    for (; *keys; keys++)
        if (strcmp(k, *keys) == 0)
            return true;
    return false;
}

static const char *const code_keys[] = { "error_code", "errorCode", "code", NULL };
static const char *const msg_keys[] = { "error_msg", "errorMsg", "message", "msg", NULL };

static void add_code(line_list *l, const char *code)
{
    const sms_error_code_info *info = sms_error_code_lookup(code);
    if (!info) {
        add_pair(l, "code", code);
        return;
    }
    size_t len = strlen(code) + strlen(info->meaning) + 4;
    char *s = malloc(len);
    if (!s) { l->failed = true; return; }
    snprintf(s, len, "%s (%s)", code, info->meaning);
    add_pair(l, "code", s);
    free(s);
}

/* Any other member as "key: value"; non-strings as compact JSON. */
static void add_member(line_list *l, const cJSON *m)
{
    if (cJSON_IsString(m)) {
        add_pair(l, m->string, m->valuestring);
        return;
    }
    char *txt = cJSON_PrintUnformatted(m);
    add_pair(l, m->string, txt ? txt : "?");
    free(txt);
}

char **sms_task_error_lines(const char *error_json, size_t *n)
{
    line_list l = { 0 };
    *n = 0;
    if (!error_json || !*error_json)
        return NULL;
    cJSON *root = cJSON_Parse(error_json);
    if (!cJSON_IsObject(root)) {
        add_pair(&l, NULL, error_json);
    } else {
        const char *code = json_first_string(root, code_keys);
        const char *msg = json_first_string(root, msg_keys);
        if (code)
            add_code(&l, code);
        if (msg)
            add_pair(&l, "message", msg);
        const cJSON *m;
        cJSON_ArrayForEach(m, root)
            if (!(code && key_in(m->string, code_keys)) && !(msg && key_in(m->string, msg_keys)))
                add_member(&l, m);
    }
    cJSON_Delete(root);
    if (l.failed) {
        sms_lines_free(l.lines, l.n);
        return NULL;
    }
    *n = l.n;
    return l.lines;
}

/* ---- the view ------------------------------------------------------------------ */

typedef struct migration_view {
    char server_id[64];     /* whose migration is shown: scrolling starts over for another */
    size_t top;             /* first line shown */
    size_t n_lines;         /* lines in the last drawing */
    int rows;               /* height of the last drawing */
} migration_view;

typedef struct canvas {
    sms_app *a;
    WINDOW *w;
    int rows, cols;
    size_t top, line;
} canvas;

/* Window row of the next line, or -1 when it is scrolled out of view. */
static int canvas_row(canvas *c)
{
    size_t l = c->line++;
    if (l < c->top || l - c->top >= (size_t)c->rows)
        return -1;
    return (int)(l - c->top);
}

static void canvas_text(canvas *c, int x, const char *s, attr_t attr)
{
    int y = canvas_row(c);
    if (y >= 0 && x < c->cols)
        sms_draw_text(c->w, y, x, c->cols - x, s, attr, c->a->sym, false);
}

/* A long text wrapped to the width, continuation lines indented; at most max_lines
 * lines (0 = all), then a note that the rest is in the error panel. */
static void canvas_wrapped_max(canvas *c, int x, const char *s, attr_t attr, size_t max_lines)
{
    char **lines = NULL;
    size_t n = 0;
    if (sms_wrap_append(&lines, &n, s, c->cols - x > 8 ? c->cols - x : 8, 2, c->a->sym->utf8) == 0) {
        size_t shown = max_lines && n > max_lines ? max_lines : n;
        for (size_t i = 0; i < shown; i++)
            canvas_text(c, x, lines[i], attr);
        if (shown < n) {
            char more[96];
            snprintf(more, sizeof more, "  %s %zu more lines: Enter shows them all", c->a->sym->ellipsis, n - shown);
            canvas_text(c, x, more, sms_role_attr(SMS_ROLE_DIM));
        }
    }
    sms_lines_free(lines, n);
}

static void canvas_wrapped(canvas *c, int x, const char *s, attr_t attr)
{
    canvas_wrapped_max(c, x, s, attr, 0);
}

static void canvas_heading(canvas *c, const char *title)
{
    canvas_row(c);                           /* blank line before */
    canvas_text(c, 0, title, sms_role_attr(SMS_ROLE_TITLE));
}

static int64_t app_now(const sms_app *a)
{
    return a->now_ms ? a->now_ms : sms_now_ms();
}

/* ---- header and pipeline ---- */

static void draw_header(canvas *c, const sms_server *s)
{
    int y = canvas_row(c);
    if (y < 0)
        return;
    const sms_symbols *sym = c->a->sym;
    int x = sms_draw_text(c->w, y, 0, c->cols, s->name ? s->name : s->id, sms_role_attr(SMS_ROLE_TITLE) | A_BOLD, sym, false);
    char info[256];
    snprintf(info, sizeof info, "  %s  %s %s  ", s->ip ? s->ip : "-", s->os_type ? s->os_type : "",
             s->os_version ? s->os_version : "");
    x += sms_draw_text(c->w, y, x, c->cols - x, info, sms_role_attr(SMS_ROLE_NORMAL), sym, false);
    x += sms_draw_text(c->w, y, x, c->cols - x, sms_state_label(s->state), sms_state_attr(s->state), sym, false);
    sms_draw_text(c->w, y, x, c->cols - x, s->connected ? "  agent connected" : "  agent DISCONNECTED",
                  s->connected ? sms_role_attr(SMS_ROLE_DIM) : sms_role_attr(SMS_ROLE_STATE_WARN), sym, false);
    const sms_enum_info *si = sms_server_state_info(s->state);
    if (si)
        canvas_text(c, 2, si->help, sms_role_attr(SMS_ROLE_DIM));
}

static const char *step_symbol(const sms_symbols *sym, sms_step_mark m)
{
    switch (m) {
    case SMS_STEP_DONE:    return sym->step_done;
    case SMS_STEP_CURRENT: return sym->step_current;
    case SMS_STEP_FAILED:  return sym->error;
    default:               return sym->step_todo;
    }
}

static attr_t step_attr(sms_step_mark m)
{
    switch (m) {
    case SMS_STEP_DONE:    return sms_role_attr(SMS_ROLE_STATE_OK);
    case SMS_STEP_CURRENT: return sms_role_attr(SMS_ROLE_STATE_ACTIVE) | A_BOLD | A_UNDERLINE;
    case SMS_STEP_FAILED:  return sms_role_attr(SMS_ROLE_STATE_ERROR) | A_UNDERLINE;
    default:               return sms_role_attr(SMS_ROLE_DIM);
    }
}

/* Columns one step takes: "✔ Checking" */
static int step_width(const sms_symbols *sym, int i)
{
    return sms_text_width(sym->step_done, sym->utf8) + 1 + sms_text_width(sms_migration_cycles[i].label, sym->utf8);
}

/* Steps [from, to) on one line, joined by links. */
static void draw_steps(canvas *c, const sms_step_mark *marks, int from, int to)
{
    int y = canvas_row(c);
    if (y < 0)
        return;
    const sms_symbols *sym = c->a->sym;
    int x = 2;
    for (int i = from; i < to && x < c->cols; i++) {
        if (i > from) {
            char link[32];
            snprintf(link, sizeof link, " %s ", sym->step_link);
            x += sms_draw_text(c->w, y, x, c->cols - x, link, sms_role_attr(SMS_ROLE_DIM), sym, false);
        }
        char step[96];
        snprintf(step, sizeof step, "%s %s", step_symbol(sym, marks[i]), sms_migration_cycles[i].label);
        if (x < c->cols)
            x += sms_draw_text(c->w, y, x, c->cols - x, step, step_attr(marks[i]), sym, false);
    }
}

static void draw_pipeline(canvas *c, const sms_server *s)
{
    sms_step_mark marks[SMS_PIPELINE_STEPS];
    int cur = sms_pipeline_marks(s->migration_cycle, s->state, marks);
    canvas_heading(c, "Migration cycle");
    int need = 2;
    for (int i = 0; i < SMS_PIPELINE_STEPS; i++)
        need += step_width(c->a->sym, i) + (i ? 3 : 0);
    if (need <= c->cols) {
        draw_steps(c, marks, 0, SMS_PIPELINE_STEPS);
    } else {                                  /* narrow: two lines of three */
        draw_steps(c, marks, 0, SMS_PIPELINE_STEPS / 2);
        draw_steps(c, marks, SMS_PIPELINE_STEPS / 2, SMS_PIPELINE_STEPS);
    }
    char line[160];
    if (cur >= 0)
        snprintf(line, sizeof line, "%s: %s", sms_migration_cycles[cur].label, sms_migration_cycles[cur].help);
    else
        snprintf(line, sizeof line, "cycle: %s", s->migration_cycle ? s->migration_cycle : "(not reported)");
    canvas_text(c, 2, line, sms_role_attr(SMS_ROLE_DIM));
}

/* ---- task ---- */

/* What the pane shows of a task, from the detail (ShowTask) or the list item. */
typedef struct task_view {
    const char *id, *name, *type, *state, *error_json;
    const char *target_name, *target_ip, *log_status;
    bool syncing;
    double speed, compress;
    int64_t remain_s, eta_ms;
    const sms_subtask *subs; size_t n_subs;
} task_view;

static bool task_view_from(const sms_server *s, const sms_detail *d, task_view *t)
{
    memset(t, 0, sizeof *t);
    if (d && d->has_task) {
        const sms_task *k = &d->task;
        *t = (task_view){ k->id, k->name, k->type, k->state, k->error_json,
                          k->has_target_server ? k->target_server.name : NULL,
                          k->has_target_server ? k->target_server.ip : NULL, k->log_collect_status,
                          k->syncing, k->migrate_speed, k->compress_rate, k->remain_seconds,
                          k->estimate_complete_time, k->sub_tasks, k->n_sub_tasks };
        return true;
    }
    if (s->has_current_task) {
        const sms_server_task *k = &s->current_task;
        *t = (task_view){ k->id, k->name, k->type, k->state, NULL,
                          k->has_target_server ? k->target_server.name : NULL,
                          k->has_target_server ? k->target_server.ip : NULL, k->log_collect_status,
                          false, k->migrate_speed, k->compress_rate, k->remain_seconds,
                          k->estimate_complete_time, NULL, 0 };
        return true;
    }
    return false;
}

static void draw_task_summary(canvas *c, const task_view *t)
{
    int y = canvas_row(c);
    if (y < 0)
        return;
    const sms_symbols *sym = c->a->sym;
    char head[256];
    snprintf(head, sizeof head, "%s  %s  ", t->name ? t->name : (t->id ? t->id : "-"), t->type ? t->type : "");
    int x = 2 + sms_draw_text(c->w, y, 2, c->cols - 2, head, sms_role_attr(SMS_ROLE_NORMAL), sym, false);
    const sms_enum_info *ti = sms_task_state_info(t->state);
    if (x < c->cols)
        sms_draw_text(c->w, y, x, c->cols - x, ti ? ti->label : (t->state ? t->state : "-"),
                      ti ? sms_severity_attr((int)ti->severity) : sms_role_attr(SMS_ROLE_NORMAL), sym, false);
}

/* "target web-01-new 192.168.0.10   continuous sync on   logs UPLOADED" */
static void draw_task_target(canvas *c, const task_view *t)
{
    char line[512];
    int n = snprintf(line, sizeof line, "target %s %s", t->target_name ? t->target_name : "-",
                     t->target_ip ? t->target_ip : "");
    if (t->syncing && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "   continuous sync on");
    if (t->log_status && *t->log_status && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, "   logs %s", t->log_status);
    canvas_text(c, 2, line, sms_role_attr(SMS_ROLE_NORMAL));
}

static void draw_task_figures(canvas *c, const task_view *t)
{
    char remain[16], eta[32], line[200], speed[24], ratio[16];
    const sms_enum_info *ti = sms_task_state_info(t->state);
    sms_fmt_rate(speed, sizeof speed, t->speed);
    sms_fmt_ratio(ratio, sizeof ratio, t->compress);
    if (ti && ti->severity != SMS_SEV_ACTIVE) {       /* not moving: no remaining time to promise */
        snprintf(line, sizeof line, "last speed %s  compress rate %s", speed, ratio);
        canvas_text(c, 2, line, sms_role_attr(SMS_ROLE_DIM));
        return;
    }
    sms_fmt_duration(remain, sizeof remain, t->remain_s > 0 ? t->remain_s : -1);
    sms_fmt_clock(eta, sizeof eta, t->eta_ms, app_now(c->a), true);
    snprintf(line, sizeof line, "speed %s  compress rate %s  remaining %s  ends %s",
             speed, ratio, remain, eta);
    canvas_text(c, 2, line, sms_role_attr(SMS_ROLE_NORMAL));
}

/* "  NAME            [bar] 100%  12.3 Mbit/s" */
static void draw_progress_row(canvas *c, const char *name, int pct, const char *extra)
{
    int y = canvas_row(c);
    if (y < 0)
        return;
    const sms_symbols *sym = c->a->sym;
    int name_w = c->cols >= 70 ? 26 : 16, bar_w = c->cols >= 70 ? 20 : 10;
    sms_draw_text(c->w, y, 4, name_w, name, sms_role_attr(SMS_ROLE_NORMAL), sym, true);
    int x = 4 + name_w + 1;
    if (x + bar_w >= c->cols)
        return;
    sms_draw_bar(c->w, y, x, bar_w, pct / 100.0, sms_role_attr(SMS_ROLE_BAR_DONE), sms_role_attr(SMS_ROLE_BAR_TODO), sym);
    x += bar_w;
    char tail[128];
    snprintf(tail, sizeof tail, " %3d%%  %s", pct < 0 ? 0 : pct > 100 ? 100 : pct, extra ? extra : "");
    sms_draw_text(c->w, y, x, c->cols - x, tail, sms_role_attr(SMS_ROLE_NORMAL), sym, false);
}

static void draw_overall_progress(canvas *c, const sms_server *s)
{
    if (s->totalsize <= 0)
        return;
    char done[16], total[16], extra[64];
    sms_fmt_bytes(done, sizeof done, s->replicatesize);
    sms_fmt_bytes(total, sizeof total, s->totalsize);
    snprintf(extra, sizeof extra, "%s of %s", done, total);
    int pct = (int)(s->replicatesize * 100 / s->totalsize);
    draw_progress_row(c, "replicated", pct, extra);
}

static void draw_subtasks(canvas *c, const task_view *t)
{
    for (size_t i = 0; i < t->n_subs; i++) {
        const sms_subtask *st = &t->subs[i];
        char extra[128] = "";
        if (st->migrate_speed > 0)
            sms_fmt_rate(extra, sizeof extra, st->migrate_speed);
        if (st->user_op && *st->user_op)
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "%s(%s)", *extra ? "  " : "", st->user_op);
        draw_progress_row(c, st->name ? st->name : "?", st->progress, extra);
        bool running = st->start_date > 0 && st->end_date <= 0;
        if (running && st->process_trace && *st->process_trace)
            canvas_wrapped(c, 6, st->process_trace, sms_role_attr(SMS_ROLE_DIM));
    }
}

static void draw_task_error(canvas *c, const task_view *t)
{
    size_t n = 0;
    char **lines = sms_task_error_lines(t->error_json, &n);
    if (!n)
        return;
    canvas_text(c, 2, "Task error", sms_role_attr(SMS_ROLE_STATE_ERROR));
    for (size_t i = 0; i < n; i++)
        canvas_wrapped(c, 4, lines[i], sms_role_attr(SMS_ROLE_ERROR_PANEL));
    sms_lines_free(lines, n);
}

/* "speed limit 100 Mbit/s 08:00-18:00 (stop above 80 %), 1000 Mbit/s 18:00-08:00" or
 * "speed limit none": the limits in force (GET .../speed-limit). */
static void draw_speed_limits(canvas *c, const sms_detail *d)
{
    if (!d || !d->has_limits)
        return;
    char line[512];
    size_t at = (size_t)snprintf(line, sizeof line, "speed limit %s", d->limits.n_speed_limit ? "" : "none");
    for (size_t i = 0; i < d->limits.n_speed_limit && at < sizeof line; i++) {
        const sms_speed_limit *l = &d->limits.speed_limit[i];
        int n = snprintf(line + at, sizeof line - at, "%s%d Mbit/s %s-%s", i ? ", " : "", l->speed,
                         l->start ? l->start : "?", l->end ? l->end : "?");
        at += n > 0 ? (size_t)n : 0;
        if (l->over_speed_threshold > 0 && at < sizeof line) {
            n = snprintf(line + at, sizeof line - at, " (stop above %.0f %%)", l->over_speed_threshold);
            at += n > 0 ? (size_t)n : 0;
        }
    }
    canvas_text(c, 2, line, sms_role_attr(SMS_ROLE_NORMAL));
}

static void draw_task(canvas *c, const sms_server *s, const sms_detail *d)
{
    task_view t;
    canvas_heading(c, "Current task");
    if (!task_view_from(s, d, &t)) {
        canvas_text(c, 2, "No migration task: the target is not configured yet.", sms_role_attr(SMS_ROLE_DIM));
        return;
    }
    draw_task_summary(c, &t);
    draw_task_target(c, &t);
    draw_task_figures(c, &t);
    draw_speed_limits(c, d);
    draw_overall_progress(c, s);
    if (!d)
        canvas_text(c, 2, "(loading task details...)", sms_role_attr(SMS_ROLE_DIM));
    draw_subtasks(c, &t);
    draw_task_error(c, &t);
}

/* ---- environment checks ---- */

static void draw_check(canvas *c, const sms_check *k)
{
    int y = canvas_row(c);
    if (y < 0)
        return;
    const sms_symbols *sym = c->a->sym;
    const char *r = k->result ? k->result : "?";
    const char *mark = sym->pending;
    attr_t attr = sms_role_attr(SMS_ROLE_NORMAL);
    if (strcmp(r, "OK") == 0) { mark = sym->ok; attr = sms_role_attr(SMS_ROLE_STATE_OK); }
    else if (strcmp(r, "WARN") == 0) { mark = sym->warn; attr = sms_role_attr(SMS_ROLE_STATE_WARN); }
    else if (strcmp(r, "ERROR") == 0) { mark = sym->error; attr = sms_role_attr(SMS_ROLE_STATE_ERROR); }
    char res[48];
    snprintf(res, sizeof res, "%s %-5.5s ", mark, r);
    int x = 2 + sms_draw_text(c->w, y, 2, c->cols - 2, res, attr, sym, false);
    if (x < c->cols)
        sms_draw_text(c->w, y, x, c->cols - x, k->name ? k->name : "?", sms_role_attr(SMS_ROLE_NORMAL), sym, false);
    if (k->error_code && *k->error_code) {
        const sms_error_code_info *info = sms_error_code_lookup(k->error_code);
        char line[512];
        snprintf(line, sizeof line, "%s%s%s", k->error_code, info ? ": " : "", info ? info->meaning : "");
        canvas_wrapped(c, 10, line, attr);
    }
    if (k->error_or_warn && *k->error_or_warn)
        canvas_wrapped(c, 10, k->error_or_warn, sms_role_attr(SMS_ROLE_NORMAL));
    for (size_t i = 0; i < k->n_params; i++)
        canvas_wrapped(c, 10, k->params[i], sms_role_attr(SMS_ROLE_DIM));
}

static void draw_checks(canvas *c, const sms_detail *d)
{
    canvas_heading(c, "Environment checks");
    if (!d) {
        canvas_text(c, 2, "(loading...)", sms_role_attr(SMS_ROLE_DIM));
        return;
    }
    if (!d->server.n_checks)
        canvas_text(c, 2, "none reported", sms_role_attr(SMS_ROLE_DIM));
    for (size_t i = 0; i < d->server.n_checks; i++)
        draw_check(c, &d->server.checks[i]);
}

/* ---- the last failed operator action ---- */

/* The newest finished action on this server, to tell whether the failure is still the
 * latest word or an older one that a later success superseded. */
static const sms_history_entry *newest_finished(const sms_app *a, const char *server_id)
{
    const sms_history *h = a->snap ? a->snap->history : NULL;
    for (size_t i = h ? h->n_entries : 0; i-- > 0;) {
        const sms_history_entry *e = &h->entries[i];
        if (e->outcome != SMS_OUT_PENDING && e->server_id && strcmp(e->server_id, server_id) == 0)
            return e;
    }
    return NULL;
}

static void draw_last_failure(canvas *c, const sms_history_entry *h)
{
    char when[32], head[256];
    bool latest = newest_finished(c->a, h->server_id) == h;
    sms_fmt_clock(when, sizeof when, h->done_ms ? h->done_ms : h->at_ms, app_now(c->a), true);
    snprintf(head, sizeof head, "%s %s: %s at %s by %s   (Enter: error panel)",
             latest ? "Last action" : "Earlier action", sms_outcome_label(h->outcome),
             sms_action_name(h->action), when, h->user ? h->user : "?");
    canvas_heading(c, head);
    char *text = sms_error_text(&h->error);
    char *save = NULL;
    for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
        canvas_wrapped_max(c, 2, line, sms_role_attr(SMS_ROLE_ERROR_PANEL), 4);   /* the panel has it all */
    free(text);
}

/* ---- ops ---- */

static const sms_server *shown_server(const sms_app *a, const sms_detail **d)
{
    *d = sms_app_detail(a);
    if (*d)
        return &(*d)->server;
    return sms_fleet_table_selected(&a->table);
}

static void migration_draw(sms_app *a, void *st, WINDOW *w, int rows, int cols)
{
    migration_view *v = st;
    const sms_detail *d;
    const sms_server *s = shown_server(a, &d);
    v->rows = rows;
    if (s && s->id && strncmp(v->server_id, s->id, sizeof v->server_id - 1) != 0) {
        snprintf(v->server_id, sizeof v->server_id, "%s", s->id);
        v->top = 0;
    }
    if (!s) {
        sms_draw_text(w, 0, 0, cols, a->snap && a->snap->fleet ? "No server selected: pick one in the Servers pane (1)."
                      : "Waiting for the first answer from the API...", sms_role_attr(SMS_ROLE_DIM), a->sym, false);
        v->n_lines = 0;
        return;
    }
    if (v->n_lines && v->top + (size_t)rows > v->n_lines)
        v->top = v->n_lines > (size_t)rows ? v->n_lines - (size_t)rows : 0;
    canvas c = { a, w, rows, cols, v->top, 0 };
    draw_header(&c, s);
    draw_pipeline(&c, s);
    draw_task(&c, s, d);
    draw_checks(&c, d);
    const sms_history_entry *h = s->id ? sms_app_last_failure(a, s->id) : NULL;
    if (h)
        draw_last_failure(&c, h);
    v->n_lines = c.line;
}

static void open_last_failure(sms_app *a)
{
    const sms_detail *d;
    const sms_server *s = shown_server(a, &d);
    const sms_history_entry *h = s && s->id ? sms_app_last_failure(a, s->id) : NULL;
    if (!h) {
        sms_app_message(a, false, "no failed action for this server");
        return;
    }
    sms_error_panel_open_entry(a, h);
}

static bool migration_action(sms_app *a, void *st, sms_action_id act)
{
    migration_view *v = st;
    size_t page = v->rows > 1 ? (size_t)v->rows - 1 : 1;
    size_t max_top = v->n_lines > (size_t)v->rows ? v->n_lines - (size_t)v->rows : 0;
    if (act == SMS_A_ENTER)
        open_last_failure(a);
    else if (!sms_move_target(act, v->top, max_top, page, &v->top))
        return false;
    a->dirty = true;
    return true;
}

static void *migration_create(void) { return calloc(1, sizeof(migration_view)); }

const sms_view_ops sms_view_migration = {
    .name = "migration", .title = "Migration",
    .create = migration_create, .destroy = free, .draw = migration_draw,
    .action = migration_action,
};
