/* panes.h - the pure parts of the panes (migration, disks, history, dashboard, error
 * panel): what they compute from a snapshot, separated from drawing so that it can be
 * unit-tested without a terminal. No curses here. Internal to src/ui. */
#ifndef SMS_UI_PANES_H
#define SMS_UI_PANES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "api/poller.h"
#include "ui/fleet.h"

/* ---- migration pipeline -------------------------------------------------- */

#define SMS_PIPELINE_STEPS 6        /* checking .. cutovered (sms_migration_cycles) */

typedef enum sms_step_mark { SMS_STEP_TODO, SMS_STEP_DONE, SMS_STEP_CURRENT, SMS_STEP_FAILED } sms_step_mark;

/* Marks for each pipeline step from the server's migration_cycle and state.
 * Returns the index of the current step, or -1 when the cycle is unknown or absent
 * (every step is then TODO and the UI shows the raw cycle). The last step is DONE,
 * not CURRENT, once the target is launched; the current step is FAILED when the server
 * is in an error state. */
int sms_pipeline_marks(const char *cycle, const char *state, sms_step_mark marks[SMS_PIPELINE_STEPS]);

/* ---- task error_json -------------------------------------------------------- */

/* error_json of a task decoded into display lines: the error code with its hint from
 * the model's table, the message, the parameters, then any other keys as "key: value".
 * Text that is not a JSON object comes back as one line. NULL/"" -> NULL, *n = 0.
 * Free with sms_lines_free. */
char **sms_task_error_lines(const char *error_json, size_t *n);
void sms_lines_free(char **lines, size_t n);

/* ---- text wrapping ------------------------------------------------------- */

/* Wrap one line to `width` display columns (breaking after a space when one is near,
 * inside long words otherwise); continuation lines are indented by `indent` columns.
 * Appends malloc'd lines to *lines / *n (grown as needed). 0 ok, -1 out of memory. */
int sms_wrap_append(char ***lines, size_t *n, const char *text, int width, int indent, bool utf8);

/* ---- dashboard --------------------------------------------------------------- */

#define SMS_DASH_MAX_STATES 32

typedef struct sms_dashboard {
    size_t n_servers, n_connected, n_tasks_active;
    size_t by_state[SMS_DASH_MAX_STATES];   /* index = sms_server_states order */
    size_t state_other;                     /* unknown or absent state */
    size_t by_cycle[SMS_PIPELINE_STEPS];    /* index = pipeline order */
    size_t cycle_other;
    double throughput_mbit;                 /* sum of the active tasks' migrate_speed */
    int64_t replicated, total;              /* bytes over every server with a total */
    size_t *order; size_t n_order;          /* server indexes: in error first, then by severity, name */
    size_t n_error;                         /* the first n_error of order are in error */
} sms_dashboard;

/* Aggregate a fleet (NULL = empty). 0 ok, -1 out of memory (d zeroed). */
int sms_dashboard_compute(const sms_fleet *f, sms_dashboard *d);
void sms_dashboard_free(sms_dashboard *d);
/* "812.5 Mbit/s", "12.6 Gbit/s" (from 10 Gbit/s up). buf >= 24. */
const char *sms_fmt_rate(char *buf, size_t len, double mbit);
/* The same in at most 10 columns: "407.0 Mb/s", "4.2 Gb/s", ">1 Pb/s". */
const char *sms_fmt_rate_short(char *buf, size_t len, double mbit);
/* A compression rate or similar ratio, "1.35"; "-" outside 0-1000. */
const char *sms_fmt_ratio(char *buf, size_t len, double x);
/* True when the server needs attention: error state or a failed current task. */
bool sms_server_in_error(const sms_server *s);

/* ---- servers table ---------------------------------------------------------- */

/* Text of a cell of the servers table (every column but PROGRESS, which is a bar). */
void sms_server_cell_text(const sms_server *s, sms_col c, char *buf, size_t len);
/* The widths of the STATE and CYCLE cells met so far, by text: distinct values are few.
 * Borrows the strings: use it for one pass over one fleet. Zero it to start. */
typedef struct sms_cell_memo_entry { const char *key; int width; } sms_cell_memo_entry;
typedef struct sms_cell_memo { sms_cell_memo_entry e[2][16]; size_t n[2]; } sms_cell_memo;
/* sms_text_width() of that text, without formatting it where the text is known (the
 * column widths are measured over every row of a new fleet). */
int sms_server_cell_width(const sms_server *s, sms_col c, bool utf8, sms_cell_memo *memo);

/* ---- history ------------------------------------------------------------- */

/* Local time of ms: "10:42:13" when it is the same day as now_ms, else "11-22 10:42"
 * (with_year: "2026-11-22 10:42"); "-" when unknown. */
void sms_fmt_clock(char *buf, size_t len, int64_t ms, int64_t now_ms, bool with_year);
/* "PENDING", "OK", "FAILED", "UNKNOWN" */
const char *sms_outcome_label(sms_outcome o);

#endif
