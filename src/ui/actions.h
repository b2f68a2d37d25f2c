/* actions.h - the one table of everything the operator can do.
 *
 * Each row: id, `:` command name, default keys, group, mutating?, confirmation kind,
 * help text. Key bindings, the `?` help overlay, `:` completion and read-only gating
 * are all derived from this table, so they cannot drift apart. Key overrides from the
 * config rebind keys in the table (sms_keymap). */
#ifndef SMS_UI_ACTIONS_H
#define SMS_UI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum sms_confirm_kind { SMS_CONFIRM_NONE, SMS_CONFIRM_YESNO, SMS_CONFIRM_TYPED } sms_confirm_kind;
typedef enum sms_action_group { SMS_GRP_MOVE, SMS_GRP_VIEW, SMS_GRP_SERVER, SMS_GRP_GLOBAL } sms_action_group;

/* X(id, name, keys, group, mutating, confirm, help)   keys: space-separated key names */
#define SMS_ACTION_TABLE(X) \
    X(UP,          "up",            "k Up",        MOVE,   false, NONE,  "Move up") \
    X(DOWN,        "down",          "j Down",      MOVE,   false, NONE,  "Move down") \
    X(PAGE_UP,     "page-up",       "PgUp ^B",     MOVE,   false, NONE,  "One page up") \
    X(PAGE_DOWN,   "page-down",     "PgDn ^F",     MOVE,   false, NONE,  "One page down") \
    X(TOP,         "top",           "g Home",      MOVE,   false, NONE,  "First row") \
    X(BOTTOM,      "bottom",        "G End",       MOVE,   false, NONE,  "Last row") \
    X(COLLAPSE,    "collapse",      "h Left",      MOVE,   false, NONE,  "Collapse a tree node / scroll left") \
    X(EXPAND,      "expand",        "l Right",     MOVE,   false, NONE,  "Expand a tree node / scroll right") \
    X(ENTER,       "open",          "Enter",       MOVE,   false, NONE,  "Drill in: server -> migration, entry -> error") \
    X(BACK,        "back",          "Esc",         MOVE,   false, NONE,  "Back / close the panel") \
    X(NEXT_PANE,   "next-pane",     "Tab",         VIEW,   false, NONE,  "Next pane") \
    X(PREV_PANE,   "prev-pane",     "BTab",        VIEW,   false, NONE,  "Previous pane") \
    X(SERVERS,     "servers",       "1",           VIEW,   false, NONE,  "Servers pane") \
    X(MIGRATION,   "migration",     "2",           VIEW,   false, NONE,  "Migration pane (selected server)") \
    X(DISKS,       "disks",         "3",           VIEW,   false, NONE,  "Disks pane (selected server)") \
    X(HISTORY,     "history",       "4",           VIEW,   false, NONE,  "Commands pane (action history)") \
    X(DASHBOARD,   "dashboard",     "5",           VIEW,   false, NONE,  "Fleet summary") \
    X(AGENTS,      "agents",        "6",           VIEW,   false, NONE,  "Agents pane: rollout and health of every host's agent") \
    X(ERRORS,      "error",         "e",           VIEW,   false, NONE,  "Show the last error in full") \
    X(MARK,        "mark",          "Space",       VIEW,   false, NONE,  "Mark / unmark the server") \
    X(MARK_ALL,    "mark-all",      "a",           VIEW,   false, NONE,  "Mark every shown server") \
    X(UNMARK_ALL,  "unmark-all",    "A",           VIEW,   false, NONE,  "Clear the marks") \
    X(FILTER,      "filter",        "/",           VIEW,   false, NONE,  "Filter by name, IP or state (:filter TEXT)") \
    X(SORT_NEXT,   "sort",          ">",           VIEW,   false, NONE,  "Sort by the next column (:sort COLUMN)") \
    X(SORT_PREV,   "sort-prev",     "<",           VIEW,   false, NONE,  "Sort by the previous column") \
    X(SORT_INVERT, "sort-invert",   "I",           VIEW,   false, NONE,  "Invert the sort order") \
    X(COPY,        "copy",          "y",           VIEW,   false, NONE,  "Copy the shown error / server id (OSC 52)") \
    X(DESCRIBE,    "describe",      "d",           VIEW,   false, NONE,  "Raw JSON of the selected server and its task (/ searches, y copies)") \
    X(START,       "start",         "S",           SERVER, true,  YESNO, "Start the migration task (ready or paused)") \
    X(STOP,        "stop",          "T",           SERVER, true,  YESNO, "Stop (pause) the migration task") \
    X(RESTART,     "restart",       "R",           SERVER, true,  YESNO, "Restart a failed migration from the beginning") \
    X(LAUNCH,      "launch",        "",            SERVER, true,  YESNO, "Launch the target server (continuous sync)") \
    X(CLONE_TEST,  "clone-test",    "",            SERVER, true,  YESNO, "Clone the target server for a test (continuous sync)") \
    X(MIGRATION_TEST, "migration-test", "",        SERVER, true,  YESNO, "Start a migration drill (continuous sync)") \
    X(NETWORK_CHECK, "network-check", "",          SERVER, true,  YESNO, "Check the network between source and target") \
    X(SKIP,        "skip",          "",            SERVER, true,  YESNO, "Skip the consistency check of the running task") \
    X(CLEAR,       "clear",         "",            SERVER, true,  YESNO, "Clear the snapshots of a finished migration") \
    X(UPLOAD_LOG,  "upload-log",    "L",           SERVER, true,  YESNO, "Collect the agent logs to a bucket (:upload-log BUCKET)") \
    X(SPEED_LIMIT, "speed-limit",   "=",           SERVER, true,  YESNO, "Limit speed (:speed-limit MBIT [HH:MM-HH:MM] [THRESHOLD%])") \
    X(EXPORT,      "export",        "E",           SERVER, true,  YESNO, "Export consistency results") \
    X(DELETE_TASK, "delete-task",   "",            SERVER, true,  TYPED, "Delete the migration task (the target configuration)") \
    X(DELETE,      "delete",        "^D",          SERVER, true,  TYPED, "Delete the source server record") \
    X(COMMAND,     "command",       ":",           GLOBAL, false, NONE,  "Command line (Tab completes, Up/Down history)") \
    X(HELP,        "help",          "? F1",        GLOBAL, false, NONE,  "This help") \
    X(PAUSE,       "pause",         "p",           GLOBAL, false, NONE,  "Pause / resume updates") \
    X(REFRESH,     "refresh",       "r",           GLOBAL, false, NONE,  "Refresh now") \
    X(REDRAW,      "redraw",        "^L",          GLOBAL, false, NONE,  "Repaint the screen") \
    X(MOUSE,       "mouse",         "M",           GLOBAL, false, NONE,  "Toggle mouse support") \
    X(THEME,       "theme",         "",            GLOBAL, false, NONE,  "Switch theme (:theme NAME)") \
    X(CONTEXT,     "context",       "",            GLOBAL, false, NONE,  "Switch context (:context NAME)") \
    X(QUIT,        "quit",          "q",           GLOBAL, false, NONE,  "Quit")

typedef enum sms_action_id {
#define SMS_ACTION_ENUM(id, name, keys, grp, mut, conf, help) SMS_A_##id,
    SMS_ACTION_TABLE(SMS_ACTION_ENUM)
#undef SMS_ACTION_ENUM
    SMS_A__COUNT,
    SMS_A_NONE = -1
} sms_action_id;

typedef struct sms_action_def {
    sms_action_id id;
    const char *name;           /* `:` command */
    const char *keys;           /* default keys, e.g. "k Up" */
    sms_action_group group;
    bool mutating;
    sms_confirm_kind confirm;
    const char *help;
} sms_action_def;

extern const sms_action_def sms_actions[SMS_A__COUNT];
const char *sms_action_group_name(sms_action_group g);
sms_action_id sms_action_by_name(const char *name);        /* exact `:` name, or SMS_A_NONE */

/* Where a movement action (up, down, page up/down, top, bottom) takes a position in
 * 0..last, `page` rows at a time; false (and *to untouched) for any other action.
 * Every list and scrolled pane moves through this. */
bool sms_move_target(sms_action_id act, size_t pos, size_t last, size_t page, size_t *to);
/* The first row to show so that `cursor` is visible in `height` rows of n (no blank
 * rows after the last when it can be helped). */
void sms_scroll_to(size_t cursor, size_t n, size_t height, size_t *top);

/* Key names <-> curses key codes: "j", "^D", "Up", "PgDn", "Enter", "Esc", "Space", "F1"...
 * Returns -1 for an unknown name. */
int sms_key_parse(const char *name);
const char *sms_key_name(int key, char *buf, size_t len);

#define SMS_KEYMAP_MAX 4
typedef struct sms_keymap {
    int keys[SMS_A__COUNT][SMS_KEYMAP_MAX];     /* -1 terminated when shorter */
} sms_keymap;

void sms_keymap_defaults(sms_keymap *m);
/* Rebind an action to the keys in `keys` (space-separated). Unbinds those keys from other
 * actions. 0 ok; -1 with a message in err. */
int sms_keymap_bind(sms_keymap *m, const char *action, const char *keys, char *err, size_t errlen);
sms_action_id sms_keymap_lookup(const sms_keymap *m, int key);
/* "k/Up" for display; "" when unbound. */
const char *sms_keymap_describe(const sms_keymap *m, sms_action_id a, char *buf, size_t len);

#endif
