/* app.c - the console's state and what changes it: snapshots taken from the poller,
 * actions run from keys or the `:` line (the one action table decides what is mutating
 * and how it is confirmed), and the helpers the panes share. The terminal side (setup,
 * frames, input, timers) is screen.c. Only the UI thread touches any of it. */
#include "ui/app.h"
#include "api/clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "model/enums.h"

#define MESSAGE_MS 5000
#define ERROR_MESSAGE_MS 10000

const sms_view_ops *const sms_views[SMS_VIEW__COUNT] = {
    [SMS_VIEW_SERVERS] = &sms_view_servers, [SMS_VIEW_MIGRATION] = &sms_view_migration,
    [SMS_VIEW_DISKS] = &sms_view_disks,     [SMS_VIEW_HISTORY] = &sms_view_history,
    [SMS_VIEW_DASHBOARD] = &sms_view_dashboard, [SMS_VIEW_AGENTS] = &sms_view_agents,
};

int64_t sms_now_ms(void)
{
    return sms_clock_wall_ms();
}

/* ---- small helpers the panes use ----------------------------------------- */

attr_t sms_severity_attr(int severity)
{
    switch (severity) {
    case SMS_SEV_ACTIVE: return sms_role_attr(SMS_ROLE_STATE_ACTIVE);
    case SMS_SEV_OK:     return sms_role_attr(SMS_ROLE_STATE_OK);
    case SMS_SEV_WARN:   return sms_role_attr(SMS_ROLE_STATE_WARN);
    case SMS_SEV_ERROR:  return sms_role_attr(SMS_ROLE_STATE_ERROR);
    default:             return sms_role_attr(SMS_ROLE_STATE_IDLE);
    }
}

attr_t sms_state_attr(const char *server_state)
{
    const sms_enum_info *i = sms_server_state_info(server_state);
    return sms_severity_attr(i ? (int)i->severity : SMS_SEV_IDLE);
}

const char *sms_state_label(const char *state)
{
    const sms_enum_info *i = sms_server_state_info(state);
    return i ? i->label : state ? state : "-";
}

void sms_app_message(sms_app *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
    a->message_until_ms = sms_now_ms() + (error ? ERROR_MESSAGE_MS : MESSAGE_MS);
    a->dirty = true;
}

const sms_detail *sms_app_detail(const sms_app *a)
{
    const sms_detail *d = a->snap ? a->snap->detail : NULL;
    if (!d || !d->server_id || !a->table.sel_id || strcmp(d->server_id, a->table.sel_id) != 0)
        return NULL;
    return d;
}

const sms_history_entry *sms_app_last_failure(const sms_app *a, const char *server_id)
{
    const sms_history *h = a->snap ? a->snap->history : NULL;
    for (size_t i = h ? h->n_entries : 0; i-- > 0;) {
        const sms_history_entry *e = &h->entries[i];
        if (e->outcome != SMS_OUT_FAILED && e->outcome != SMS_OUT_UNKNOWN)
            continue;
        if (!server_id || (e->server_id && strcmp(e->server_id, server_id) == 0))
            return e;
    }
    return NULL;
}

/* The server the current pane's cursor is on when it has its own, else NULL. */
static const sms_server *pane_selected(sms_app *a, bool *has_own)
{
    const sms_view_ops *v = sms_views[a->view];
    *has_own = v->selected != NULL;
    return v->selected ? v->selected(a, a->view_state[a->view]) : NULL;
}

void sms_app_select_changed(sms_app *a)
{
    bool own;
    const sms_server *s = pane_selected(a, &own);
    const char *id = own ? (s ? s->id : NULL) : a->table.sel_id;
    if ((!id && !a->detail_for) || (id && a->detail_for && strcmp(id, a->detail_for) == 0))
        return;
    free(a->detail_for);
    a->detail_for = id ? strdup(id) : NULL;
    if (a->poller)
        sms_poller_select(a->poller, a->detail_for);
    a->dirty = true;
}

/* ---- snapshots ------------------------------------------------------------ */

static void open_failure(sms_app *a, const sms_history_entry *e)
{
    char title[256];
    snprintf(title, sizeof title, "%s %s: %s", sms_action_name(e->action),
             e->server_name ? e->server_name : e->server_id ? e->server_id : "",
             e->outcome == SMS_OUT_UNKNOWN ? "outcome unknown" : "failed");
    sms_error_panel_open(a, title, &e->error);
}

static void install_snapshot(sms_app *a, sms_snapshot *s)
{
    sms_snapshot *old = a->snap;
    a->snap = s;
    if (s->fleet && (!old || s->fleet_seq != a->fleet_seq)) {
        int new_errors = sms_fleet_table_update(&a->table, s->fleet, a->now_ms);
        a->frame_new_fleet = true;
        if (new_errors && a->bell)
            beep();
    } else if (a->table.fleet != s->fleet) {
        /* Same data, another reference: the rows index the same server array unless the
         * poller had to copy it. */
        bool same_servers = a->table.fleet && a->table.fleet->servers == s->fleet->servers;
        a->table.fleet = s->fleet;
        if (!same_servers) {
            sms_fleet_table_rebuild(&a->table);
            a->frame_new_fleet = true;
        }
    }
    a->fleet_seq = s->fleet_seq;
    for (int v = 0; v < SMS_VIEW__COUNT; v++)
        if (sms_views[v]->on_snapshot)
            sms_views[v]->on_snapshot(a, a->view_state[v]);
    sms_batch_check(a);
    sms_app_select_changed(a);
    sms_snapshot_release(old);
    a->dirty = true;
}

void sms_app_take_snapshots(sms_app *a)
{
    sms_snapshot *s = a->poller ? sms_poller_take(a->poller) : NULL;
    if (!s)
        return;
    if (a->paused) {                    /* keep the newest for later; the screen stays still */
        bool first_held = !a->held;
        sms_snapshot_release(a->held);
        a->held = s;
        a->dirty |= first_held;
        return;
    }
    install_snapshot(a, s);
}

/* ---- actions -------------------------------------------------------------- */

static void set_view(sms_app *a, int v)
{
    a->view = (sms_view_id)((v + SMS_VIEW__COUNT) % SMS_VIEW__COUNT);
    a->dirty = true;
}

static void toggle_pause(sms_app *a)
{
    a->paused = !a->paused;
    if (!a->paused && a->held) {
        sms_snapshot *s = a->held;
        a->held = NULL;
        install_snapshot(a, s);
    }
    sms_app_message(a, false, a->paused ? "updates paused (p resumes); polling goes on" : "updates resumed");
}

static void set_sort(sms_app *a, sms_action_id act, const char *arg)
{
    sms_fleet_table *t = &a->table;
    if (act == SMS_A_SORT_INVERT) {
        t->sort_desc = !t->sort_desc;
    } else if (arg && *arg) {
        char col[32] = "", dir[16] = "";
        sscanf(arg, "%31s %15s", col, dir);
        int c = sms_col_by_name(col);
        if (c < 0) {
            sms_app_message(a, true, "sort: unknown column \"%s\" (Tab completes)", col);
            return;
        }
        t->sort_col = (sms_col)c;
        t->sort_desc = strncmp(dir, "desc", 4) == 0;
    } else {
        t->sort_col = (sms_col)((t->sort_col + (act == SMS_A_SORT_PREV ? SMS_COL__COUNT - 1 : 1)) % SMS_COL__COUNT);
    }
    sms_fleet_table_rebuild(t);
    sms_app_select_changed(a);
    sms_app_message(a, false, "sorted by %s%s", sms_cols[t->sort_col].name, t->sort_desc ? " (descending)" : "");
}

static void set_theme(sms_app *a, const char *name)
{
    char err[300];
    sms_theme t;
    if (!name || !*name) {
        sms_app_message(a, false, "theme: %s (:theme NAME, Tab completes)", a->theme.name);
        return;
    }
    if (sms_theme_load(name, &t, err, sizeof err) < 0) {
        sms_app_message(a, true, "%s", err);
        return;
    }
    a->theme = t;
    bool mono = a->mono || strcmp(name, "monochrome") == 0;
    sms_theme_apply(&a->theme, mono);
    sms_app_message(a, false, "theme %s", name);
}

static void switch_context(sms_app *a, const char *name)
{
    const sms_config *cf = a->o ? a->o->config : NULL;
    if (!name || !*name) {
        sms_app_message(a, false, "context: %s (:context NAME, Tab completes)",
                        a->o && a->o->context ? a->o->context : "default");
        return;
    }
    if (!cf || !sms_config_context(cf, name)) {
        sms_app_message(a, true, "context \"%s\" is not in the config file", name);
        return;
    }
    snprintf(a->next_context, sizeof a->next_context, "%s", name);
    a->switch_context = true;
    a->quit = true;
}

static void copy_to_clipboard(sms_app *a)
{
    const sms_server *s = sms_fleet_table_selected(&a->table);
    const char *text = a->errp.open && a->errp.copy_text ? a->errp.copy_text : s ? s->id : NULL;
    if (!text) {
        sms_app_message(a, true, s && !a->errp.open ? "nothing to copy: the API sent this record without a readable id"
                                                    : "nothing to copy");
        return;
    }
    if (sms_app_copy(a, text) < 0)
        sms_app_message(a, true, "copy failed (text too long for OSC 52?)");
    else
        sms_app_message(a, false, "copied %s to the clipboard (OSC 52)",
                        a->errp.open ? "the error details" : "the server id");
}

void sms_app_set_mouse(sms_app *a, bool on)
{
    a->mouse = on;
    mousemask(on ? (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0, NULL);
    mouseinterval(0);
}

static void open_last_error(sms_app *a)
{
    const sms_server *s = sms_fleet_table_selected(&a->table);
    const sms_history_entry *e = sms_app_last_failure(a, s ? s->id : NULL);
    if (!e)
        e = sms_app_last_failure(a, NULL);
    if (e) {
        open_failure(a, e);
        return;
    }
    for (int i = 0; a->snap && i < SMS_CALL__COUNT; i++)
        if (!a->snap->health[i].ok && a->snap->health[i].error.kind != SMS_E_NONE) {
            sms_error_panel_open(a, "Last API failure", &a->snap->health[i].error);
            return;
        }
    sms_app_message(a, false, "no error to show");
}

static bool handle_marks(sms_app *a, sms_action_id act)
{
    const sms_server *s = sms_fleet_table_selected(&a->table);
    if (act == SMS_A_MARK && s && !s->id) {
        sms_app_message(a, true, "%s: cannot be marked: the API sent it without a readable id, and actions "
                        "go to servers by id", s->name ? s->name : "this record");
    } else if (act == SMS_A_MARK && s) {
        sms_fleet_table_toggle_mark(&a->table, s->id);
        sms_fleet_table_move(&a->table, +1);
        sms_app_select_changed(a);
    } else if (act == SMS_A_MARK_ALL) {
        sms_fleet_table_mark_shown(&a->table);
        sms_app_message(a, false, "%zu marked", a->table.n_marks);
    } else if (act == SMS_A_UNMARK_ALL) {
        sms_fleet_table_clear_marks(&a->table);
        sms_app_message(a, false, "marks cleared");
    }
    return true;
}

/* q with actions still in flight asks first: quitting stops the worker, and what it
 * had not sent yet is recorded as not sent (what it was sending: outcome unknown). */
static void request_quit(sms_app *a)
{
    size_t n = sms_app_in_flight(a);
    if (n && !a->quit_armed) {
        a->quit_armed = true;
        sms_app_message(a, true, "%zu action%s still in flight: q again quits anyway (4 shows them)", n,
                        n > 1 ? "s" : "");
        return;
    }
    a->quit = true;
}

/* Actions that are the same in every pane; false = not one of them. */
static bool global_action(sms_app *a, sms_action_id act, const char *arg)
{
    switch (act) {
    case SMS_A_NEXT_PANE:  set_view(a, (int)a->view + 1); return true;
    case SMS_A_PREV_PANE:  set_view(a, (int)a->view - 1); return true;
    case SMS_A_SERVERS:    set_view(a, SMS_VIEW_SERVERS); return true;
    case SMS_A_MIGRATION:  set_view(a, SMS_VIEW_MIGRATION); return true;
    case SMS_A_DISKS:      set_view(a, SMS_VIEW_DISKS); return true;
    case SMS_A_HISTORY:    set_view(a, SMS_VIEW_HISTORY); return true;
    case SMS_A_DASHBOARD:  set_view(a, SMS_VIEW_DASHBOARD); return true;
    case SMS_A_AGENTS:     set_view(a, SMS_VIEW_AGENTS); return true;
    case SMS_A_ERRORS:     open_last_error(a); return true;
    case SMS_A_MARK: case SMS_A_MARK_ALL: case SMS_A_UNMARK_ALL: return handle_marks(a, act);
    case SMS_A_FILTER:
        if (arg) {
            snprintf(a->table.filter, sizeof a->table.filter, "%s", arg);
            sms_fleet_table_rebuild(&a->table);
            sms_app_select_changed(a);
        } else {
            sms_prompt_open(a, SMS_PROMPT_FILTER, a->table.filter);
        }
        return true;
    case SMS_A_SORT_NEXT: case SMS_A_SORT_PREV: case SMS_A_SORT_INVERT: set_sort(a, act, arg); return true;
    case SMS_A_COPY:       copy_to_clipboard(a); return true;
    case SMS_A_DESCRIBE:   sms_describe_open(a); return true;
    case SMS_A_COMMAND:    sms_prompt_open(a, SMS_PROMPT_COMMAND, arg); return true;
    case SMS_A_HELP:
        if (arg && sms_action_by_name(arg) != SMS_A_NONE) {
            sms_app_message(a, false, "%s: %s", arg, sms_actions[sms_action_by_name(arg)].help);
        } else {
            a->help = !a->help;
            a->help_scroll = 0;
        }
        return true;
    case SMS_A_PAUSE:      toggle_pause(a); return true;
    case SMS_A_REFRESH:
        if (a->poller)
            sms_poller_refresh_now(a->poller);
        sms_app_message(a, false, "%s", a->snap && a->snap->login_refused ? "logging in again (one attempt)"
                                                                          : "refreshing");
        return true;
    case SMS_A_REDRAW:     clearok(curscr, TRUE); return true;
    case SMS_A_MOUSE:
        sms_app_set_mouse(a, !a->mouse);
        sms_app_message(a, false, "mouse %s", a->mouse ? "on (Shift-drag to select text)" : "off");
        return true;
    case SMS_A_THEME:      set_theme(a, arg); return true;
    case SMS_A_CONTEXT:    switch_context(a, arg); return true;
    case SMS_A_QUIT:       request_quit(a); return true;
    default:               return false;
    }
}

static bool needs_argument(sms_app *a, sms_action_id act, const char *arg)
{
    if (act == SMS_A_UPLOAD_LOG && (!arg || !*arg)) {
        sms_prompt_open(a, SMS_PROMPT_COMMAND, "upload-log ");
        sms_app_message(a, false, "upload-log: name the OBS bucket for the logs");
        return true;
    }
    if (act == SMS_A_SPEED_LIMIT && (!arg || !*arg)) {
        sms_prompt_open(a, SMS_PROMPT_COMMAND, "speed-limit ");
        sms_app_message(a, false, "speed-limit: MBIT (1-1000) [HH:MM-HH:MM] [THRESHOLD%% 10-100]");
        return true;
    }
    const char *problem = act == SMS_A_SPEED_LIMIT ? sms_speed_arg_problem(arg) : NULL;
    if (problem) {
        sms_app_message(a, true, "speed-limit \"%s\": %s", arg, problem);
        return true;
    }
    return false;
}

/* The marked servers, else the one under the pane's cursor; false when none (a host
 * that never registered has no server to act on). */
static bool action_targets(sms_app *a, sms_targets *tg)
{
    bool own;
    const sms_server *sel = pane_selected(a, &own);
    if (a->table.n_marks || !own)
        return sms_fleet_table_targets(&a->table, tg);
    memset(tg, 0, sizeof *tg);
    tg->v = sel ? malloc(sizeof *tg->v) : NULL;
    if (!tg->v)
        return false;
    tg->v[tg->n++] = sel;
    return true;
}

/* The API allows the action on the target in its current state (model/taskrules.h);
 * otherwise nothing is asked or sent and the message says why. */
static bool allowed_on_target(sms_app *a, sms_action_id act, const sms_server *target)
{
    sms_action_kind kind;
    char why[200];
    if (!sms_action_request_kind(act, &kind) || !sms_action_refusal(kind, target, why, sizeof why))
        return true;
    const char *name = target->name ? target->name : target->id;
    sms_app_message(a, true, "%s %s: not now: %s", sms_actions[act].name, name ? name : "?", why);
    return false;
}

/* The targets of act as a pending action (ids and names copied); false with a message
 * when there is none. */
static bool pending_for(sms_app *a, sms_action_id act, const char *arg, sms_targets *tg, sms_pending_action *pa)
{
    if (!action_targets(a, tg)) {
        if (a->table.n_marks)
            sms_app_message(a, true, "%s: none of the %zu marked servers is listed any more (A clears the marks)",
                            sms_actions[act].name, a->table.n_marks);
        else
            sms_app_message(a, true, "%s: no server selected", sms_actions[act].name);
        return false;
    }
    for (size_t i = 0; i < tg->n; i++)          /* marks have ids: only a selected row */
        if (!tg->v[i]->id) {
            sms_app_message(a, true, "%s refused: %s: the API sent this record without a readable id, "
                            "so no request can name it (nothing was sent)", sms_actions[act].name,
                            tg->v[i]->name ? tg->v[i]->name : "?");
            free(tg->v);
            return false;
        }
    *pa = (sms_pending_action){ .act = act, .ids = calloc(tg->n, sizeof(char *)),
                                .names = calloc(tg->n, sizeof(char *)), .arg = arg ? strdup(arg) : NULL,
                                .marked = a->table.n_marks > 0, .hidden = tg->hidden, .missing = tg->missing };
    if (!pa->ids || !pa->names) {
        sms_pending_free(pa);
        free(tg->v);
        return false;
    }
    pa->n = tg->n;
    for (size_t i = 0; i < tg->n; i++) {
        pa->ids[i] = strdup(tg->v[i]->id ? tg->v[i]->id : "");
        pa->names[i] = strdup(tg->v[i]->name ? tg->v[i]->name : pa->ids[i] ? pa->ids[i] : "");
    }
    return true;
}

/* A mutating action: refused in read-only mode (and audited, with its arguments), else
 * confirmed, then submitted. */
static void request_mutating(sms_app *a, sms_action_id act, const char *arg)
{
    sms_targets tg;
    sms_pending_action pa;
    if (a->readonly) {
        if (pending_for(a, act, arg, &tg, &pa)) {
            sms_app_audit_refused(a, &pa);
            sms_pending_free(&pa);
            free(tg.v);
        }
        sms_app_message(a, true, "read-only mode: %s refused, nothing was sent (audited)", sms_actions[act].name);
        return;
    }
    if (needs_argument(a, act, arg) || !pending_for(a, act, arg, &tg, &pa))
        return;
    /* One server: refused here, with why. Marked servers: each gets its request and the
     * bulk outcome says which ones the API refused (a wave mixes states). */
    if (tg.n > 1 || allowed_on_target(a, act, tg.v[0]))
        sms_confirm_open(a, &pa);
    sms_pending_free(&pa);
    free(tg.v);
}

void sms_app_do(sms_app *a, sms_action_id act, const char *arg)
{
    if (act < 0 || act >= SMS_A__COUNT)
        return;
    a->dirty = true;
    if (act != SMS_A_QUIT)
        a->quit_armed = false;          /* "q again" means right after */
    if (a->help && sms_help_action(a, act))
        return;
    if (a->errp.open && sms_error_panel_action(a, act))
        return;
    if (sms_actions[act].mutating) {
        request_mutating(a, act, arg);
        return;
    }
    const sms_view_ops *v = sms_views[a->view];
    if (v->own_action && v->own_action(a, a->view_state[a->view], act, arg))
        return;
    if (global_action(a, act, arg))
        return;
    if (v->action && v->action(a, a->view_state[a->view], act)) {
        sms_app_select_changed(a);
        return;
    }
    if (act == SMS_A_BACK && a->view != SMS_VIEW_SERVERS)
        set_view(a, SMS_VIEW_SERVERS);
}

/* A unique prefix of a visible action name, or SMS_A_NONE. */
static sms_action_id action_by_prefix(const sms_app *a, const char *word)
{
    sms_action_id found = sms_action_by_name(word);
    size_t len = strlen(word);
    if (found != SMS_A_NONE || !len)
        return found;
    for (int i = 0; i < SMS_A__COUNT; i++) {
        if (!sms_app_action_visible(a, (sms_action_id)i) || strncmp(sms_actions[i].name, word, len) != 0)
            continue;
        if (found != SMS_A_NONE)
            return SMS_A_NONE;          /* ambiguous */
        found = (sms_action_id)i;
    }
    return found;
}

void sms_app_command(sms_app *a, const char *line)
{
    char cmd[64];
    int n = 0;
    while (*line == ' ')
        line++;
    if (!*line || sscanf(line, "%63s%n", cmd, &n) != 1)
        return;
    const char *arg = line + n;
    while (*arg == ' ')
        arg++;
    char argbuf[256];
    snprintf(argbuf, sizeof argbuf, "%s", arg);
    for (size_t l = strlen(argbuf); l && argbuf[l - 1] == ' ';)
        argbuf[--l] = '\0';
    if (strcmp(cmd, "q!") == 0) {               /* vim's: quit without asking */
        a->quit = true;
        return;
    }
    sms_action_id act = strcmp(cmd, "q") == 0 ? SMS_A_QUIT : action_by_prefix(a, cmd);
    if (act == SMS_A_NONE) {
        sms_app_message(a, true, "unknown command \"%s\" (Tab completes, ? lists them)", cmd);
        return;
    }
    if (act == SMS_A_FILTER && !argbuf[0]) {    /* ":filter" alone clears it */
        sms_app_do(a, act, "");
        return;
    }
    sms_app_do(a, act, argbuf[0] ? argbuf : NULL);
}

void sms_app_init(sms_app *a, sms_poller *p, const sms_ui_opts *o)
{
    memset(a, 0, sizeof *a);
    a->o = o;
    a->poller = p;
    a->readonly = o->readonly || o->dashboard;
    a->bell = o->bell;
    a->frame_fd = o->frame_fd;
    a->view = o->dashboard ? SMS_VIEW_DASHBOARD : SMS_VIEW_SERVERS;
    a->now_ms = sms_now_ms();
    a->prompt.hist_pos = -1;
    sms_keymap_defaults(&a->keys);
    sms_fleet_table_init(&a->table);
    for (int v = 0; v < SMS_VIEW__COUNT; v++)
        a->view_state[v] = sms_views[v]->create ? sms_views[v]->create() : NULL;
}

void sms_app_free(sms_app *a)
{
    sms_error_panel_close(a);
    for (int v = 0; v < SMS_VIEW__COUNT; v++)
        if (sms_views[v]->destroy)
            sms_views[v]->destroy(a->view_state[v]);
    sms_fleet_table_free(&a->table);
    sms_prompt_free(&a->prompt);
    sms_pending_free(&a->confirm.pending);
    sms_snapshot_release(a->snap);
    sms_snapshot_release(a->held);
    sms_batches_free(a);
    free(a->detail_for);
}

