/* fleet.c - filter, sort, marks and change tracking for the servers table. */
#include "ui/fleet.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "model/enums.h"

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
    for (size_t i = 0; i < t->n_seen; i++) {
        free(t->seen[i].id);
        free(t->seen[i].state);
    }
    free(t->seen); free(t->marks); free(t->rows); free(t->sel_id);
    memset(t, 0, sizeof *t);
}

static bool contains_ci(const char *hay, const char *needle)
{
    return hay && strcasestr(hay, needle) != NULL;
}

bool sms_fleet_matches(const sms_server *s, const char *filter)
{
    if (!filter || !*filter)
        return true;
    const sms_enum_info *st = sms_server_state_info(s->state);
    return contains_ci(s->name, filter) || contains_ci(s->ip, filter) ||
           contains_ci(s->state, filter) || (st && contains_ci(st->label, filter));
}

/* ---- sorting ------------------------------------------------------------ */

static int cmp_str(const char *a, const char *b)
{
    return strcasecmp(a ? a : "", b ? b : "");
}

static int cmp_i64(int64_t a, int64_t b) { return (a > b) - (a < b); }

static double progress_of(const sms_server *s)
{
    return s->totalsize > 0 ? (double)s->replicatesize / (double)s->totalsize : 0.0;
}

static int cmp_col(const sms_server *a, const sms_server *b, sms_col col)
{
    switch (col) {
    case SMS_COL_NAME:     return cmp_str(a->name, b->name);
    case SMS_COL_IP:       return cmp_str(a->ip, b->ip);
    case SMS_COL_OS:       return cmp_str(a->os_version, b->os_version);
    case SMS_COL_STATE:    return cmp_str(a->state, b->state);
    case SMS_COL_CYCLE:    return cmp_i64(sms_migration_cycle_index(a->migration_cycle),
                                          sms_migration_cycle_index(b->migration_cycle));
    case SMS_COL_PROGRESS: return (progress_of(a) > progress_of(b)) - (progress_of(a) < progress_of(b));
    case SMS_COL_SPEED: {
        double x = a->current_task.migrate_speed, y = b->current_task.migrate_speed;
        return (x > y) - (x < y);
    }
    case SMS_COL_ETA:      return cmp_i64(a->current_task.remain_seconds, b->current_task.remain_seconds);
    case SMS_COL_AGENT:    return (int)a->connected - (int)b->connected;
    case SMS_COL_CHANGED:  return cmp_i64(a->state_action_time, b->state_action_time);
    case SMS_COL__COUNT:   break;
    }
    return 0;
}

/* qsort has no context argument in C11; the comparator reads these. */
static const sms_fleet_table *sort_table;

static int cmp_rows(const void *pa, const void *pb)
{
    const sms_server *a = &sort_table->fleet->servers[*(const size_t *)pa];
    const sms_server *b = &sort_table->fleet->servers[*(const size_t *)pb];
    int c = cmp_col(a, b, sort_table->sort_col);
    if (c == 0)
        c = cmp_str(a->name, b->name);
    if (c == 0)
        c = cmp_str(a->id, b->id);                  /* total order: stable across refreshes */
    return sort_table->sort_desc ? -c : c;
}

static void locate_selection(sms_fleet_table *t)
{
    for (size_t r = 0; t->sel_id && r < t->n_rows; r++)
        if (strcmp(t->fleet->servers[t->rows[r]].id ? t->fleet->servers[t->rows[r]].id : "", t->sel_id) == 0) {
            t->cursor = r;
            return;
        }
    /* the selected server is gone or filtered out: stay at the same position */
    if (t->cursor >= t->n_rows)
        t->cursor = t->n_rows ? t->n_rows - 1 : 0;
    sms_fleet_table_select_row(t, t->cursor);
}

void sms_fleet_table_rebuild(sms_fleet_table *t)
{
    size_t n = t->fleet ? t->fleet->n_servers : 0;
    size_t *rows = realloc(t->rows, (n ? n : 1) * sizeof *rows);
    if (!rows)
        return;
    t->rows = rows;
    t->n_rows = 0;
    for (size_t i = 0; i < n; i++)
        if (sms_fleet_matches(&t->fleet->servers[i], t->filter))
            t->rows[t->n_rows++] = i;
    sort_table = t;
    qsort(t->rows, t->n_rows, sizeof *t->rows, cmp_rows);
    sort_table = NULL;
    locate_selection(t);
}

/* ---- change tracking ----------------------------------------------------- */

static int cmp_seen(const void *a, const void *b)
{
    return strcmp(((const sms_seen *)a)->id, ((const sms_seen *)b)->id);
}

static sms_seen *find_seen(const sms_fleet_table *t, const char *id)
{
    sms_seen key = { .id = (char *)id };
    return id && t->n_seen ? bsearch(&key, t->seen, t->n_seen, sizeof key, cmp_seen) : NULL;
}

/* Rebuild the seen table from the new fleet; count entries into "error". */
static int track_changes(sms_fleet_table *t, const sms_fleet *f, int64_t now_ms)
{
    bool first = t->n_seen == 0 && !t->seen;
    sms_seen *next = calloc(f->n_servers + 1, sizeof *next);
    size_t n = 0;
    int new_errors = 0;
    if (!next)
        return 0;
    for (size_t i = 0; i < f->n_servers; i++) {
        const sms_server *s = &f->servers[i];
        if (!s->id)
            continue;
        sms_seen *old = find_seen(t, s->id);
        const char *state = s->state ? s->state : "";
        int64_t until = old ? old->changed_until_ms : 0;
        if (!first && (!old || strcmp(old->state, state) != 0)) {
            until = now_ms + t->highlight_ms;
            new_errors += strcmp(state, "error") == 0;
        }
        next[n++] = (sms_seen){ strdup(s->id), strdup(state), until > now_ms ? until : 0 };
    }
    for (size_t i = 0; i < t->n_seen; i++) {
        free(t->seen[i].id);
        free(t->seen[i].state);
    }
    free(t->seen);
    qsort(next, n, sizeof *next, cmp_seen);
    t->seen = next;
    t->n_seen = n;
    return new_errors;
}

int sms_fleet_table_update(sms_fleet_table *t, const sms_fleet *f, int64_t now_ms)
{
    int new_errors = f ? track_changes(t, f, now_ms) : 0;
    t->fleet = f;
    sms_fleet_table_rebuild(t);
    return new_errors;
}

int64_t sms_fleet_table_changed_until(const sms_fleet_table *t, const char *id)
{
    const sms_seen *s = find_seen(t, id);
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
    if (!height)
        return;
    if (t->cursor < t->top)
        t->top = t->cursor;
    if (t->cursor >= t->top + height)
        t->top = t->cursor - height + 1;
    if (t->top + height > t->n_rows)
        t->top = t->n_rows > height ? t->n_rows - height : 0;
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

static void add_mark(sms_fleet_table *t, const char *id)
{
    char **m = realloc(t->marks, (t->n_marks + 1) * sizeof *m);
    if (!m)
        return;
    t->marks = m;
    t->marks[t->n_marks++] = strdup(id);
    qsort(t->marks, t->n_marks, sizeof *t->marks, cmp_idp);
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

void sms_fleet_table_mark_shown(sms_fleet_table *t)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        const char *id = sms_fleet_table_row(t, r)->id;
        if (id && !sms_fleet_table_marked(t, id))
            add_mark(t, id);
    }
}

void sms_fleet_table_clear_marks(sms_fleet_table *t)
{
    for (size_t i = 0; i < t->n_marks; i++)
        free(t->marks[i]);
    t->n_marks = 0;
}

const sms_server **sms_fleet_table_targets(const sms_fleet_table *t, size_t *n)
{
    size_t cap = t->n_marks ? t->n_marks : 1;
    const sms_server **out = calloc(cap, sizeof *out);
    *n = 0;
    if (!out || !t->fleet)
        goto none;
    if (t->n_marks) {
        for (size_t i = 0; i < t->fleet->n_servers && *n < cap; i++)
            if (sms_fleet_table_marked(t, t->fleet->servers[i].id))
                out[(*n)++] = &t->fleet->servers[i];
    } else if (sms_fleet_table_selected(t)) {
        out[(*n)++] = sms_fleet_table_selected(t);
    }
    if (*n)
        return out;
none:
    free(out);
    return NULL;
}
