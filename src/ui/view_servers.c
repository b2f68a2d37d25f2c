/* view_servers.c - the fleet as a table: sortable, filterable, multi-select.
 * The rows, filter, sort and marks live in the app's sms_fleet_table (fleet.c) so the
 * `:` line and the other panes share them; this file only lays out and draws. */
#include "ui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "model/enums.h"
#include "model/text.h"
#include "ui/panes.h"

#define NAME_MIN 12
#define COL_CAP 40          /* no column grows wider than this from its content */
#define PREFIX_W 2          /* mark + gap */
#define TABLE_TOP 2         /* title line + column headers */

/* Column widths come from the content (measured when the rows change, not per frame).
 * When the columns do not all fit, NAME stays on the left and the others scroll
 * sideways a column at a time (l/Right, h/Left), so every column is reachable at 80x24. */
typedef struct servers_view {
    size_t page;
    int hscroll;                        /* first scrolled column after NAME, 0 = IP */
    int cols;                           /* width as last drawn */
    int width[SMS_COL__COUNT];          /* measured content widths */
    const sms_fleet *measured;          /* what the widths were measured for */
    uint64_t measured_seq; size_t measured_rows; char measured_filter[128];
    /* per server of the last fleet measured that had sms_fleet.revs: its number and its
     * cells' widths, which hold while a server at that place has that number */
    uint64_t *rev; uint8_t (*cell_w)[SMS_COL__COUNT]; size_t cap; bool cell_utf8;
} servers_view;

static void *servers_create(void) { return calloc(1, sizeof(servers_view)); }

static void servers_destroy(void *st)
{
    servers_view *v = st;
    if (v) {
        free(v->rev);
        free(v->cell_w);
    }
    free(v);
}

/* Room for the widths of n servers; false when there is none (then nothing is kept). */
static bool reserve_cells(servers_view *v, size_t n, bool utf8)
{
    if (n > v->cap) {
        uint64_t *rev = realloc(v->rev, n * sizeof *rev);
        if (rev)
            v->rev = rev;
        uint8_t (*w)[SMS_COL__COUNT] = rev ? realloc(v->cell_w, n * sizeof *w) : NULL;
        if (!w)
            return false;
        v->cell_w = w;
        memset(v->rev + v->cap, 0, (n - v->cap) * sizeof *v->rev);
        v->cap = n;
    }
    if (v->cell_utf8 != utf8) {         /* widths of the other symbol set */
        memset(v->rev, 0, v->cap * sizeof *v->rev);
        v->cell_utf8 = utf8;
    }
    return true;
}

/* The widths of server i's cells, measured again only when its data changed. */
static inline const uint8_t *cell_widths(servers_view *v, const sms_fleet *f, size_t i, bool utf8, sms_cell_memo *memo)
{
    uint8_t *w = v->cell_w[i];
    if (v->rev[i] == f->revs[i] && f->revs[i])
        return w;
    for (int c = 0; c < SMS_COL__COUNT; c++) {
        int cw = c == SMS_COL_PROGRESS ? 0 : sms_server_cell_width(&f->servers[i], (sms_col)c, utf8, memo);
        w[c] = (uint8_t)(cw > COL_CAP ? COL_CAP : cw);
    }
    v->rev[i] = f->revs[i];
    return w;
}

/* Where each column stands on screen; width 0: not shown (scrolled away or no room). */
typedef struct columns {
    int x[SMS_COL__COUNT], width[SMS_COL__COUNT];
    int first, last;                    /* scrolled columns shown */
    bool scrolls;                       /* the columns do not all fit */
} columns;

/* What the widths now are for. */
static void measured_for(servers_view *v, const sms_fleet_table *t, const sms_app *a)
{
    v->measured = t->fleet;
    v->measured_seq = a->fleet_seq;
    v->measured_rows = t->n_rows;
    snprintf(v->measured_filter, sizeof v->measured_filter, "%s", t->filter);
}

static void measure(sms_app *a, servers_view *v)
{
    const sms_fleet_table *t = &a->table;
    if (v->measured == t->fleet && v->measured_seq == a->fleet_seq && v->measured_rows == t->n_rows &&
        strcmp(v->measured_filter, t->filter) == 0 && v->width[SMS_COL_NAME])
        return;
    sms_cell_memo memo;
    memset(&memo, 0, sizeof memo);
    for (int c = 0; c < SMS_COL__COUNT; c++)    /* the header and its sort arrow */
        v->width[c] = c == SMS_COL_PROGRESS ? sms_cols[c].width : (int)strlen(sms_cols[c].header) + 1;
    bool utf8 = a->sym->utf8;
    if (t->fleet && t->fleet->revs && reserve_cells(v, t->fleet->n_servers, utf8)) {
        /* every server shown: in fleet order, which is the order of the arrays */
        bool all = t->n_rows == t->fleet->n_servers;
        uint8_t most[SMS_COL__COUNT] = { 0 };
        for (size_t r = 0; r < t->n_rows; r++) {
            const uint8_t *w = cell_widths(v, t->fleet, all ? r : t->rows[r], utf8, &memo);
            for (int c = 0; c < SMS_COL__COUNT; c++)
                most[c] = w[c] > most[c] ? w[c] : most[c];
        }
        for (int c = 0; c < SMS_COL__COUNT; c++)
            if (c != SMS_COL_PROGRESS && most[c] > v->width[c])
                v->width[c] = most[c];
        measured_for(v, t, a);
        return;
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        const sms_server *s = sms_fleet_table_row(t, r);
        for (int c = 0; c < SMS_COL__COUNT; c++) {
            if (c == SMS_COL_PROGRESS || v->width[c] >= COL_CAP)
                continue;
            int w = sms_server_cell_width(s, (sms_col)c, a->sym->utf8, &memo);
            v->width[c] = w > COL_CAP ? COL_CAP : w > v->width[c] ? w : v->width[c];
        }
    }
    measured_for(v, t, a);
}

/* Which columns are shown in `cols`, and where: all of them at their content width when
 * they fit; else NAME (at most a third of the line, at least NAME_MIN) and the scrolled
 * columns from hscroll on while they fit (the first one always, cut if need be). */
static void layout(const servers_view *v, int cols, columns *l)
{
    int rest = 0;
    memset(l, 0, sizeof *l);
    for (int c = SMS_COL_NAME + 1; c < SMS_COL__COUNT; c++)
        rest += v->width[c] + 1;
    int name_w = v->width[SMS_COL_NAME];
    l->scrolls = PREFIX_W + name_w + 1 + rest > cols;
    if (l->scrolls) {
        int third = cols / 3 > NAME_MIN ? cols / 3 : NAME_MIN;
        name_w = name_w < third ? name_w : third;
    }
    l->x[SMS_COL_NAME] = PREFIX_W;
    l->width[SMS_COL_NAME] = name_w;
    int x = PREFIX_W + name_w + 1;
    l->first = SMS_COL_NAME + 1 + (l->scrolls ? v->hscroll : 0);
    l->last = l->first - 1;
    for (int c = l->first; c < SMS_COL__COUNT && x < cols; c++) {
        int w = v->width[c];
        if (x + w > cols && c > l->first)
            break;
        l->x[c] = x;
        l->width[c] = x + w > cols ? cols - x : w;
        l->last = c;
        x += w + 1;
    }
}

static void fmt_changed(char *buf, size_t len, int64_t ms)
{
    if (ms <= 0) {
        snprintf(buf, len, "-");
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);                  /* the API speaks UTC; so does the column header */
    strftime(buf, len, "%m-%d %H:%M", &tm);
}

/* A task still moving data: its speed and ETA mean something. Once the server is in
 * error, stopped or finished, or the task is no longer RUNNING/SYNCING, the API keeps
 * the last speed and remaining time, which would read as live figures. */
static bool task_is_moving(const sms_server *s)
{
    static const char *const halted[] = { "error", "stopped", "finished" };
    const char *task_state = s->has_current_task ? s->current_task.state : NULL;
    if (!task_state || (strcmp(task_state, "RUNNING") != 0 && strcmp(task_state, "SYNCING") != 0))
        return false;
    for (size_t i = 0; i < sizeof halted / sizeof halted[0]; i++)
        if (s->state && strcmp(s->state, halted[i]) == 0)
            return false;
    return true;
}

void sms_server_cell_text(const sms_server *s, sms_col c, char *buf, size_t len)
{
    const sms_server_task *t = task_is_moving(s) ? &s->current_task : NULL;
    const sms_enum_info *cy;
    buf[0] = '\0';
    switch (c) {
    case SMS_COL_NAME:  snprintf(buf, len, "%s", s->name ? s->name : s->id ? s->id : "?"); break;
    case SMS_COL_IP:    snprintf(buf, len, "%s", s->ip ? s->ip : "-"); break;
    case SMS_COL_OS:    snprintf(buf, len, "%s", s->os_version ? s->os_version : s->os_type ? s->os_type : "-"); break;
    case SMS_COL_STATE: snprintf(buf, len, "%s", sms_state_label(s->state)); break;
    case SMS_COL_CYCLE:
        cy = sms_migration_cycle_info(s->migration_cycle);
        snprintf(buf, len, "%s", cy ? cy->label : s->migration_cycle ? s->migration_cycle : "-");
        break;
    case SMS_COL_SPEED:
        if (t && t->migrate_speed > 0)
            sms_fmt_rate_short(buf, len, t->migrate_speed);
        else
            snprintf(buf, len, "-");
        break;
    case SMS_COL_ETA:
        if (t && t->remain_seconds > 0)
            sms_fmt_duration(buf, len, t->remain_seconds);
        else
            snprintf(buf, len, "-");
        break;
    case SMS_COL_AGENT:   snprintf(buf, len, "%s", s->connected ? "yes" : "no"); break;
    case SMS_COL_CHANGED: fmt_changed(buf, len, s->state_action_time); break;
    case SMS_COL_PROGRESS: case SMS_COL__COUNT: break;
    }
}

/* Width of text as a cell shows it: cut to the 255 bytes of the buffer every caller of
 * sms_server_cell_text gives it, then counted; printable ASCII, the usual case, is a
 * column a byte. */
static int text_cell_width(const char *text, bool utf8)
{
    size_t n = 0;
    while (text[n] && (unsigned char)text[n] < 0x80 && n < 255)
        n++;
    if (!text[n] || n == 255)
        return (int)n;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    return sms_text_width(buf, utf8);
}

/* The width of a STATE (m = 0) or CYCLE (m = 1) cell, whose text depends on key alone. */
static int memo_width(sms_cell_memo *memo, int m, const char *key, const sms_server *s, sms_col c, bool utf8)
{
    for (size_t i = 0; key && i < memo->n[m]; i++)
        if (strcmp(memo->e[m][i].key, key) == 0)
            return memo->e[m][i].width;
    char text[256];
    sms_server_cell_text(s, c, text, sizeof text);
    int w = sms_text_width(text, utf8);
    if (key && memo->n[m] < sizeof memo->e[m] / sizeof memo->e[m][0])
        memo->e[m][memo->n[m]++] = (sms_cell_memo_entry){ key, w };
    return w;
}

#define LAST_CHANGED_S 253402300799LL   /* 9999-12-31 23:59:59: "%m-%d %H:%M" is 11 columns */

int sms_server_cell_width(const sms_server *s, sms_col c, bool utf8, sms_cell_memo *memo)
{
    switch (c) {
    case SMS_COL_NAME:  return text_cell_width(s->name ? s->name : s->id ? s->id : "?", utf8);
    case SMS_COL_IP:    return text_cell_width(s->ip ? s->ip : "-", utf8);
    case SMS_COL_OS:    return text_cell_width(s->os_version ? s->os_version : s->os_type ? s->os_type : "-", utf8);
    case SMS_COL_STATE: return memo_width(memo, 0, s->state, s, c, utf8);
    case SMS_COL_CYCLE: return memo_width(memo, 1, s->migration_cycle, s, c, utf8);
    case SMS_COL_AGENT: return s->connected ? 3 : 2;                    /* "yes", "no" */
    case SMS_COL_CHANGED:
        if (s->state_action_time <= 0)
            return 1;                                                   /* "-" */
        if (s->state_action_time / 1000 <= LAST_CHANGED_S)
            return 11;
        break;
    case SMS_COL_SPEED:
        if (!task_is_moving(s) || !(s->current_task.migrate_speed > 0))
            return 1;
        break;
    case SMS_COL_ETA:
        if (!task_is_moving(s) || s->current_task.remain_seconds <= 0)
            return 1;
        break;
    case SMS_COL_PROGRESS: case SMS_COL__COUNT:
        break;
    }
    char text[256];
    sms_server_cell_text(s, c, text, sizeof text);
    return sms_text_width(text, utf8);
}

static void draw_progress(sms_app *a, WINDOW *w, int y, int x, int width, const sms_server *s, attr_t base)
{
    if (s->totalsize <= 0) {
        sms_draw_text(w, y, x, width, "-", base, a->sym, true);
        return;
    }
    double frac = (double)s->replicatesize / (double)s->totalsize;
    char pct[8];
    snprintf(pct, sizeof pct, "%3d%%", (int)(frac * 100 > 100 ? 100 : frac * 100));
    sms_draw_bar(w, y, x, width - 5, frac, sms_role_attr(SMS_ROLE_BAR_DONE), sms_role_attr(SMS_ROLE_BAR_TODO), a->sym);
    sms_draw_text(w, y, x + width - 4, 4, pct, base, a->sym, false);
}

static attr_t row_attr(const sms_app *a, const sms_server *s, bool selected)
{
    if (selected)
        return sms_role_attr(SMS_ROLE_SELECTED);
    if (sms_fleet_table_changed_until(&a->table, s->id) > a->now_ms)
        return sms_role_attr(SMS_ROLE_CHANGED);
    return sms_role_attr(SMS_ROLE_NORMAL);
}

static void draw_row(sms_app *a, WINDOW *w, int y, int cols, const columns *l, const sms_server *s, bool selected)
{
    attr_t base = row_attr(a, s, selected);
    bool marked = sms_fleet_table_marked(&a->table, s->id);
    sms_draw_text(w, y, 0, cols, "", base, a->sym, true);
    sms_draw_text(w, y, 0, 1, marked ? a->sym->mark : a->sym->unmarked,
                  selected ? base : sms_role_attr(SMS_ROLE_MARKED), a->sym, false);
    for (int c = 0; c < SMS_COL__COUNT; c++) {
        int x = l->x[c], width = l->width[c];
        if (!width)
            continue;
        char text[256];
        if (c == SMS_COL_PROGRESS) {
            draw_progress(a, w, y, x, width, s, base);
        } else {
            attr_t attr = base;
            if (!selected && base == sms_role_attr(SMS_ROLE_NORMAL)) {
                if (c == SMS_COL_STATE)
                    attr = sms_state_attr(s->state);
                else if (c == SMS_COL_AGENT && !s->connected)
                    attr = sms_severity_attr(SMS_SEV_WARN);
            }
            sms_server_cell_text(s, (sms_col)c, text, sizeof text);
            int tw = sms_text_width(text, a->sym->utf8);
            int off = sms_cols[c].right && tw < width ? width - tw : 0;
            sms_draw_text(w, y, x + off, width - off, text, attr, a->sym, false);
        }
    }
}

static void draw_header(sms_app *a, WINDOW *w, int y, int cols, const columns *l)
{
    attr_t attr = sms_role_attr(SMS_ROLE_HEADER);
    const char *arrow = a->table.sort_desc ? (a->sym->utf8 ? "▼" : "v") : (a->sym->utf8 ? "▲" : "^");
    sms_draw_text(w, y, 0, cols, "", attr, a->sym, true);
    for (int c = 0; c < SMS_COL__COUNT; c++) {
        if (!l->width[c])
            continue;
        char text[32];
        snprintf(text, sizeof text, "%s%s", sms_cols[c].header, (int)a->table.sort_col == c ? arrow : "");
        sms_draw_text(w, y, l->x[c], l->width[c], text, attr | ((int)a->table.sort_col == c ? A_BOLD : 0),
                      a->sym, false);
    }
}

static void draw_title(sms_app *a, WINDOW *w, int cols, const columns *l)
{
    const sms_fleet_table *t = &a->table;
    size_t total = t->fleet ? t->fleet->n_servers : 0;
    char line[300];
    int n = snprintf(line, sizeof line, "Servers %zu/%zu  sort: %s%s", t->n_rows, total,
                     sms_cols[t->sort_col].name, t->sort_desc ? " (desc)" : "");
    if (t->filter[0] && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "  filter: %s", t->filter);
    if (t->n_marks && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "  marked: %zu", t->n_marks);
    if (t->fleet && t->fleet->n_unreadable && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "  unreadable: %zu", t->fleet->n_unreadable);
    if (l->scrolls && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, "  %s%s-%s%s (h/l)", l->first > SMS_COL_NAME + 1 ? "<" : "",
                 sms_cols[l->first].header, sms_cols[l->last].header, l->last < SMS_COL__COUNT - 1 ? ">" : "");
    sms_draw_text(w, 0, 0, cols, line, sms_role_attr(SMS_ROLE_TITLE), a->sym, false);
}

/* What to say when there are no rows. */
static void draw_empty(sms_app *a, WINDOW *w, int y, int cols)
{
    char msg[300];
    if (a->table.fleet && a->table.fleet->n_servers && a->table.filter[0])
        snprintf(msg, sizeof msg, "No server matches \"%s\" (/ to change the filter, Esc in it clears it)",
                 a->table.filter);
    else if (a->table.fleet)
        snprintf(msg, sizeof msg, "No source servers registered in this project.");
    else
        snprintf(msg, sizeof msg, "Waiting for the first answer from the API...");
    sms_draw_text(w, y, 2, cols - 2, msg, sms_role_attr(SMS_ROLE_DIM), a->sym, false);
}

static void servers_draw(sms_app *a, void *st, WINDOW *w, int rows, int cols)
{
    servers_view *v = st;
    columns l;
    measure(a, v);
    layout(v, cols, &l);
    v->cols = cols;
    size_t height = rows > TABLE_TOP ? (size_t)(rows - TABLE_TOP) : 0;
    v->page = height ? height : 1;
    draw_title(a, w, cols, &l);
    if (rows < 2)
        return;
    draw_header(a, w, 1, cols, &l);
    if (!a->table.n_rows) {
        draw_empty(a, w, TABLE_TOP, cols);
        return;
    }
    sms_fleet_table_scroll(&a->table, height);
    for (size_t i = 0; i < height && a->table.top + i < a->table.n_rows; i++) {
        size_t r = a->table.top + i;
        draw_row(a, w, TABLE_TOP + (int)i, cols, &l, sms_fleet_table_row(&a->table, r), r == a->table.cursor);
    }
}

static bool servers_action(sms_app *a, void *st, sms_action_id act)
{
    servers_view *v = st;
    long page = v->page ? (long)v->page : 10;
    switch (act) {
    case SMS_A_EXPAND: {                /* l/Right: the next column into view */
        columns l;
        layout(v, v->cols, &l);
        if (l.scrolls && l.last < SMS_COL__COUNT - 1)
            v->hscroll++;
        break;
    }
    case SMS_A_COLLAPSE:                /* h/Left */
        if (v->hscroll > 0)
            v->hscroll--;
        break;
    case SMS_A_UP:        sms_fleet_table_move(&a->table, -1); break;
    case SMS_A_DOWN:      sms_fleet_table_move(&a->table, +1); break;
    case SMS_A_PAGE_UP:   sms_fleet_table_move(&a->table, -page); break;
    case SMS_A_PAGE_DOWN: sms_fleet_table_move(&a->table, +page); break;
    case SMS_A_TOP:       sms_fleet_table_select_row(&a->table, 0); break;
    case SMS_A_BOTTOM:
        if (a->table.n_rows)
            sms_fleet_table_select_row(&a->table, a->table.n_rows - 1);
        break;
    case SMS_A_ENTER:
        if (!sms_fleet_table_selected(&a->table))
            return false;
        a->view = SMS_VIEW_MIGRATION;
        break;
    default:
        return false;
    }
    a->dirty = true;
    return true;
}

/* Header click sorts by that column (again: inverts); a row click selects it. */
static void servers_click(sms_app *a, void *st, int row, int col)
{
    if (row == 1) {
        columns l;
        layout(st, COLS, &l);
        for (int c = 0; c < SMS_COL__COUNT; c++) {
            if (col >= l.x[c] && col < l.x[c] + l.width[c]) {
                if ((int)a->table.sort_col == c)
                    a->table.sort_desc = !a->table.sort_desc;
                a->table.sort_col = (sms_col)c;
                sms_fleet_table_rebuild(&a->table);
                break;
            }
        }
    } else if (row >= TABLE_TOP && a->table.top + (size_t)(row - TABLE_TOP) < a->table.n_rows) {
        sms_fleet_table_select_row(&a->table, a->table.top + (size_t)(row - TABLE_TOP));
    }
    sms_app_select_changed(a);
    a->dirty = true;
}

const sms_view_ops sms_view_servers = {
    .name = "servers", .title = "Servers",
    .create = servers_create, .destroy = servers_destroy, .draw = servers_draw,
    .action = servers_action, .click = servers_click,
};
