/* view_history.c - the Commands pane: the console's own history of operator actions
 * (the API cannot read it back), newest first: when, who, what, on which server, the
 * API's outcome (pending ones visibly pending) and the state observed after it.
 * Enter on a failed entry opens the error panel with everything the API said. */
#include "ui/app.h"
#include "ui/panes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct history_view {
    uint64_t sel_id;        /* selected entry, kept when new entries arrive; 0 = newest */
    size_t cursor, top;     /* row (0 = newest) and first row shown */
    int rows;               /* rows of entries in the last drawing */
} history_view;

const char *sms_outcome_label(sms_outcome o)
{
    switch (o) {
    case SMS_OUT_PENDING: return "PENDING";
    case SMS_OUT_OK:      return "OK";
    case SMS_OUT_FAILED:  return "FAILED";
    case SMS_OUT_UNKNOWN: return "UNKNOWN";
    }
    return "?";
}

static const sms_history *history_of(const sms_app *a)
{
    return a->snap ? a->snap->history : NULL;
}

static size_t history_count(const sms_app *a)
{
    const sms_history *h = history_of(a);
    return h ? h->n_entries : 0;
}

/* Row r counts from the newest entry. */
static const sms_history_entry *history_row(const sms_app *a, size_t r)
{
    const sms_history *h = history_of(a);
    return h && r < h->n_entries ? &h->entries[h->n_entries - 1 - r] : NULL;
}

/* Put the cursor back on the selected entry after the history changed. */
static void history_anchor(const sms_app *a, history_view *v)
{
    size_t n = history_count(a);
    if (v->sel_id)
        for (size_t r = 0; r < n; r++)
            if (history_row(a, r)->id == v->sel_id) {
                v->cursor = r;
                return;
            }
    if (v->cursor >= n)
        v->cursor = n ? n - 1 : 0;
}

static void history_select(const sms_app *a, history_view *v, size_t row)
{
    const sms_history_entry *e = history_row(a, row);
    v->cursor = row;
    v->sel_id = e ? e->id : 0;
}

static attr_t outcome_attr(sms_outcome o)
{
    switch (o) {
    case SMS_OUT_PENDING: return sms_role_attr(SMS_ROLE_STATE_ACTIVE) | A_BOLD;
    case SMS_OUT_OK:      return sms_role_attr(SMS_ROLE_STATE_OK);
    case SMS_OUT_FAILED:  return sms_role_attr(SMS_ROLE_STATE_ERROR);
    case SMS_OUT_UNKNOWN: return sms_role_attr(SMS_ROLE_STATE_WARN);
    }
    return sms_role_attr(SMS_ROLE_NORMAL);
}

void sms_fmt_clock(char *buf, size_t len, int64_t ms, int64_t now_ms, bool with_year)
{
    time_t t = (time_t)(ms / 1000), now = (time_t)(now_ms / 1000);
    struct tm tm, tn;
    if (ms <= 0 || !localtime_r(&t, &tm) || !localtime_r(&now, &tn)) {
        snprintf(buf, len, "-");
        return;
    }
    bool today = tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday;
    if (today)
        strftime(buf, len, "%H:%M:%S", &tm);
    else
        strftime(buf, len, with_year ? "%Y-%m-%d %H:%M" : "%m-%d %H:%M", &tm);
}

/* WHEN always with its date ("12-02 17:42:05"): the history spans days and restarts. */
static void fmt_when(char *buf, size_t len, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !localtime_r(&t, &tm))
        snprintf(buf, len, "-");
    else
        strftime(buf, len, "%m-%d %H:%M:%S", &tm);
}

typedef struct hist_col { const char *header; int width; } hist_col;
enum { C_WHEN, C_WHO, C_WHAT, C_SERVER, C_OUTCOME, C_AFTER, C__COUNT };
static const hist_col cols_def[C__COUNT] = {
    { "WHEN", 14 }, { "WHO", 8 }, { "WHAT", 12 }, { "SERVER", 16 }, { "OUTCOME", 9 }, { "STATE AFTER / ERROR", 0 },
};

/* Widths for this window: the server column grows on wide screens, the last takes the rest. */
static void history_widths(int cols, int w[C__COUNT])
{
    int fixed = 0;
    for (int i = 0; i < C__COUNT; i++) {
        w[i] = cols_def[i].width;
        fixed += w[i] + 1;
    }
    if (cols > 120)
        w[C_SERVER] += (cols - 120) / 2, fixed += (cols - 120) / 2;
    w[C_AFTER] = cols - fixed > 0 ? cols - fixed : 0;
}

static void draw_cells(sms_app *a, WINDOW *w, int y, int cols, const int *wd, const char *const *cells,
                       const attr_t *attrs)
{
    int x = 0;
    for (int i = 0; i < C__COUNT && x < cols; i++) {
        int width = i == C__COUNT - 1 || x + wd[i] > cols ? cols - x : wd[i];
        sms_draw_text(w, y, x, width, cells[i], attrs[i], a->sym, true);
        x += width + 1;
        if (x - 1 < cols && i < C__COUNT - 1)
            sms_draw_text(w, y, x - 1, 1, " ", attrs[i], a->sym, false);
    }
}

static void draw_entry(sms_app *a, WINDOW *w, int y, int cols, const int *wd, const sms_history_entry *e, bool sel)
{
    char when[24], outcome[32], after[512], summary[400];
    fmt_when(when, sizeof when, e->at_ms);
    snprintf(outcome, sizeof outcome, "%s%s", e->outcome == SMS_OUT_PENDING ? a->sym->pending : "",
             sms_outcome_label(e->outcome));
    if (e->outcome == SMS_OUT_FAILED || e->outcome == SMS_OUT_UNKNOWN) {
        sms_call_error_summary(&e->error, summary, sizeof summary);
        snprintf(after, sizeof after, "%s%s%s", e->state_after ? e->state_after : "", e->state_after ? " | " : "", summary);
    }
    else if (e->outcome == SMS_OUT_PENDING)
        snprintf(after, sizeof after, "waiting for the API...");
    else
        snprintf(after, sizeof after, "%s%s", e->state_after ? e->state_after : "",
                 e->following ? " ... (following)" : "");
    const char *cells[C__COUNT] = {
        when, e->user ? e->user : "-", sms_action_name(e->action),
        e->server_name ? e->server_name : (e->server_id ? e->server_id : "-"), outcome, after,
    };
    attr_t base = sel ? sms_role_attr(SMS_ROLE_SELECTED) : sms_role_attr(SMS_ROLE_NORMAL);
    attr_t attrs[C__COUNT] = { base, base, base, base, sel ? base : outcome_attr(e->outcome), base };
    draw_cells(a, w, y, cols, wd, cells, attrs);
}

/* Bottom line: the selected entry's details that do not fit in the table. */
static void draw_details(sms_app *a, WINDOW *w, int y, int cols, const sms_history_entry *e)
{
    char line[512], took[16] = "-";
    if (e->done_ms > 0 && e->done_ms >= e->at_ms)
        snprintf(took, sizeof took, "%.1fs", (double)(e->done_ms - e->at_ms) / 1000.0);
    snprintf(line, sizeof line, "#%llu  %sstate after: %s  took %s  context %s  task %s  server %s",
             (unsigned long long)e->id,
             e->outcome == SMS_OUT_FAILED || e->outcome == SMS_OUT_UNKNOWN ? "(Enter: the error in full)  " : "",
             e->state_after ? e->state_after : "-", took, e->context ? e->context : "-",
             e->task_id ? e->task_id : "-", e->server_id ? e->server_id : "-");
    sms_draw_text(w, y, 0, cols, line, sms_role_attr(SMS_ROLE_DIM), a->sym, true);
}

static void history_draw(sms_app *a, void *st, WINDOW *w, int rows, int cols)
{
    history_view *v = st;
    int wd[C__COUNT];
    history_widths(cols, wd);
    const char *headers[C__COUNT];
    attr_t hattrs[C__COUNT];
    for (int i = 0; i < C__COUNT; i++) {
        headers[i] = cols_def[i].header;
        hattrs[i] = sms_role_attr(SMS_ROLE_HEADER);
    }
    draw_cells(a, w, 0, cols, wd, headers, hattrs);
    size_t n = history_count(a);
    bool details = rows >= 6 && n;                 /* room for a details line at the bottom */
    v->rows = rows - 1 - (details ? 2 : 0);
    if (v->rows < 1)
        v->rows = 1;
    if (!n) {
        sms_draw_text(w, 1, 0, cols, "No actions yet: actions started from this console are listed here.",
                      sms_role_attr(SMS_ROLE_DIM), a->sym, false);
        return;
    }
    history_anchor(a, v);
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->cursor >= v->top + (size_t)v->rows)
        v->top = v->cursor - (size_t)v->rows + 1;
    for (int r = 0; r < v->rows && v->top + (size_t)r < n; r++)
        draw_entry(a, w, 1 + r, cols, wd, history_row(a, v->top + (size_t)r), v->top + (size_t)r == v->cursor);
    if (details) {
        sms_draw_hline(w, rows - 2, 0, cols, sms_role_attr(SMS_ROLE_BORDER), a->sym);
        draw_details(a, w, rows - 1, cols, history_row(a, v->cursor));
    }
}

static void history_open(sms_app *a, history_view *v)
{
    const sms_history_entry *e = history_row(a, v->cursor);
    if (!e)
        return;
    if (e->outcome != SMS_OUT_FAILED && e->outcome != SMS_OUT_UNKNOWN) {
        sms_app_message(a, false, "%s on %s: %s%s%s", sms_action_name(e->action),
                        e->server_name ? e->server_name : "-", sms_outcome_label(e->outcome),
                        e->has_counts && e->state_after ? "; " : "", e->has_counts && e->state_after ? e->state_after : "");
        return;
    }
    sms_error_panel_open_entry(a, e);
}

static bool history_action(sms_app *a, void *st, sms_action_id act)
{
    history_view *v = st;
    size_t n = history_count(a), last = n ? n - 1 : 0, page = v->rows > 1 ? (size_t)v->rows - 1 : 1;
    history_anchor(a, v);
    size_t to;
    if (sms_move_target(act, v->cursor, last, page, &to)) {
        history_select(a, v, to);
        if (act == SMS_A_TOP)
            v->sel_id = 0;                      /* follow the newest */
    } else if (act == SMS_A_ENTER) {
        history_open(a, v);
    } else {
        return false;
    }
    a->dirty = true;
    return true;
}

static void history_click(sms_app *a, void *st, int row, int col)
{
    history_view *v = st;
    (void)col;
    if (row < 1 || v->top + (size_t)(row - 1) >= history_count(a))
        return;
    size_t r = v->top + (size_t)(row - 1);
    if (r == v->cursor)
        history_open(a, v);
    else
        history_select(a, v, r);
    a->dirty = true;
}

static void *history_create(void) { return calloc(1, sizeof(history_view)); }

const sms_view_ops sms_view_history = {
    .name = "history", .title = "Commands",
    .create = history_create, .destroy = free, .draw = history_draw,
    .action = history_action, .click = history_click,
};
