/* view_agents.c - the Agents pane: one row per host (registered servers joined with the
 * inventory) with the agent's state and reason (model/agents.h, docs/agents.md).
 *
 * The rows are derived once per new fleet, version cache, inventory or filter, and again
 * only when the rule's clock says a row changes (changes_at_ms), never per frame. The
 * filter and the marks are the fleet table's (one filter, one set of marked server ids
 * for every pane), so marking hosts here and then acting works as in the Servers pane. */
#include "ui/app.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "model/agents.h"
#include "model/enums.h"
#include "model/text.h"
#include "ui/agents_order.h"

#define TABLE_TOP 2             /* title + column headers */
#define HINT_ROWS 1             /* the selected row's hint under the table */
#define PREFIX_W 2              /* mark + gap */
#define NAME_MIN 12

static const struct { const char *header; int width, priority; } cols_def[SMS_AC__COUNT] = {
    [SMS_AC_NAME]       = { "NAME",        0, 0 },
    [SMS_AC_IP]         = { "IP",         15, 3 },
    [SMS_AC_STATE]      = { "STATE",      13, 1 },
    [SMS_AC_REASON]     = { "REASON",     34, 2 },
    [SMS_AC_VERSION]    = { "AGENT",      10, 4 },
    [SMS_AC_OS]         = { "OS",         16, 5 },
    [SMS_AC_HEARTBEAT]  = { "HEARTBEAT",   9, 4 },
    [SMS_AC_CONNECTED]  = { "CONN",        4, 6 },
    [SMS_AC_REGISTERED] = { "REGISTERED", 16, 7 },
};

typedef struct agents_view {
    sms_agent_rows rows;            /* every host, derived */
    size_t *shown; size_t n_shown;  /* filtered and sorted indexes into rows */
    bool built;
    const sms_fleet *fleet;         /* what rows were derived from (compared only) */
    const sms_server *servers;
    const void *versions;
    char filter[128];               /* the filter the shown rows were made with */
    sms_agent_col sort_col; bool sort_desc;
    char sel_key[80];               /* "id:<server id>" or "line:<inventory line>" */
    size_t sel_row;                 /* where it was in rows */
    size_t cursor, top, page;
    int64_t now_ms;                 /* of the derivation */
    sms_agent_order order;          /* cached name order and scratch (agents_order.c) */
} agents_view;

/* ---- versions ----------------------------------------------------------------------- */

static const char *version_of(void *ctx, const sms_server *s)
{
    const sms_app *a = ctx;
    if (s->agent_version)
        return s->agent_version;
    if (a->snap && a->snap->versions)
        return sms_agent_versions_find(a->snap->versions, s->id);
    return NULL;
}

/* ---- rows ------------------------------------------------------------------------------ */

static void row_key(const sms_agent_row *r, char *buf, size_t len)
{
    if (r->server)
        snprintf(buf, len, "id:%s", r->server->id ? r->server->id : "");
    else
        snprintf(buf, len, "line:%d", r->host ? r->host->line : 0);
}

static bool row_matches(const sms_agent_row *r, const char *filter)
{
    if (!*filter)
        return true;
    const sms_agent_reason_info *why = sms_agent_reason_lookup(r->st.reason);
    const char *fields[] = { sms_agent_row_name(r), sms_agent_row_ip(r), sms_agent_state_info_of(r->st.state)->label,
                             why ? why->message : NULL, sms_agent_row_os(r), r->agent_version };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i] && strcasestr(fields[i], filter))
            return true;
    return false;
}

/* ---- selection ----------------------------------------------------------------------- */

static const sms_agent_row *shown_row(const agents_view *v, size_t i)
{
    return i < v->n_shown ? &v->rows.rows[v->shown[i]] : NULL;
}

static void select_row(agents_view *v, size_t i)
{
    const sms_agent_row *r = shown_row(v, i);
    v->cursor = i;
    if (r) {
        row_key(r, v->sel_key, sizeof v->sel_key);
        v->sel_row = v->shown[i];
    }
}

/* Whether r is the host of a row key (row_key's form), without formatting one. */
static bool row_is(const sms_agent_row *r, const char *key)
{
    if (strncmp(key, "id:", 3) == 0)
        return r->server && r->server->id && strcmp(r->server->id, key + 3) == 0;
    return !r->server && r->host && strncmp(key, "line:", 5) == 0 && r->host->line == atoi(key + 5);
}

/* The row of the selected host: where it was (servers keep their place in the API's
 * order between refreshes), else found by a scan; SIZE_MAX when gone. */
static size_t selected_row(const agents_view *v)
{
    if (!v->sel_key[0])
        return SIZE_MAX;
    if (v->sel_row < v->rows.n_rows && row_is(&v->rows.rows[v->sel_row], v->sel_key))
        return v->sel_row;
    for (size_t i = 0; i < v->rows.n_rows; i++)
        if (row_is(&v->rows.rows[i], v->sel_key))
            return i;
    return SIZE_MAX;
}

/* Keep the selection on the same host across rebuilds; else stay at the same place. */
static void locate_selection(agents_view *v)
{
    size_t want = selected_row(v);
    for (size_t i = 0; want != SIZE_MAX && i < v->n_shown; i++) {
        if (v->shown[i] == want) {
            v->cursor = i;
            v->sel_row = want;
            return;
        }
    }
    select_row(v, v->cursor < v->n_shown ? v->cursor : v->n_shown ? v->n_shown - 1 : 0);
}

static bool keep_row(const sms_agent_row *r, void *filter)
{
    return row_matches(r, filter);
}

static void filter_and_sort(agents_view *v, const char *filter)
{
    snprintf(v->filter, sizeof v->filter, "%s", filter);
    v->n_shown = sms_agent_order_rows(&v->order, &v->rows, v->sort_col, v->sort_desc, v->now_ms,
                                      v->filter[0] ? keep_row : NULL, v->filter, v->shown);
    locate_selection(v);
}

static void derive(sms_app *a, agents_view *v)
{
    const sms_fleet *f = a->snap ? a->snap->fleet : NULL;
    sms_agent_policy p = { .install_window_ms = a->o && a->o->agent_install_window_ms > 0
                                                    ? a->o->agent_install_window_ms : SMS_AGENT_INSTALL_WINDOW_MS };
    sms_agent_rows_free(&v->rows);
    free(v->shown);
    v->shown = NULL;
    v->n_shown = 0;
    v->now_ms = a->now_ms;
    v->fleet = f;
    v->servers = f ? f->servers : NULL;
    v->versions = a->snap ? a->snap->versions : NULL;
    v->built = sms_agent_rows_build(&v->rows, f ? f->servers : NULL, f ? f->n_servers : 0,
                                    a->o ? a->o->inventory : NULL, version_of, a, &p, a->now_ms) == 0;
    v->shown = v->built ? malloc((v->rows.n_rows + 1) * sizeof *v->shown) : NULL;
    if (!v->shown)
        v->built = false;
    else
        filter_and_sort(v, a->table.filter);
}

/* Bring the rows up to date: new data, the rule's clock, the shared filter. */
static agents_view *sync_rows(sms_app *a, agents_view *v)
{
    const sms_fleet *f = a->snap ? a->snap->fleet : NULL;
    const void *versions = a->snap ? a->snap->versions : NULL;
    bool due = v->rows.changes_at_ms && a->now_ms >= v->rows.changes_at_ms;
    if (!v->built || v->servers != (f ? f->servers : NULL) || v->versions != versions || due)
        derive(a, v);
    else if (strcmp(v->filter, a->table.filter) != 0)
        filter_and_sort(v, a->table.filter);
    return v;
}

/* ---- drawing ------------------------------------------------------------------------------ */

typedef struct layout { int x[SMS_AC__COUNT], width[SMS_AC__COUNT]; } layout;

static void lay_out(int cols, layout *l)
{
    bool shown[SMS_AC__COUNT];
    for (int c = 0; c < SMS_AC__COUNT; c++)
        shown[c] = true;
    int name_w;
    for (;;) {
        int used = PREFIX_W, worst = -1;
        for (int c = 1; c < SMS_AC__COUNT; c++) {
            if (!shown[c])
                continue;
            used += cols_def[c].width + 1;
            if (worst < 0 || cols_def[c].priority >= cols_def[worst].priority)
                worst = c;
        }
        name_w = cols - used;
        if (name_w >= NAME_MIN || worst < 0)
            break;
        shown[worst] = false;
    }
    if (name_w > 28)
        name_w = 28;                    /* the reason deserves the room more than the name */
    int x = PREFIX_W;
    for (int c = 0; c < SMS_AC__COUNT; c++) {
        l->x[c] = x;
        l->width[c] = !shown[c] ? 0 : c == SMS_AC_NAME ? (name_w > 1 ? name_w : 1) : cols_def[c].width;
        x += l->width[c] ? l->width[c] + 1 : 0;
    }
    int spare = cols - x;               /* what the name cap left goes to the reason */
    if (spare > 0 && l->width[SMS_AC_REASON]) {
        l->width[SMS_AC_REASON] += spare;
        for (int c = SMS_AC_REASON + 1; c < SMS_AC__COUNT; c++)
            l->x[c] += spare;
    }
}

static void fmt_date(char *buf, size_t len, int64_t ms)
{
    if (ms <= 0) {
        snprintf(buf, len, "-");
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);                  /* the API speaks UTC */
    strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

static void cell_text(const agents_view *v, const sms_agent_row *r, sms_agent_col c, char *buf, size_t len)
{
    const sms_agent_reason_info *why;
    switch (c) {
    case SMS_AC_NAME:  snprintf(buf, len, "%s", sms_agent_row_name(r)); break;
    case SMS_AC_IP:    snprintf(buf, len, "%s", sms_agent_row_ip(r) ? sms_agent_row_ip(r) : "-"); break;
    case SMS_AC_STATE: snprintf(buf, len, "%s", sms_agent_state_info_of(r->st.state)->label); break;
    case SMS_AC_REASON:
        why = sms_agent_reason_lookup(r->st.reason);
        snprintf(buf, len, "%d %s", r->st.reason, why ? why->message : "");
        break;
    case SMS_AC_VERSION:
        snprintf(buf, len, "%s%s", r->agent_version ? r->agent_version : r->server ? "?" : "-",
                 r->st.old_version ? " old" : "");
        break;
    case SMS_AC_OS:    snprintf(buf, len, "%s", sms_agent_row_os(r) ? sms_agent_row_os(r) : "-"); break;
    case SMS_AC_HEARTBEAT:
        if (!r->server)
            snprintf(buf, len, "-");
        else if (r->server->connected)
            snprintf(buf, len, "live");
        else
            sms_fmt_duration(buf, len, (v->now_ms - r->st.silent_since_ms) / 1000);
        break;
    case SMS_AC_CONNECTED: snprintf(buf, len, "%s", !r->server ? "-" : r->server->connected ? "yes" : "no"); break;
    case SMS_AC_REGISTERED: fmt_date(buf, len, r->server ? r->server->add_date : 0); break;
    case SMS_AC__COUNT: buf[0] = '\0'; break;
    }
}

static attr_t state_attr(sms_agent_state s)
{
    switch (s) {
    case SMS_AGENT_INSTALLED:     return sms_severity_attr(SMS_SEV_OK);
    case SMS_AGENT_INSTALLING:    return sms_severity_attr(SMS_SEV_ACTIVE);
    case SMS_AGENT_FAILED:        return sms_severity_attr(SMS_SEV_ERROR);
    case SMS_AGENT_UNEXPECTED:    return sms_severity_attr(SMS_SEV_WARN);
    case SMS_AGENT_NOT_INSTALLED: break;
    }
    return sms_severity_attr(SMS_SEV_IDLE);
}

static attr_t cell_attr(const sms_agent_row *r, sms_agent_col c, attr_t base, bool plain)
{
    if (!plain)
        return base;
    if (c == SMS_AC_STATE)
        return state_attr(r->st.state);
    if (c == SMS_AC_VERSION && r->st.old_version)
        return sms_severity_attr(SMS_SEV_WARN);
    if (c == SMS_AC_CONNECTED && r->server && !r->server->connected)
        return sms_severity_attr(SMS_SEV_WARN);
    return base;
}

static void draw_row(sms_app *a, agents_view *v, WINDOW *w, int y, int cols, const layout *l,
                     const sms_agent_row *r, bool selected)
{
    attr_t base = sms_role_attr(selected ? SMS_ROLE_SELECTED : r->server ? SMS_ROLE_NORMAL : SMS_ROLE_DIM);
    bool marked = r->server && sms_fleet_table_marked(&a->table, r->server->id);
    sms_draw_text(w, y, 0, cols, "", base, a->sym, true);
    sms_draw_text(w, y, 0, 1, marked ? a->sym->mark : a->sym->unmarked,
                  selected ? base : sms_role_attr(SMS_ROLE_MARKED), a->sym, false);
    for (int c = 0; c < SMS_AC__COUNT; c++) {
        if (!l->width[c])
            continue;
        char text[256];
        cell_text(v, r, (sms_agent_col)c, text, sizeof text);
        sms_draw_text(w, y, l->x[c], l->width[c], text, cell_attr(r, (sms_agent_col)c, base, !selected), a->sym, false);
    }
}

static void draw_header(sms_app *a, agents_view *v, WINDOW *w, int cols, const layout *l)
{
    attr_t attr = sms_role_attr(SMS_ROLE_HEADER);
    const char *arrow = v->sort_desc ? (a->sym->utf8 ? "▼" : "v") : (a->sym->utf8 ? "▲" : "^");
    sms_draw_text(w, 1, 0, cols, "", attr, a->sym, true);
    for (int c = 0; c < SMS_AC__COUNT; c++) {
        if (!l->width[c])
            continue;
        char text[32];
        snprintf(text, sizeof text, "%s%s", cols_def[c].header, (int)v->sort_col == c ? arrow : "");
        sms_draw_text(w, 1, l->x[c], l->width[c], text, attr | ((int)v->sort_col == c ? A_BOLD : 0), a->sym, false);
    }
}

static void draw_title(sms_app *a, agents_view *v, WINDOW *w, int cols)
{
    const size_t *k = v->rows.counts;
    char line[400];
    int n = snprintf(line, sizeof line, "Agents %zu/%zu  not installed %zu  installing %zu  installed %zu  failed %zu",
                     v->n_shown, v->rows.n_rows, k[sms_agent_state_slot(SMS_AGENT_NOT_INSTALLED)],
                     k[sms_agent_state_slot(SMS_AGENT_INSTALLING)], k[sms_agent_state_slot(SMS_AGENT_INSTALLED)],
                     k[sms_agent_state_slot(SMS_AGENT_FAILED)]);
    if (a->o && a->o->inventory && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "  unexpected %zu", k[sms_agent_state_slot(SMS_AGENT_UNEXPECTED)]);
    if (v->rows.n_old && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "  old agents %zu (newest %s)", v->rows.n_old,
                      v->rows.newest_version);
    if (v->filter[0] && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "  filter: %s", v->filter);
    if (a->table.n_marks && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, "  marked: %zu", a->table.n_marks);
    sms_draw_text(w, 0, 0, cols, line, sms_role_attr(SMS_ROLE_TITLE), a->sym, false);
}

/* The selected row's reason with its hint: what to do about it. */
static void draw_hint(sms_app *a, agents_view *v, WINDOW *w, int y, int cols)
{
    const sms_agent_row *r = shown_row(v, v->cursor);
    const sms_agent_reason_info *why = r ? sms_agent_reason_lookup(r->st.reason) : NULL;
    if (!why)
        return;
    char line[400];
    snprintf(line, sizeof line, "%s: %d %s. %s", sms_agent_row_name(r), why->code, why->message, why->hint);
    sms_draw_text(w, y, 0, cols, line, sms_role_attr(SMS_ROLE_DIM), a->sym, true);
}

static void draw_empty(sms_app *a, agents_view *v, WINDOW *w, int cols)
{
    const char *msg = !a->snap || !a->snap->fleet ? "Waiting for the first answer from the API..."
                    : v->filter[0] ? "No host matches the filter (/ to change it)"
                    : "No source servers registered and no inventory (--inventory FILE).";
    sms_draw_text(w, TABLE_TOP, 2, cols - 2, msg, sms_role_attr(SMS_ROLE_DIM), a->sym, false);
}

static void agents_draw(sms_app *a, void *st, WINDOW *w, int rows, int cols)
{
    agents_view *v = sync_rows(a, st);
    if (!v->built) {
        sms_draw_text(w, 0, 0, cols, "out of memory", sms_role_attr(SMS_ROLE_STATE_ERROR), a->sym, false);
        return;
    }
    layout l;
    lay_out(cols, &l);
    int hint = rows > TABLE_TOP + 4 ? HINT_ROWS : 0;
    size_t height = rows > TABLE_TOP + hint ? (size_t)(rows - TABLE_TOP - hint) : 0;
    v->page = height ? height : 1;
    draw_title(a, v, w, cols);
    if (rows < 2)
        return;
    draw_header(a, v, w, cols, &l);
    if (!v->n_shown) {
        draw_empty(a, v, w, cols);
        return;
    }
    sms_scroll_to(v->cursor, v->n_shown, height, &v->top);
    for (size_t i = 0; i < height && v->top + i < v->n_shown; i++)
        draw_row(a, v, w, TABLE_TOP + (int)i, cols, &l, shown_row(v, v->top + i), v->top + i == v->cursor);
    if (hint)
        draw_hint(a, v, w, rows - 1, cols);
}

/* ---- actions ------------------------------------------------------------------------------ */

static void set_sort(sms_app *a, agents_view *v, sms_action_id act, const char *arg)
{
    if (act == SMS_A_SORT_INVERT) {
        v->sort_desc = !v->sort_desc;
    } else if (arg && *arg) {
        char col[32] = "", dir[16] = "";
        sscanf(arg, "%31s %15s", col, dir);
        int c = sms_agent_col_by_name(col);
        if (c < 0) {
            sms_app_message(a, true, "sort: unknown agents column \"%s\"", col);
            return;
        }
        v->sort_col = (sms_agent_col)c;
        v->sort_desc = strncmp(dir, "desc", 4) == 0;
    } else {
        v->sort_col = (sms_agent_col)((v->sort_col + (act == SMS_A_SORT_PREV ? SMS_AC__COUNT - 1 : 1)) % SMS_AC__COUNT);
    }
    if (v->built)
        filter_and_sort(v, v->filter);
    sms_app_message(a, false, "agents sorted by %s%s", sms_agent_col_names[v->sort_col], v->sort_desc ? " (descending)" : "");
}

/* Marks are the fleet table's server ids; hosts that never registered have none. */
static void mark(sms_app *a, agents_view *v, sms_action_id act)
{
    if (act == SMS_A_MARK) {
        const sms_agent_row *r = shown_row(v, v->cursor);
        if (!r || !r->server || !r->server->id) {
            sms_app_message(a, true, "not registered with SMS: nothing to mark");
            return;
        }
        sms_fleet_table_toggle_mark(&a->table, r->server->id);
        if (v->cursor + 1 < v->n_shown)
            select_row(v, v->cursor + 1);
        return;
    }
    size_t before = a->table.n_marks;
    for (size_t i = 0; i < v->n_shown; i++) {
        const sms_agent_row *r = shown_row(v, i);
        if (r->server && r->server->id && !sms_fleet_table_marked(&a->table, r->server->id))
            sms_fleet_table_toggle_mark(&a->table, r->server->id);
    }
    sms_app_message(a, false, "%zu marked (%zu new)", a->table.n_marks, a->table.n_marks - before);
}

/* Sort and mark act on this pane's rows, before the app's own handling. */
static bool agents_own_action(sms_app *a, void *st, sms_action_id act, const char *arg)
{
    agents_view *v = sync_rows(a, st);
    switch (act) {
    case SMS_A_SORT_NEXT: case SMS_A_SORT_PREV: case SMS_A_SORT_INVERT:
        set_sort(a, v, act, arg);
        return true;
    case SMS_A_MARK: case SMS_A_MARK_ALL:
        mark(a, v, act);
        return true;
    default:
        return false;
    }
}

static bool agents_action(sms_app *a, void *st, sms_action_id act)
{
    agents_view *v = st;
    size_t to;
    if (act == SMS_A_ENTER) {
        /* drill into the server: the other panes show the fleet table's selection */
        const sms_agent_row *r = shown_row(v, v->cursor);
        if (!r || !r->server)
            return false;
        if (!sms_fleet_table_select_id(&a->table, r->server->id)) {
            sms_app_message(a, true, "%s is not in the Servers pane's rows (filter: %s)",
                            sms_agent_row_name(r), a->table.filter[0] ? a->table.filter : "none");
            return true;
        }
        a->view = SMS_VIEW_MIGRATION;
        return true;
    }
    if (!v->n_shown || !sms_move_target(act, v->cursor, v->n_shown - 1, v->page ? v->page : 10, &to))
        return false;
    select_row(v, to);
    a->dirty = true;
    return true;
}

static const sms_server *agents_selected(sms_app *a, void *st)
{
    agents_view *v = sync_rows(a, st);
    const sms_agent_row *r = shown_row(v, v->cursor);
    return r ? r->server : NULL;
}

/* Header click sorts by that column (again: inverts); a row click selects it. */
static void agents_click(sms_app *a, void *st, int row, int col)
{
    agents_view *v = st;
    if (row == 1) {
        layout l;
        lay_out(COLS, &l);
        for (int c = 0; c < SMS_AC__COUNT; c++)
            if (l.width[c] && col >= l.x[c] && col < l.x[c] + l.width[c]) {
                char arg[32];
                snprintf(arg, sizeof arg, "%s%s", sms_agent_col_names[c],
                         (int)v->sort_col == c && !v->sort_desc ? " desc" : "");
                set_sort(a, v, SMS_A_SORT_NEXT, arg);
            }
    } else if (row >= TABLE_TOP && v->top + (size_t)(row - TABLE_TOP) < v->n_shown) {
        select_row(v, v->top + (size_t)(row - TABLE_TOP));
    }
    sms_app_select_changed(a);
    a->dirty = true;
}

static int64_t agents_next_change(sms_app *a, void *st)
{
    (void)a;
    const agents_view *v = st;
    return v->built ? v->rows.changes_at_ms : 0;
}

static void *agents_create(void) { return calloc(1, sizeof(agents_view)); }

static void agents_destroy(void *st)
{
    agents_view *v = st;
    if (v) {
        sms_agent_rows_free(&v->rows);
        free(v->shown);
        sms_agent_order_free(&v->order);
    }
    free(v);
}

const size_t *sms_agents_counts(sms_app *a, size_t *n_old)
{
    static const size_t none[SMS_AGENT_N_STATES];
    if (n_old)
        *n_old = 0;
    if (!a->view_state[SMS_VIEW_AGENTS])
        return none;                    /* the pane could not be created */
    agents_view *v = sync_rows(a, a->view_state[SMS_VIEW_AGENTS]);
    if (n_old)
        *n_old = v->rows.n_old;
    return v->rows.counts;
}

const sms_view_ops sms_view_agents = {
    .name = "agents", .title = "Agents",
    .create = agents_create, .destroy = agents_destroy, .draw = agents_draw,
    .action = agents_action, .click = agents_click, .own_action = agents_own_action,
    .selected = agents_selected, .next_change = agents_next_change,
};
