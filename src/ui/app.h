/* app.h - the console's state shared by the loop, the panes and the overlays.
 * Internal to src/ui. Only the UI thread touches any of it. */
#ifndef SMS_UI_APP_H
#define SMS_UI_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <curses.h>
#include "api/poller.h"
#include "ui/actions.h"
#include "ui/draw.h"
#include "ui/fleet.h"
#include "ui/theme.h"
#include "ui/ui.h"

typedef struct sms_app sms_app;

/* A pane: state plus a const ops table (one file per pane). */
typedef struct sms_view_ops {
    const char *name, *title;
    void *(*create)(void);
    void (*destroy)(void *st);
    void (*draw)(sms_app *a, void *st, WINDOW *w, int rows, int cols);
    /* Movement and pane-specific actions; false = not handled here. */
    bool (*action)(sms_app *a, void *st, sms_action_id act);
    void (*on_snapshot)(sms_app *a, void *st);          /* may be NULL */
    void (*click)(sms_app *a, void *st, int row, int col); /* may be NULL */
    /* A pane with its own table (sort, mark) sees those actions before the app's
     * handling of them; false = let the app handle it. May be NULL. */
    bool (*own_action)(sms_app *a, void *st, sms_action_id act, const char *arg);
    /* The server under the pane's own cursor, for actions and the detail fetch when
     * nothing is marked; NULL = the fleet table's selection. May be NULL. */
    const sms_server *(*selected)(sms_app *a, void *st);
    /* When the pane's content changes by time alone (ms since epoch), 0 = never. */
    int64_t (*next_change)(sms_app *a, void *st);
} sms_view_ops;

typedef enum sms_view_id {
    SMS_VIEW_SERVERS, SMS_VIEW_MIGRATION, SMS_VIEW_DISKS, SMS_VIEW_HISTORY, SMS_VIEW_DASHBOARD,
    SMS_VIEW_AGENTS, SMS_VIEW__COUNT
} sms_view_id;

extern const sms_view_ops sms_view_servers, sms_view_migration, sms_view_disks,
    sms_view_history, sms_view_dashboard, sms_view_agents;

/* view_agents.c: agent state counts by sms_agent_state_slot (SMS_AGENT_N_STATES of
 * them) and the number of old agents, for the dashboard. */
const size_t *sms_agents_counts(sms_app *a, size_t *n_old);

/* ---- overlays ------------------------------------------------------------- */

typedef enum sms_prompt_kind { SMS_PROMPT_NONE, SMS_PROMPT_COMMAND, SMS_PROMPT_FILTER, SMS_PROMPT_SEARCH } sms_prompt_kind;
#define SMS_PROMPT_HISTORY 64
typedef struct sms_prompt {
    sms_prompt_kind kind;
    char buf[256]; size_t len;          /* bytes; the cursor is at the end */
    char *history[SMS_PROMPT_HISTORY]; size_t n_history;
    long hist_pos;                      /* -1 = editing a new line */
} sms_prompt;

typedef struct sms_pending_action {     /* an action waiting for confirmation */
    sms_action_id act;
    char **ids, **names; size_t n;
    char *arg;                          /* bucket, speed, ... */
    bool marked;                        /* the targets are the marks (cleared once sent) */
    size_t hidden, missing;             /* marked targets hidden by the filter; marks gone */
} sms_pending_action;

typedef struct sms_confirm {
    bool active;
    sms_confirm_kind kind;
    char question[400];
    char note[160];                     /* targets out of sight (hidden, gone) */
    char expect[128];                   /* typed confirmation: what must be typed */
    char typed[128]; size_t len;
    sms_pending_action pending;
} sms_confirm;

typedef struct sms_error_panel {
    bool open;
    char title[256];
    char **lines; size_t n_lines;       /* wrapped to the width it was built for */
    int built_width;
    sms_call_error err;                 /* own copy */
    char *text;                         /* shown instead of err when set (lists, JSON) */
    char *copy_text;                    /* what `y` copies */
    size_t scroll;
} sms_error_panel;

/* ---- the app -------------------------------------------------------------- */

struct sms_app {
    const sms_ui_opts *o;
    sms_poller *poller;
    sms_snapshot *snap;                 /* shown; owned */
    sms_snapshot *held;                 /* newer one kept while paused; owned */
    uint64_t fleet_seq;                 /* of the fleet in `table` */
    sms_keymap keys;
    sms_theme theme;
    bool mono;
    const sms_symbols *sym;
    sms_fleet_table table;
    sms_view_id view;
    void *view_state[SMS_VIEW__COUNT];
    bool dirty, quit, paused, help, mouse, readonly, bell;
    bool quit_armed;                    /* q asked once with actions in flight */
    size_t help_scroll;
    char message[256]; bool message_error; int64_t message_until_ms;
    sms_prompt prompt;
    sms_confirm confirm;
    sms_error_panel errp;
    struct sms_batch *batches; size_t n_batches;   /* sent actions not yet reported (outcome.c) */
    char *detail_for;                   /* server id we asked the poller for */
    int64_t now_ms;
    char age_text[80];                  /* what the status line shows, to know when it changes */
    bool switch_context; char next_context[SMS_CONTEXT_NAME_MAX + 1];
    int frame_fd;
    bool frame_new_fleet;               /* test hook: the next frame byte is 'F' (table from new data) */
};

extern const sms_view_ops *const sms_views[SMS_VIEW__COUNT];

int64_t sms_now_ms(void);
attr_t sms_state_attr(const char *server_state);     /* by severity */
attr_t sms_severity_attr(int severity);
/* Server state label ("Replicating") or the raw value. */
const char *sms_state_label(const char *state);

/* app.c, for screen.c: life cycle, snapshot intake, mouse reporting. */
void sms_app_init(sms_app *a, sms_poller *p, const sms_ui_opts *o);
void sms_app_free(sms_app *a);
void sms_app_take_snapshots(sms_app *a);    /* newest snapshot in (held while paused) */
void sms_app_set_mouse(sms_app *a, bool on);

void sms_app_message(sms_app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Run an action from a key or the `:` line (arg may be NULL). */
void sms_app_do(sms_app *a, sms_action_id act, const char *arg);
/* Execute one `:` command line. */
void sms_app_command(sms_app *a, const char *line);
void sms_app_select_changed(sms_app *a);             /* tell the poller which server */
bool sms_app_action_visible(const sms_app *a, sms_action_id act);   /* read-only hides mutating */
/* Current detail if it is for the selected server, else NULL. */
const sms_detail *sms_app_detail(const sms_app *a);
/* Newest history entry for a server with an error (FAILED/UNKNOWN), or NULL. */
const sms_history_entry *sms_app_last_failure(const sms_app *a, const char *server_id);

/* prompt.c */
void sms_prompt_open(sms_app *a, sms_prompt_kind kind, const char *initial);
bool sms_prompt_key(sms_app *a, int key);            /* true when consumed */
void sms_prompt_draw(sms_app *a, WINDOW *w, int y, int cols);
void sms_prompt_free(sms_prompt *p);
/* Completion candidates for a partial command line (for tests and Tab). */
size_t sms_prompt_complete(const sms_app *a, const char *line, char out[][64], size_t max);

/* confirm.c */
void sms_confirm_open(sms_app *a, sms_pending_action *pa);   /* takes ownership of pa's arrays */
bool sms_confirm_key(sms_app *a, int key);
void sms_confirm_draw(sms_app *a, int rows, int cols);
void sms_pending_free(sms_pending_action *pa);
void sms_app_submit(sms_app *a, sms_pending_action *pa);     /* after confirmation */
/* Read-only mode: record the refusal of pa in the audit file (nothing is sent). */
void sms_app_audit_refused(sms_app *a, const sms_pending_action *pa);
/* NULL when "MBIT [HH:MM-HH:MM] [THRESHOLD%]" is a valid :speed-limit argument (checked
 * before asking), else what is wrong with it. */
const char *sms_speed_arg_problem(const char *arg);
/* The request kind a mutating action submits; false for the other actions. */
bool sms_action_request_kind(sms_action_id act, sms_action_kind *kind);

/* outcome.c: every confirmed action is one batch, reported once all its servers have an
 * answer: counts accepted / refused / failed / unknown, and the list of what was not
 * accepted opens in the panel. */
void sms_batch_track(sms_app *a, sms_action_id act, const uint64_t *ids, size_t n, const char *label);
void sms_batch_check(sms_app *a);                   /* after each new snapshot */
void sms_batches_free(sms_app *a);
size_t sms_app_in_flight(const sms_app *a);         /* history entries still PENDING */

/* view_error.c: the inline error / details panel */
void sms_error_panel_open(sms_app *a, const char *title, const sms_call_error *e);
/* The panel showing lines of text (a failure list, JSON); `y` copies all of it. */
void sms_error_panel_open_text(sms_app *a, const char *title, const char *text);
/* The panel for a failed action of the history, titled "STOP web-01: FAILED". */
void sms_error_panel_open_entry(sms_app *a, const sms_history_entry *e);
void sms_error_panel_close(sms_app *a);
/* Scroll the panel to the next line holding text (case-insensitive, from the line after
 * the top one, wrapping); false when no line holds it. */
bool sms_error_panel_search(sms_app *a, const char *text);
/* describe.c: the raw JSON of the selected server and its task, in the panel. */
void sms_describe_open(sms_app *a);
bool sms_error_panel_action(sms_app *a, sms_action_id act);
void sms_error_panel_draw(sms_app *a, WINDOW *w, int y, int x, int rows, int cols);
/* Every line the panel shows for e (unwrapped), for copying and tests. */
char *sms_error_text(const sms_call_error *e);

/* view_help.c */
void sms_help_draw(sms_app *a, int rows, int cols);
bool sms_help_action(sms_app *a, sms_action_id act);

/* status.c */
void sms_status_draw(sms_app *a, WINDOW *w, int y, int cols);
void sms_status_age(const sms_app *a, char *buf, size_t len);     /* "live", "12s ago" ... */
int64_t sms_status_next_tick(const sms_app *a);                   /* when the age text may change */

/* osc52.c */
/* passthrough: wrap in tmux's DCS passthrough (only when configured). */
int sms_osc52_copy(int fd, const char *text, bool passthrough);
/* Copy for the operator with the configured framing; 0 ok. */
int sms_app_copy(const sms_app *a, const char *text);
size_t sms_osc52_encode(char *out, size_t len, const char *text, bool tmux);

#endif
