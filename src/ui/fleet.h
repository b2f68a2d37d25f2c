/* fleet.h - the servers table behind the panes: filter, sort, marks, selection anchored
 * by server id, and change tracking for highlights. No curses. */
#ifndef SMS_UI_FLEET_H
#define SMS_UI_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "api/poller.h"

typedef enum sms_col {
    SMS_COL_NAME, SMS_COL_IP, SMS_COL_OS, SMS_COL_STATE, SMS_COL_CYCLE, SMS_COL_PROGRESS,
    SMS_COL_SPEED, SMS_COL_ETA, SMS_COL_AGENT, SMS_COL_CHANGED, SMS_COL__COUNT
} sms_col;

typedef struct sms_col_def {
    const char *name;       /* for :sort */
    const char *header;
    int width;              /* columns; name takes what is left */
    int priority;           /* lower = dropped last when narrow */
    bool right;             /* right-aligned */
} sms_col_def;
extern const sms_col_def sms_cols[SMS_COL__COUNT];
int sms_col_by_name(const char *name);      /* -1 if unknown (prefix match allowed) */

typedef struct sms_seen {
    char *id; char *state; int64_t changed_until_ms;
    /* private to fleet*.c: */
    char *name_key;                     /* case-folded name, for the tie-break order */
    uint32_t rank;                      /* place in the (name_key, id) order */
    uint32_t pass;                      /* last sync pass that saw this id */
} sms_seen;

struct sms_fleet_index;                 /* private to fleet*.c (fleet_index.h) */

typedef struct sms_fleet_table {
    const sms_fleet *fleet;             /* borrowed from the current snapshot */
    size_t *rows; size_t n_rows;        /* indexes into fleet->servers: filtered, sorted */
    char filter[128];
    sms_col sort_col; bool sort_desc;
    char **marks; size_t n_marks;       /* marked server ids, sorted */
    char *sel_id;                       /* the selected server, kept across refreshes */
    size_t cursor, top;                 /* row index of the selection; first row shown */
    sms_seen *seen; size_t n_seen;      /* last known state per id, unordered (see index) */
    int highlight_ms;                   /* how long a changed row stays highlighted */
    struct sms_fleet_index *index;      /* id lookup and cached sort keys; NULL until needed */
} sms_fleet_table;

void sms_fleet_table_init(sms_fleet_table *t);
void sms_fleet_table_free(sms_fleet_table *t);
/* Take a new fleet (call once per new fleet_seq): rebuild rows, keep the selection on the same id, record state
 * changes. Returns how many servers entered the "error" state (for the bell). */
int sms_fleet_table_update(sms_fleet_table *t, const sms_fleet *f, int64_t now_ms);
/* Re-apply filter and sort (after changing them). The selection stays on its server
 * when still shown, else moves to the first row. */
void sms_fleet_table_rebuild(sms_fleet_table *t);
bool sms_fleet_matches(const sms_server *s, const char *filter);

const sms_server *sms_fleet_table_row(const sms_fleet_table *t, size_t row);
const sms_server *sms_fleet_table_selected(const sms_fleet_table *t);
void sms_fleet_table_move(sms_fleet_table *t, long delta);   /* clamps */
void sms_fleet_table_select_row(sms_fleet_table *t, size_t row);
/* Select the server with this id (another pane's selection); false when it is not among
 * the rows (gone, or hidden by the filter): the selection is then left as it was. */
bool sms_fleet_table_select_id(sms_fleet_table *t, const char *id);
/* Keep the cursor visible in a window of `height` rows. */
void sms_fleet_table_scroll(sms_fleet_table *t, size_t height);

bool sms_fleet_table_marked(const sms_fleet_table *t, const char *id);
void sms_fleet_table_toggle_mark(sms_fleet_table *t, const char *id);
void sms_fleet_table_mark_shown(sms_fleet_table *t);
void sms_fleet_table_clear_marks(sms_fleet_table *t);
/* What an action acts on, taken by server id, never by row position: each marked id
 * once (the first server listed with it), or the selected server when nothing is marked.
 * `hidden` counts targets the filter hides, `missing` marked ids no longer listed. */
typedef struct sms_targets {
    const sms_server **v; size_t n;     /* borrowed pointers, fleet order; free(v) */
    size_t hidden, missing;
} sms_targets;
/* Fills *out; false (out->v NULL) when there is nothing to act on. */
bool sms_fleet_table_targets(const sms_fleet_table *t, sms_targets *out);

/* When the row's state changed recently: highlight until this time (0 = not). */
int64_t sms_fleet_table_changed_until(const sms_fleet_table *t, const char *id);
/* Earliest highlight expiry after now, or 0 when none. */
int64_t sms_fleet_table_next_expiry(const sms_fleet_table *t, int64_t now_ms);

#endif
