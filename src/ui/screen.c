/* screen.c - the console's loop: terminal setup, keys in, frames out.
 *
 * One thread. The loop blocks in poll() on stdin and the poller's wake fd; its timeout
 * is the next moment something on screen can change by itself (the status line's age
 * text, a message expiring, a change highlight fading), so an idle console does not
 * wake up. A frame is drawn only when something changed, with erase() +
 * wnoutrefresh() + one doupdate(): ncurses then sends only the cells that differ, and
 * nothing at all when nothing differs. clear() is reserved for Ctrl-L and resizes. */
#include "ui/app.h"

#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIN_COLS 60
#define MIN_ROWS 15
#define MAX_WAIT_MS 60000
#define KEY_CTRL(c) ((c) & 0x1f)

_Static_assert(SMS_A_DASHBOARD - SMS_A_SERVERS == SMS_VIEW_DASHBOARD - SMS_VIEW_SERVERS,
               "the pane actions follow the pane order (tab clicks rely on it)");

static volatile sig_atomic_t got_sigint, got_sigterm;

static void on_sigint(int sig) { (void)sig; got_sigint = 1; }
static void on_sigterm(int sig) { (void)sig; got_sigterm = 1; }

/* ---- drawing -------------------------------------------------------------- */

typedef struct layout { int rows, cols; WINDOW *pane; } layout;

/* x of each tab in the tab bar, for drawing and mouse clicks. */
static int tab_x(const sms_app *a, int view)
{
    int x = 12;                                 /* after " smsconsole " */
    for (int v = 0; v < view; v++)
        x += sms_text_width(sms_views[v]->title, a->sym->utf8) + 4;
    return x;
}

static void draw_tabs(sms_app *a, int cols)
{
    sms_draw_text(stdscr, 0, 0, cols, " smsconsole ", sms_role_attr(SMS_ROLE_TAB) | A_BOLD, a->sym, true);
    for (int v = 0; v < SMS_VIEW__COUNT; v++) {
        char label[64];
        snprintf(label, sizeof label, " %d %s ", v + 1, sms_views[v]->title);
        int x = tab_x(a, v);
        if (x < cols)
            sms_draw_text(stdscr, 0, x, cols - x, label,
                          sms_role_attr(v == (int)a->view ? SMS_ROLE_TAB_ACTIVE : SMS_ROLE_TAB), a->sym, false);
    }
}

/* Short key hints from the keymap (mutating ones hidden in read-only mode). */
static void draw_hints(sms_app *a, int y, int cols)
{
    static const struct { sms_action_id act; const char *label; } hints[] = {
        { SMS_A_FILTER, "filter" }, { SMS_A_COMMAND, "cmd" }, { SMS_A_NEXT_PANE, "pane" },
        { SMS_A_ENTER, "open" }, { SMS_A_MARK, "mark" }, { SMS_A_START, "start" }, { SMS_A_STOP, "stop" },
        { SMS_A_DELETE, "delete" }, { SMS_A_PAUSE, "pause" }, { SMS_A_QUIT, "quit" },
    };
    int x = 0;
    for (size_t i = 0; i < sizeof hints / sizeof hints[0] && x < cols; i++) {
        char keys[32];
        if (!sms_app_action_visible(a, hints[i].act) ||
            !*sms_keymap_describe(&a->keys, hints[i].act, keys, sizeof keys))
            continue;
        char *slash = strchr(keys + 1, '/');   /* first key only; "/" itself is a key */
        if (slash)
            *slash = '\0';
        int need = sms_text_width(keys, a->sym->utf8) + (int)strlen(hints[i].label) + 2;
        if (x + need > cols)
            break;                      /* whole hints only */
        x += sms_draw_text(stdscr, y, x, cols - x, keys, sms_role_attr(SMS_ROLE_KEY), a->sym, false);
        x += sms_draw_fmt(stdscr, y, x, cols - x, A_NORMAL, a->sym, ":%s  ", hints[i].label);
    }
}

static void draw_message(sms_app *a, int y, int cols)
{
    sms_draw_text(stdscr, y, 0, cols, "", sms_role_attr(SMS_ROLE_NORMAL), a->sym, true);
    sms_draw_text(stdscr, y, 0, cols, a->message,
                  sms_role_attr(a->message_error ? SMS_ROLE_STATE_ERROR : SMS_ROLE_MESSAGE), a->sym, false);
}

/* The prompt while one is open (its messages go on the line above), else the last
 * message, else key hints. */
static void draw_bottom_line(sms_app *a, int y, int cols)
{
    if (a->prompt.kind != SMS_PROMPT_NONE)
        sms_prompt_draw(a, stdscr, y, cols);
    else if (a->message[0])
        draw_message(a, y, cols);
    else
        draw_hints(a, y, cols);
}

static void draw_too_small(sms_app *a, int rows, int cols)
{
    char msg[96];
    snprintf(msg, sizeof msg, "Terminal too small: %dx%d (need %dx%d)", cols, rows, MIN_COLS, MIN_ROWS);
    int w = (int)strlen(msg);
    sms_draw_text(stdscr, rows / 2, cols > w ? (cols - w) / 2 : 0, cols, msg, A_BOLD, a->sym, false);
    wnoutrefresh(stdscr);
}

static int error_panel_rows(const sms_app *a, int pane_rows)
{
    return a->errp.open ? pane_rows / 2 + 1 : 0;
}

static void draw_frame(sms_app *a, layout *l)
{
    werase(stdscr);
    if (l->rows < MIN_ROWS || l->cols < MIN_COLS || !l->pane) {
        draw_too_small(a, l->rows, l->cols);
    } else {
        int pane_rows = l->rows - 3, err_rows = error_panel_rows(a, pane_rows);
        draw_tabs(a, l->cols);
        if (a->prompt.kind != SMS_PROMPT_NONE && a->message[0])   /* e.g. Tab's candidates */
            draw_message(a, l->rows - 2, l->cols);
        else
            sms_status_draw(a, stdscr, l->rows - 2, l->cols);
        draw_bottom_line(a, l->rows - 1, l->cols);
        wnoutrefresh(stdscr);
        werase(l->pane);
        sms_views[a->view]->draw(a, a->view_state[a->view], l->pane, pane_rows - err_rows, l->cols);
        if (err_rows)
            sms_error_panel_draw(a, l->pane, pane_rows - err_rows, 0, err_rows, l->cols);
        wnoutrefresh(l->pane);
        if (a->help)
            sms_help_draw(a, l->rows, l->cols);
        sms_confirm_draw(a, l->rows, l->cols);
    }
    doupdate();
    /* 'F': this frame shows a table rebuilt from new fleet data, so a test can tell an idle
     * refresh (the same fleet confirmed) from new data that happens to look the same */
    if (a->frame_fd >= 0 && write(a->frame_fd, a->frame_new_fleet ? "F" : "f", 1) < 0) {
        /* the test harness went away; frames are only a test hook */
    }
    a->frame_new_fleet = false;
    a->dirty = false;
}

static void relayout(layout *l)
{
    getmaxyx(stdscr, l->rows, l->cols);
    if (l->pane)
        delwin(l->pane);
    l->pane = NULL;
    if (l->rows >= MIN_ROWS && l->cols >= MIN_COLS)
        l->pane = newwin(l->rows - 3, l->cols, 1, 0);
}

/* ---- input ---------------------------------------------------------------- */

static void handle_mouse(sms_app *a, const layout *l)
{
    MEVENT ev;
    if (getmouse(&ev) != OK || !l->pane)
        return;
    if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        for (int i = 0; i < 3; i++)
            sms_app_do(a, ev.bstate & BUTTON4_PRESSED ? SMS_A_UP : SMS_A_DOWN, NULL);
        return;
    }
    if (ev.y == 0) {
        for (int v = SMS_VIEW__COUNT - 1; v >= 0; v--)
            if (ev.x >= tab_x(a, v)) {
                sms_app_do(a, (sms_action_id)(SMS_A_SERVERS + v), NULL);   /* same order */
                return;
            }
    } else if (ev.y < l->rows - 2 && sms_views[a->view]->click) {
        sms_views[a->view]->click(a, a->view_state[a->view], ev.y - 1, ev.x);
    }
}

/* Ctrl-C cancels whatever is open; it never quits (q does). */
static void cancel_key(sms_app *a)
{
    if (a->confirm.active)
        sms_confirm_key(a, KEY_CTRL('c'));
    else if (a->prompt.kind != SMS_PROMPT_NONE)
        sms_prompt_key(a, KEY_CTRL('c'));
    else if (a->help)
        a->help = false;
    else if (a->errp.open)
        sms_error_panel_close(a);
    else
        sms_app_message(a, false, "press q to quit");
    a->dirty = true;
}

static void handle_key(sms_app *a, layout *l, int key)
{
    if (key == KEY_RESIZE) {
        relayout(l);
        clearok(curscr, TRUE);          /* what the terminal shows after a resize is unknown */
        a->dirty = true;
        return;
    }
    if (key == KEY_MOUSE) {
        handle_mouse(a, l);
        return;
    }
    if (key == KEY_CTRL('c')) {
        cancel_key(a);
        return;
    }
    if (sms_confirm_key(a, key) || sms_prompt_key(a, key))
        return;
    sms_action_id act = sms_keymap_lookup(&a->keys, key);
    if (act == SMS_A_NONE) {
        char name[16];
        sms_app_message(a, false, "%s: no action on this key (? lists them)", sms_key_name(key, name, sizeof name));
        return;
    }
    sms_app_do(a, act, NULL);
}

static void read_keys(sms_app *a, layout *l)
{
    int key;
    while (!a->quit && (key = getch()) != ERR)
        handle_key(a, l, key);
}

/* ---- timers --------------------------------------------------------------- */

static int64_t earliest(int64_t a, int64_t b) { return a <= 0 ? b : b <= 0 ? a : a < b ? a : b; }

/* Milliseconds until something on screen changes by itself; -1 = nothing will. */
static int wait_ms(const sms_app *a)
{
    int64_t next = sms_status_next_tick(a);
    if (a->message[0])
        next = earliest(next, a->message_until_ms);
    next = earliest(next, sms_fleet_table_next_expiry(&a->table, a->now_ms));
    const sms_view_ops *v = sms_views[a->view];
    if (v->next_change)
        next = earliest(next, v->next_change((sms_app *)a, a->view_state[a->view]));
    if (next <= 0)
        return -1;
    int64_t ms = next - sms_now_ms();
    return ms < 0 ? 0 : ms > MAX_WAIT_MS ? MAX_WAIT_MS : (int)ms;
}

static void check_timers(sms_app *a)
{
    char age[sizeof a->age_text];
    if (a->message[0] && a->now_ms >= a->message_until_ms) {
        a->message[0] = '\0';
        a->dirty = true;
    }
    sms_status_age(a, age, sizeof age);
    if (strcmp(age, a->age_text) != 0) {
        snprintf(a->age_text, sizeof a->age_text, "%s", age);
        a->dirty = true;
    }
}

/* ---- setup and teardown ---------------------------------------------------- */

static bool locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static void apply_key_overrides(sms_app *a)
{
    const sms_config *cf = a->o->config;
    for (size_t i = 0; cf && i < cf->n_keys; i++) {
        char err[128];
        if (sms_keymap_bind(&a->keys, cf->keys[i].action, cf->keys[i].keys, err, sizeof err) < 0)
            sms_app_message(a, true, "%s:%d: keys: %s", cf->path ? cf->path : "config", cf->keys[i].line, err);
    }
}

static void setup_colours(sms_app *a)
{
    const char *no_color = getenv("NO_COLOR");
    const char *name = a->o->theme ? a->o->theme : a->o->config && a->o->config->theme ? a->o->config->theme : "default";
    char err[300];
    a->mono = (no_color && *no_color) || !has_colors();
    if (!a->mono) {
        start_color();
        use_default_colors();
    }
    if (sms_theme_load(name, &a->theme, err, sizeof err) < 0)
        sms_app_message(a, true, "%s (using the built-in theme)", err);
    sms_theme_apply(&a->theme, a->mono || strcmp(name, "monochrome") == 0);
}

static SCREEN *terminal_open(void)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "smsconsole: needs a terminal (use --dump for scripts)\n");
        return NULL;
    }
    /* Size from the terminal, not from LINES/COLUMNS (which would pin it). Not
     * use_env(FALSE): with it, ncurses 6.4 stops reading the new size on SIGWINCH. */
    use_tioctl(TRUE);
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        fprintf(stderr, "smsconsole: cannot use terminal type \"%s\"\n", getenv("TERM") ? getenv("TERM") : "");
        return NULL;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    return scr;
}

static void install_signals(void)
{
    struct sigaction sa = { 0 };
    sigset_t ui;
    sigemptyset(&ui);                   /* an inherited mask must not hide resizes and Ctrl-C */
    sigaddset(&ui, SIGWINCH);
    sigaddset(&ui, SIGINT);
    sigaddset(&ui, SIGTERM);
    sigaddset(&ui, SIGHUP);
    pthread_sigmask(SIG_UNBLOCK, &ui, NULL);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_sigint;          /* no SA_RESTART: poll() must return */
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_sigterm;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static void run_loop(sms_app *a, layout *l)
{
    struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
                             { .fd = a->poller ? sms_poller_wake_fd(a->poller) : -1, .events = POLLIN } };
    while (!a->quit) {
        a->now_ms = sms_now_ms();
        sms_app_take_snapshots(a);
        check_timers(a);
        if (a->dirty)
            draw_frame(a, l);
        int rc = poll(fds, 2, wait_ms(a));
        a->now_ms = sms_now_ms();
        if (got_sigterm)
            a->quit = true;
        if (got_sigint) {
            got_sigint = 0;
            cancel_key(a);
        }
        if (rc == 0)
            a->dirty = true;            /* a deadline passed: something may have changed */
        if (rc < 0 && errno != EINTR)
            break;
        read_keys(a, l);                /* also collects KEY_RESIZE after SIGWINCH */
    }
}

sms_ui_result sms_ui_run(sms_poller *p, const sms_ui_opts *o, char *next_context, size_t len)
{
    /* setlocale() is called by main before any thread starts (cJSON reads the locale). */
    static sms_app app;
    sms_app *a = &app;
    layout l = { 0 };
    SCREEN *scr = terminal_open();
    if (!scr)
        return SMS_UI_FAILED;
    sms_app_init(a, p, o);
    a->sym = (o->ascii || !locale_is_utf8()) ? &sms_symbols_ascii : &sms_symbols_utf8;
    install_signals();
    setup_colours(a);
    apply_key_overrides(a);
    sms_app_set_mouse(a, o->mouse);
    if (o->config && o->config->n_warnings)
        sms_app_message(a, true, "%s (and %zu more)", o->config->warnings[0], o->config->n_warnings - 1);
    relayout(&l);
    a->dirty = true;
    run_loop(a, &l);
    sms_ui_result result = a->switch_context ? SMS_UI_SWITCH_CONTEXT : SMS_UI_QUIT;
    if (a->switch_context && next_context && len)
        snprintf(next_context, len, "%s", a->next_context);
    if (l.pane)
        delwin(l.pane);
    endwin();
    delscreen(scr);
    sms_app_free(a);
    return result;
}
