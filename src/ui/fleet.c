/* fleet.c - the servers table: columns, filter, selection kept by id, marks. Sorting is
 * fleet_sort.c; the id index and change tracking are fleet_index.c. */
#include "ui/fleet.h"
#include "ui/fleet_index.h"
#include "ui/actions.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const sms_col_def sms_cols[SMS_COL__COUNT] = {
    [SMS_COL_NAME]     = { "name",     "NAME",      0, 0, false },
    [SMS_COL_IP]       = { "ip",       "IP",       15, 2, false },
    [SMS_COL_OS]       = { "os",       "OS",       12, 6, false },
    [SMS_COL_STATE]    = { "state",    "STATE",    12, 1, false },
    [SMS_COL_CYCLE]    = { "cycle",    "CYCLE",    11, 3, false },
    [SMS_COL_PROGRESS] = { "progress", "PROGRESS", 15, 2, false },
    [SMS_COL_SPEED]    = { "speed",    "SPEED",    10, 5, true },
    [SMS_COL_ETA]      = { "eta",      "ETA",       6, 5, true },
    [SMS_COL_AGENT]    = { "agent",    "AGENT",     5, 4, false },
    [SMS_COL_CHANGED]  = { "changed",  "CHANGED",  11, 7, false },
};

int sms_col_by_name(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    for (int c = 0; len && c < SMS_COL__COUNT; c++)
        if (strncasecmp(sms_cols[c].name, name, len) == 0)
            return c;
    return -1;
}

void sms_fleet_table_init(sms_fleet_table *t)
{
    memset(t, 0, sizeof *t);
    t->sort_col = SMS_COL_NAME;
    t->highlight_ms = 4000;
}

void sms_fleet_table_free(sms_fleet_table *t)
{
    sms_fleet_table_clear_marks(t);
    sms_fleet_index_free(t);
    free(t->marks); free(t->rows); free(t->sel_id);
    memset(t, 0, sizeof *t);
}

bool sms_fleet_matches(const sms_server *s, const char *filter)
{
    sms_fleet_filter m;
    sms_fleet_filter_init(&m, filter);
    return sms_fleet_filter_matches(&m, s);
}

/* ---- rows and change tracking (fleet_index.c, fleet_sort.c) ------------------- */

/* The row of the selected id, by entry (integer compares); by string when the index
 * could not be built. */
static bool find_selected_row(const sms_fleet_table *t, size_t *row)
{
    const sms_seen *e = sms_fleet_index_find(t, t->sel_id);
    if (e && sms_fleet_index_ranks_usable(t)) {
        uint32_t want = (uint32_t)(e - t->seen);
        for (size_t r = 0; r < t->n_rows; r++)
            if (sms_fleet_index_entry_of(t, t->rows[r]) == want)
                return *row = r, true;
        return false;
    }
    for (size_t r = 0; t->sel_id && r < t->n_rows; r++) {
        const char *id = t->fleet->servers[t->rows[r]].id;
        if (strcmp(id ? id : "", t->sel_id) == 0)
            return *row = r, true;
    }
    return false;
}

/* The selected server keeps the cursor wherever it moved. When it is gone from the
 * fleet (a refresh) the cursor stays at the same position; when the operator's filter
 * hides it, the cursor goes to the first row: a position in another list means nothing,
 * and the next action must not fall on whatever row happens to be there. */
static void locate_selection(sms_fleet_table *t, bool keep_position)
{
    size_t row;
    if (find_selected_row(t, &row)) {
        t->cursor = row;
        return;
    }
    if (!keep_position)
        t->cursor = 0;
    if (t->cursor >= t->n_rows)
        t->cursor = t->n_rows ? t->n_rows - 1 : 0;
    sms_fleet_table_select_row(t, t->cursor);
}

static void rows_and_selection(sms_fleet_table *t, bool keep_position)
{
    sms_fleet_rows_build(t);
    locate_selection(t, keep_position);
}

void sms_fleet_table_rebuild(sms_fleet_table *t)
{
    if (t->fleet)       /* cheap when nothing is new; the fleet may be another reference */
        sms_fleet_index_sync(t, t->fleet, false, 0);
    rows_and_selection(t, false);
}

int sms_fleet_table_update(sms_fleet_table *t, const sms_fleet *f, int64_t now_ms)
{
    int new_errors = f ? sms_fleet_index_sync(t, f, true, now_ms) : 0;
    t->fleet = f;
    rows_and_selection(t, true);
    return new_errors > 0 ? new_errors : 0;
}

int64_t sms_fleet_table_changed_until(const sms_fleet_table *t, const char *id)
{
    const sms_seen *s = sms_fleet_index_find(t, id);
    return s ? s->changed_until_ms : 0;
}

int64_t sms_fleet_table_next_expiry(const sms_fleet_table *t, int64_t now_ms)
{
    int64_t next = 0;
    for (size_t i = 0; i < t->n_seen; i++) {
        int64_t u = t->seen[i].changed_until_ms;
        if (u > now_ms && (!next || u < next))
            next = u;
    }
    return next;
}

/* ---- selection ----------------------------------------------------------- */

const sms_server *sms_fleet_table_row(const sms_fleet_table *t, size_t row)
{
    return row < t->n_rows ? &t->fleet->servers[t->rows[row]] : NULL;
}

const sms_server *sms_fleet_table_selected(const sms_fleet_table *t)
{
    return sms_fleet_table_row(t, t->cursor);
}

void sms_fleet_table_select_row(sms_fleet_table *t, size_t row)
{
    const sms_server *s = sms_fleet_table_row(t, row);
    t->cursor = row;
    if (s && s->id && t->sel_id && strcmp(s->id, t->sel_id) == 0)
        return;
    free(t->sel_id);
    t->sel_id = s && s->id ? strdup(s->id) : NULL;
}

bool sms_fleet_table_select_id(sms_fleet_table *t, const char *id)
{
    char *copy = id ? strdup(id) : NULL, *old = t->sel_id;
    size_t row;
    if (!copy)
        return false;
    t->sel_id = copy;
    if (find_selected_row(t, &row)) {
        t->cursor = row;
        free(old);
        return true;
    }
    t->sel_id = old;
    free(copy);
    return false;
}

void sms_fleet_table_move(sms_fleet_table *t, long delta)
{
    long row = (long)t->cursor + delta;
    if (row >= (long)t->n_rows)
        row = (long)t->n_rows - 1;
    if (row < 0)
        row = 0;
    sms_fleet_table_select_row(t, (size_t)row);
}

void sms_fleet_table_scroll(sms_fleet_table *t, size_t height)
{
    sms_scroll_to(t->cursor, t->n_rows, height, &t->top);
}

/* ---- marks --------------------------------------------------------------- */

static int cmp_idp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool sms_fleet_table_marked(const sms_fleet_table *t, const char *id)
{
    return id && t->n_marks && bsearch(&id, t->marks, t->n_marks, sizeof *t->marks, cmp_idp);
}

/* Insert id where it sorts (a memmove, not a sort of every mark). */
static void add_mark(sms_fleet_table *t, const char *id)
{
    char *copy = strdup(id);
    char **m = copy ? realloc(t->marks, (t->n_marks + 1) * sizeof *m) : NULL;
    if (!m) {
        free(copy);
        return;
    }
    t->marks = m;
    size_t lo = 0, hi = t->n_marks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m[mid], id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(m + lo + 1, m + lo, (t->n_marks - lo) * sizeof *m);
    m[lo] = copy;
    t->n_marks++;
}

void sms_fleet_table_toggle_mark(sms_fleet_table *t, const char *id)
{
    if (!id)
        return;
    char **hit = t->n_marks ? bsearch(&id, t->marks, t->n_marks, sizeof *t->marks, cmp_idp) : NULL;
    if (!hit) {
        add_mark(t, id);
        return;
    }
    free(*hit);
    memmove(hit, hit + 1, (size_t)(t->marks + t->n_marks - hit - 1) * sizeof *hit);
    t->n_marks--;
}

/* Sort the marks and drop repeated ids. */
static void sort_unique_marks(sms_fleet_table *t)
{
    size_t kept = 0;
    qsort(t->marks, t->n_marks, sizeof *t->marks, cmp_idp);
    for (size_t i = 0; i < t->n_marks; i++) {
        if (kept && strcmp(t->marks[kept - 1], t->marks[i]) == 0)
            free(t->marks[i]);
        else
            t->marks[kept++] = t->marks[i];
    }
    t->n_marks = kept;
}

/* All at once: one sort for the whole table, not one per mark added. */
void sms_fleet_table_mark_shown(sms_fleet_table *t)
{
    char **m = realloc(t->marks, (t->n_marks + t->n_rows + 1) * sizeof *m);
    if (!m)
        return;
    t->marks = m;
    for (size_t r = 0; r < t->n_rows; r++) {
        const char *id = sms_fleet_table_row(t, r)->id;
        char *copy = id ? strdup(id) : NULL;
        if (copy)
            t->marks[t->n_marks++] = copy;
    }
    sort_unique_marks(t);
}

void sms_fleet_table_clear_marks(sms_fleet_table *t)
{
    for (size_t i = 0; i < t->n_marks; i++)
        free(t->marks[i]);
    t->n_marks = 0;
}

/* Index of id among the (sorted, unique) marks, or -1. */
static long mark_index(const sms_fleet_table *t, const char *id)
{
    char **hit = id && t->n_marks ? bsearch(&id, t->marks, t->n_marks, sizeof *t->marks, cmp_idp) : NULL;
    return hit ? (long)(hit - t->marks) : -1;
}

/* One pass over the fleet: each marked id is taken once, by the first server that
 * carries it, so a repeated id can neither double an action nor steal another's. */
static void collect_marked(const sms_fleet_table *t, sms_targets *out)
{
    bool *taken = calloc(t->n_marks, sizeof *taken);
    sms_fleet_filter m;
    if (!taken)
        return;
    sms_fleet_filter_init(&m, t->filter);
    for (size_t i = 0; i < t->fleet->n_servers && out->n < t->n_marks; i++) {
        const sms_server *s = &t->fleet->servers[i];
        long k = mark_index(t, s->id);
        if (k < 0 || taken[k])
            continue;
        taken[k] = true;
        out->v[out->n++] = s;
        if (t->filter[0] && !sms_fleet_filter_matches(&m, s))
            out->hidden++;
    }
    out->missing = t->n_marks - out->n;
    free(taken);
}

bool sms_fleet_table_targets(const sms_fleet_table *t, sms_targets *out)
{
    memset(out, 0, sizeof *out);
    out->v = t->fleet ? calloc(t->n_marks ? t->n_marks : 1, sizeof *out->v) : NULL;
    if (!out->v)
        return false;
    if (t->n_marks)
        collect_marked(t, out);
    else if (sms_fleet_table_selected(t))
        out->v[out->n++] = sms_fleet_table_selected(t);
    if (out->n)
        return true;
    free(out->v);
    out->v = NULL;
    return false;
}
