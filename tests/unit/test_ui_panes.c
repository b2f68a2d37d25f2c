/* test_ui_panes.c - the panes other than the servers list, without a terminal: the
 * error text and panel (seed 000's 403 with every field), wrapping, the migration
 * pipeline, task error_json decoding, dashboard aggregation, the history labels, and
 * drawing into curses pads (newterm on /dev/null) to check clipping, inert server text
 * and the disk tree's expand/collapse.
 *
 * This test links only smsui; the few functions of the app loop (app.c) and of the API
 * layer that the panes call are given here as weak stand-ins, so the test does not
 * depend on those files being finished and only the pane code is under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <wchar.h>
#include <time.h>
#include <cmocka.h>

#include "ui/app.h"
#include "ui/panes.h"
#include "model/enums.h"
#include "model/inventory.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define WEAK __attribute__((weak))

/* ---- stand-ins for app.c and api/ ---------------------------------------------- */

static char last_message[512];

WEAK int64_t sms_now_ms(void) { return 1700000000000LL; }
WEAK attr_t sms_state_attr(const char *s) { (void)s; return A_NORMAL; }
WEAK attr_t sms_severity_attr(int sev) { (void)sev; return A_NORMAL; }
WEAK const char *sms_state_label(const char *state)
{
    const sms_enum_info *i = state ? sms_server_state_info(state) : NULL;
    return i ? i->label : (state ? state : "-");
}
WEAK void sms_app_message(sms_app *a, bool error, const char *fmt, ...)
{
    va_list ap;
    (void)a; (void)error;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
}
WEAK const sms_detail *sms_app_detail(const sms_app *a) { return a->snap ? a->snap->detail : NULL; }
WEAK const sms_history_entry *sms_app_last_failure(const sms_app *a, const char *id)
{
    const sms_history *h = a->snap ? a->snap->history : NULL;
    for (size_t i = h ? h->n_entries : 0; i-- > 0;)
        if (h->entries[i].server_id && strcmp(h->entries[i].server_id, id) == 0 &&
            (h->entries[i].outcome == SMS_OUT_FAILED || h->entries[i].outcome == SMS_OUT_UNKNOWN))
            return &h->entries[i];
    return NULL;
}
WEAK void sms_app_select_changed(sms_app *a) { (void)a; }     /* the servers pane calls it on clicks */
WEAK int sms_app_copy(const sms_app *a, const char *text) { (void)a; (void)text; return 0; }
/* the panel's / opens the search prompt */
WEAK void sms_prompt_open(sms_app *a, sms_prompt_kind k, const char *s) { a->prompt.kind = k; (void)s; }
WEAK const char *sms_action_name(sms_action_kind k) { return k == SMS_ACT_STOP ? "stop" : "start"; }
/* The panel copies the error; the tests own theirs, so a shallow copy and a no-op free do. */
WEAK int sms_call_error_copy(sms_call_error *dst, const sms_call_error *src) { *dst = *src; return 0; }
WEAK void sms_call_error_free(sms_call_error *e) { (void)e; }
WEAK void sms_call_error_summary(const sms_call_error *e, char *buf, size_t len)
{
    snprintf(buf, len, "HTTP %d %s", e->http_status, e->api.error_code ? e->api.error_code : "");
}

/* ---- fixtures ------------------------------------------------------------------ */

/* Seed 000 (command_result), status 403: every field the API documents. */
static char *param403[] = { "You do not have permission to perform action XXX on resource XXX." };
static sms_error_detail details403[] = {
    { "SMS.9004", "You do not have permission to perform action XXX on resource XXX." },
};
static sms_call_error seed_403(void)
{
    sms_call_error e = { 0 };
    e.kind = SMS_E_HTTP;
    e.http_status = 403;
    e.request_id = "5f1c0e7a-req";
    e.api.error_code = "SMS.9004";
    e.api.error_msg = "The current account does not have the permission to execute policy. "
                      "You do not have permission to perform action XXX on resource XXX.";
    e.api.encoded_authorization_message = "XXXXXX";
    e.api.error_param = param403;
    e.api.n_error_param = 1;
    e.api.details = details403;
    e.api.n_details = 1;
    return e;
}

/* Lines of a text, for line-by-line checks. */
static size_t count_lines_with(const char *text, const char *needle)
{
    size_t n = 0;
    const char *p = text;
    while (p && *p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *line = strndup(p, len);
        n += strstr(line, needle) != NULL;
        free(line);
        p = end ? end + 1 : NULL;
    }
    return n;
}

/* ---- error text ------------------------------------------------------------------ */

static void error_text_has_every_field_of_the_403(void **state)
{
    (void)state;
    sms_call_error e = seed_403();
    char *t = sms_error_text(&e);
    assert_non_null(t);
    assert_int_equal(count_lines_with(t, "HTTP status: 403"), 1);
    assert_int_equal(count_lines_with(t, "error_code: SMS.9004"), 1);
    assert_int_equal(count_lines_with(t, sms_error_code_lookup("SMS.9004")->meaning), 1);   /* the hint */
    assert_int_equal(count_lines_with(t, e.api.error_msg), 1);
    assert_int_equal(count_lines_with(t, "error_param[0]: You do not have permission"), 1);
    assert_int_equal(count_lines_with(t, "details[0]: SMS.9004: You do not have permission"), 1);
    assert_int_equal(count_lines_with(t, "request_id: 5f1c0e7a-req"), 1);
    assert_int_equal(count_lines_with(t, "encoded_authorization_message: XXXXXX"), 1);
    assert_true(t[strlen(t) - 1] != '\n');
    free(t);
}

static void error_text_keeps_long_values_on_one_line(void **state)
{
    (void)state;
    sms_call_error e = seed_403();
    char *eam = malloc(5001);
    memset(eam, 'Q', 5000);
    eam[5000] = '\0';
    e.api.encoded_authorization_message = eam;
    char *t = sms_error_text(&e);
    assert_non_null(strstr(t, eam));            /* unwrapped: copyable as one piece */
    free(t);
    free(eam);
}

static void error_text_for_local_and_transport_failures(void **state)
{
    (void)state;
    sms_call_error e = { .kind = SMS_E_TRANSPORT, .curl_code = 7, .message = "connect refused",
                         .outcome_unknown = true, .attempts = 3 };
    char *t = sms_error_text(&e);
    assert_int_equal(count_lines_with(t, "curl code 7"), 1);
    assert_int_equal(count_lines_with(t, "message: connect refused"), 1);
    assert_int_equal(count_lines_with(t, "may have been applied"), 1);
    assert_int_equal(count_lines_with(t, "attempts: 3"), 1);
    free(t);
    sms_call_error ro = { .kind = SMS_E_READONLY, .message = "read-only" };
    t = sms_error_text(&ro);
    assert_int_equal(count_lines_with(t, "nothing was sent"), 1);
    free(t);
}

/* ---- wrapping ---------------------------------------------------------------------- */

static void wrap_respects_width_and_loses_nothing(void **state)
{
    (void)state;
    const char *src = "encoded: 漢字漢字漢字 abcdefghijklmnopqrstuvwxyz0123456789 end of the line";
    for (int width = 3; width <= 30; width++) {
        char **lines = NULL;
        size_t n = 0;
        assert_int_equal(sms_wrap_append(&lines, &n, src, width, 2, true), 0);
        assert_true(n >= 1);
        char joined[512] = "";
        for (size_t i = 0; i < n; i++) {
            assert_true(sms_text_width(lines[i], true) <= width);
            strcat(joined, lines[i] + (i && width >= 6 ? 2 : 0));
        }
        assert_string_equal(joined, src);
        sms_lines_free(lines, n);
    }
}

static void wrap_prefers_spaces(void **state)
{
    (void)state;
    char **lines = NULL;
    size_t n = 0;
    assert_int_equal(sms_wrap_append(&lines, &n, "alpha beta gamma", 12, 0, true), 0);
    assert_int_equal(n, 2);
    assert_string_equal(lines[0], "alpha beta ");
    assert_string_equal(lines[1], "gamma");
    sms_lines_free(lines, n);
}

/* ---- pipeline ------------------------------------------------------------------------ */

static void pipeline_marks_the_current_step(void **state)
{
    (void)state;
    sms_step_mark m[SMS_PIPELINE_STEPS];
    assert_int_equal(sms_pipeline_marks("replicating", "replicate", m), 2);
    assert_int_equal(m[0], SMS_STEP_DONE);
    assert_int_equal(m[1], SMS_STEP_DONE);
    assert_int_equal(m[2], SMS_STEP_CURRENT);
    assert_int_equal(m[3], SMS_STEP_TODO);
    assert_int_equal(m[5], SMS_STEP_TODO);

    assert_int_equal(sms_pipeline_marks("checking", "waiting", m), 0);
    assert_int_equal(m[0], SMS_STEP_CURRENT);
    assert_int_equal(m[1], SMS_STEP_TODO);
}

static void pipeline_done_failed_and_unknown(void **state)
{
    (void)state;
    sms_step_mark m[SMS_PIPELINE_STEPS];
    assert_int_equal(sms_pipeline_marks("cutovered", "finished", m), 5);
    for (int i = 0; i < SMS_PIPELINE_STEPS; i++)
        assert_int_equal(m[i], SMS_STEP_DONE);
    assert_int_equal(sms_pipeline_marks("syncing", "error", m), 3);
    assert_int_equal(m[2], SMS_STEP_DONE);
    assert_int_equal(m[3], SMS_STEP_FAILED);
    assert_int_equal(m[4], SMS_STEP_TODO);
    assert_int_equal(sms_pipeline_marks("testing", "replicate", m), -1);
    assert_int_equal(sms_pipeline_marks(NULL, NULL, m), -1);
    for (int i = 0; i < SMS_PIPELINE_STEPS; i++)
        assert_int_equal(m[i], SMS_STEP_TODO);
}

/* ---- task error_json ---------------------------------------------------------------- */

static bool lines_have(char **lines, size_t n, const char *needle)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(lines[i], needle))
            return true;
    return false;
}

static void task_error_json_decoded_with_hint(void **state)
{
    (void)state;
    size_t n = 0;
    char **l = sms_task_error_lines(
        "{\"error_code\":\"SMS.0805\",\"error_msg\":\"partition \\u001b[31mfailed\",\"error_param\":[\"/dev/vdb1\"],\"step\":4}", &n);
    assert_non_null(l);
    assert_true(lines_have(l, n, "SMS.0805"));
    assert_true(lines_have(l, n, sms_error_code_lookup("SMS.0805")->meaning));
    assert_true(lines_have(l, n, "message: partition"));
    assert_true(lines_have(l, n, "/dev/vdb1"));
    assert_true(lines_have(l, n, "step: 4"));
    for (size_t i = 0; i < n; i++)
        assert_null(strchr(l[i], 0x1b));          /* the JSON escape did not smuggle an ESC */
    sms_lines_free(l, n);

    l = sms_task_error_lines("disk full", &n);
    assert_int_equal(n, 1);
    assert_string_equal(l[0], "disk full");
    sms_lines_free(l, n);
    assert_null(sms_task_error_lines("", &n));
    assert_int_equal(n, 0);
}

/* ---- dashboard ----------------------------------------------------------------------- */

static sms_server mk_server(const char *name, const char *state, const char *cycle, const char *task_state,
                            double speed, int64_t done, int64_t total, bool connected)
{
    sms_server s = { 0 };
    s.id = (char *)name;
    s.name = (char *)name;
    s.state = (char *)state;
    s.migration_cycle = (char *)cycle;
    s.replicatesize = done;
    s.totalsize = total;
    s.connected = connected;
    if (task_state) {
        s.has_current_task = true;
        s.current_task.state = (char *)task_state;
        s.current_task.migrate_speed = speed;
    }
    return s;
}

static void dashboard_counts_and_orders(void **state)
{
    (void)state;
    sms_server srv[] = {
        mk_server("web-01", "replicate", "replicating", "RUNNING", 100.0, 50, 100, true),
        mk_server("db-01", "error", "replicating", "MIGRATE_FAIL", 7.0, 10, 100, true),
        mk_server("app-01", "finished", "cutovered", "MIGRATE_SUCCESS", 9.0, 200, 100, false),
        mk_server("zz-01", "syncing", "syncing", "MIGRATE_FAIL", 0, 0, 0, true),
        mk_server("new-01", "waiting", "checking", NULL, 0, 0, 0, true),
        mk_server("odd-01", "weird", NULL, "RUNNING", 20.5, 0, 0, true),
    };
    sms_fleet f = { .servers = srv, .n_servers = N_OF(srv) };
    sms_dashboard d;
    assert_int_equal(sms_dashboard_compute(&f, &d), 0);
    assert_int_equal(d.n_servers, 6);
    assert_int_equal(d.n_connected, 5);
    size_t replicate = 0, errors = 0;
    for (size_t i = 0; i < sms_n_server_states; i++) {
        if (strcmp(sms_server_states[i].value, "replicate") == 0) replicate = d.by_state[i];
        if (strcmp(sms_server_states[i].value, "error") == 0) errors = d.by_state[i];
    }
    assert_int_equal(replicate, 1);
    assert_int_equal(errors, 1);
    assert_int_equal(d.state_other, 1);
    assert_int_equal(d.by_cycle[sms_migration_cycle_index("replicating")], 2);
    assert_int_equal(d.by_cycle[sms_migration_cycle_index("cutovered")], 1);
    assert_int_equal(d.cycle_other, 1);
    assert_int_equal(d.n_tasks_active, 2);                  /* RUNNING only */
    assert_true(d.throughput_mbit > 120.49 && d.throughput_mbit < 120.51);
    assert_int_equal(d.total, 300);
    assert_int_equal(d.replicated, 50 + 10 + 100);          /* over-reported 200 clamps to 100 */
    assert_int_equal(d.n_error, 2);                         /* error state, failed task */
    assert_int_equal(d.n_order, 6);
    assert_string_equal(srv[d.order[0]].name, "db-01");
    assert_string_equal(srv[d.order[1]].name, "zz-01");
    assert_string_equal(srv[d.order[5]].name, "app-01");    /* finished last */
    sms_dashboard_free(&d);

    assert_int_equal(sms_dashboard_compute(NULL, &d), 0);
    assert_int_equal(d.n_servers, 0);
    assert_null(d.order);
    sms_dashboard_free(&d);
}

static void labels_and_units(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(sms_fmt_rate(buf, sizeof buf, 812.54), "812.5 Mbit/s");
    assert_string_equal(sms_fmt_rate(buf, sizeof buf, 12599.4), "12.6 Gbit/s");
    assert_string_equal(sms_fmt_rate(buf, sizeof buf, -3), "0.0 Mbit/s");
    /* absurd figures from the API read sanely (once "-1e300" and 301 digits) */
    assert_string_equal(sms_fmt_rate(buf, sizeof buf, -1e300), "0.0 Mbit/s");
    assert_string_equal(sms_fmt_rate(buf, sizeof buf, 1e300), ">999 Tbit/s");
    assert_string_equal(sms_fmt_rate(buf, sizeof buf, 0.0 / 0.0), "0.0 Mbit/s");
    assert_string_equal(sms_fmt_rate(buf, sizeof buf, 25e6), "25.0 Tbit/s");
    assert_string_equal(sms_fmt_rate_short(buf, sizeof buf, 407), "407.0 Mb/s");
    assert_string_equal(sms_fmt_rate_short(buf, sizeof buf, 4200), "4.2 Gb/s");
    assert_string_equal(sms_fmt_rate_short(buf, sizeof buf, 1e300), ">1 Pb/s");
    assert_string_equal(sms_fmt_rate_short(buf, sizeof buf, -1e300), "0.0 Mb/s");
    assert_string_equal(sms_fmt_ratio(buf, sizeof buf, 1.354), "1.35");
    assert_string_equal(sms_fmt_ratio(buf, sizeof buf, -1e300), "-");
    assert_string_equal(sms_fmt_ratio(buf, sizeof buf, 1e300), "-");
    assert_string_equal(sms_outcome_label(SMS_OUT_PENDING), "PENDING");
    assert_string_equal(sms_outcome_label(SMS_OUT_OK), "OK");
    assert_string_equal(sms_outcome_label(SMS_OUT_FAILED), "FAILED");
    assert_string_equal(sms_outcome_label(SMS_OUT_UNKNOWN), "UNKNOWN");
    /* times: the clock alone on the same day, the date too otherwise */
    char when[32];
    const int64_t now = 1700000000000LL;                   /* 2023-11-14 22:13:20 UTC */
    setenv("TZ", "UTC", 1);
    tzset();
    sms_fmt_clock(when, sizeof when, now - 1000, now, true);
    assert_string_equal(when, "22:13:19");
    sms_fmt_clock(when, sizeof when, now - 2 * 86400000LL, now, false);
    assert_string_equal(when, "11-12 22:13");
    sms_fmt_clock(when, sizeof when, now - 2 * 86400000LL, now, true);
    assert_string_equal(when, "2023-11-12 22:13");
    sms_fmt_clock(when, sizeof when, 0, now, true);
    assert_string_equal(when, "-");
}

/* ---- themes -------------------------------------------------------------------------- */

static bool same_style(const sms_role_style *a, const sms_role_style *b)
{
    return a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs;
}

/* Each shipped theme parses, and keeps apart what must look different. */
static void shipped_themes_parse_and_differ(void **state)
{
    (void)state;
    static const char *const names[] = { "default", "light", "high-contrast", "monochrome" };
    for (size_t i = 0; i < N_OF(names); i++) {
        char path[512], err[256] = "";
        snprintf(path, sizeof path, "%s/themes/%s.theme", SMS_SOURCE_DIR, names[i]);
        sms_theme t;
        sms_theme_builtin(&t);
        int rc = sms_theme_parse_file(path, &t, err, sizeof err);
        if (rc != 0)
            fail_msg("%s", err);
        const sms_role_style *r = t.roles;
        assert_false(same_style(&r[SMS_ROLE_SELECTED], &r[SMS_ROLE_NORMAL]));
        assert_false(same_style(&r[SMS_ROLE_STATE_ERROR], &r[SMS_ROLE_STATE_OK]));
        assert_false(same_style(&r[SMS_ROLE_STALE], &r[SMS_ROLE_NORMAL]));
        assert_false(same_style(&r[SMS_ROLE_HEADER], &r[SMS_ROLE_NORMAL]));
        assert_false(same_style(&r[SMS_ROLE_BAR_DONE], &r[SMS_ROLE_BAR_TODO]));
        if (strcmp(names[i], "monochrome") == 0)
            for (int k = 0; k < SMS_ROLE__COUNT; k++) {
                assert_int_equal(r[k].fg, -1);
                assert_int_equal(r[k].bg, -1);
            }
        assert_int_equal(sms_theme_load(names[i], &t, err, sizeof err), 0);
        assert_string_equal(t.name, names[i]);
    }
}

/* ---- the man page --------------------------------------------------------------------- */

/* "page-up" as roff writes it: "page\-up". */
static void roff_escape(char *out, size_t len, const char *s)
{
    size_t at = 0;
    for (; *s && at + 3 < len; s++) {
        if (*s == '-')
            out[at++] = '\\';
        out[at++] = *s;
    }
    out[at] = '\0';
}

/* needle is listed as a `:` name: a whole word opening or inside a parenthesis,
 * "(sync)", "(next\-pane, prev\-pane)", "(upload\-log BUCKET)". */
static bool has_listed(const char *text, const char *needle)
{
    static const char word[] = "abcdefghijklmnopqrstuvwxyz-\\";
    size_t n = strlen(needle);
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) {
        char before = p == text ? ' ' : p[-1], after = p[n];
        bool starts = !strchr(word, before), ends = after && !strchr(word, after);
        if (starts && ends && (before == '(' || after == ')' || after == ','))
            return true;
    }
    return false;
}

/* Every action of the table, with its `:` name and default keys, is in docs/smsconsole.1. */
static void man_page_lists_every_action(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/docs/smsconsole.1", SMS_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char man[65536];
    size_t n = fread(man, 1, sizeof man - 1, f);
    fclose(f);
    man[n] = '\0';
    for (int i = 0; i < SMS_A__COUNT; i++) {
        char esc[96];
        roff_escape(esc, sizeof esc, sms_actions[i].name);
        if (!has_listed(man, esc))
            fail_msg("the man page does not name the action \"%s\"", sms_actions[i].name);
        char keys[64];
        snprintf(keys, sizeof keys, "%s", sms_actions[i].keys);
        char *save = NULL;
        for (char *k = strtok_r(keys, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
            if (!strstr(man, k))
                fail_msg("the man page does not list the key \"%s\" of \"%s\"", k, sms_actions[i].name);
        }
    }
}

/* ---- drawing into pads ---------------------------------------------------------------- */

static SCREEN *screen;
static FILE *scr_out, *scr_in;

static int curses_up(void **state)
{
    (void)state;
    setlocale(LC_ALL, "");
    setenv("TERM", "xterm-256color", 1);
    scr_out = fopen("/dev/null", "w");
    scr_in = fopen("/dev/null", "r");
    screen = newterm(NULL, scr_out, scr_in);
    return screen ? 0 : -1;
}

static int curses_down(void **state)
{
    (void)state;
    endwin();
    delscreen(screen);
    fclose(scr_out);
    fclose(scr_in);
    return 0;
}

/* Row y of a window as UTF-8 (wide characters once, trailing blanks kept). */
static void row_text(WINDOW *w, int y, char *out, size_t len)
{
    wchar_t wbuf[512];
    int n = mvwinnwstr(w, y, 0, wbuf, (int)N_OF(wbuf) - 1);
    if (n == ERR)
        n = 0;
    wbuf[n] = L'\0';
    size_t m = wcstombs(out, wbuf, len - 1);
    out[m == (size_t)-1 ? 0 : m] = '\0';
}

/* With PANES_DUMP=1 in the environment, print what a pane drew (to look at it). */
static void dump_window(WINDOW *w)
{
    char line[2048];
    if (!getenv("PANES_DUMP"))
        return;
    for (int y = 0; y < getmaxy(w); y++) {
        row_text(w, y, line, sizeof line);
        fprintf(stderr, "|%s|\n", line);
    }
}

static bool window_has(WINDOW *w, const char *needle)
{
    char line[2048];
    int rows = getmaxy(w);
    dump_window(w);
    for (int y = 0; y < rows; y++) {
        row_text(w, y, line, sizeof line);
        if (strstr(line, needle))
            return true;
    }
    return false;
}

static int window_count(WINDOW *w, const char *needle)
{
    char line[2048];
    int n = 0;
    for (int y = 0; y < getmaxy(w); y++) {
        row_text(w, y, line, sizeof line);
        n += strstr(line, needle) != NULL;
    }
    return n;
}

/* No cell outside the first `cols` columns holds anything but a blank. */
static void assert_clipped(WINDOW *w, int cols)
{
    for (int y = 0; y < getmaxy(w); y++)
        for (int x = cols; x < getmaxx(w); x++)
            assert_int_equal(mvwinch(w, y, x) & A_CHARTEXT, ' ');
}

static void app_init(sms_app *a, sms_snapshot *snap)
{
    memset(a, 0, sizeof *a);
    a->sym = &sms_symbols_utf8;
    a->snap = snap;
    sms_fleet_table_init(&a->table);
}

/* Draw a pane afresh, as the screen does after a change. */
static void redraw(const sms_view_ops *v, sms_app *a, void *st, WINDOW *w, int rows, int cols)
{
    werase(w);
    v->draw(a, st, w, rows, cols);
}

/* Free what a drawn-pane test made: the pad, the pane's state and the app's table. */
static void pane_done(const sms_view_ops *v, sms_app *a, void *st, WINDOW *w)
{
    delwin(w);
    v->destroy(st);
    sms_fleet_table_free(&a->table);
}

static void error_panel_draws_every_field_and_scrolls(void **state)
{
    (void)state;
    sms_app a;
    app_init(&a, NULL);
    sms_call_error e = seed_403();
    sms_error_panel_open(&a, "STOP web-01: FAILED", &e);
    assert_true(a.errp.open);
    assert_string_equal(a.errp.copy_text, "XXXXXX");        /* `y` copies the encoded message */
    WINDOW *w = newpad(40, 100);
    sms_error_panel_draw(&a, w, 0, 0, 40, 60);
    assert_true(window_has(w, "STOP web-01: FAILED"));
    assert_true(window_has(w, "HTTP status: 403"));
    assert_true(window_has(w, "error_code: SMS.9004"));
    assert_true(window_has(w, "error_param[0]:"));
    assert_true(window_has(w, "details[0]: SMS.9004"));
    assert_true(window_has(w, "request_id: 5f1c0e7a-req"));
    assert_true(window_has(w, "XXXXXX"));
    assert_clipped(w, 60);
    size_t n = a.errp.n_lines;
    assert_true(n > 8);                                    /* long lines wrapped to 56 columns */

    /* a short panel scrolls: the last line comes into view at the bottom */
    werase(w);
    assert_true(sms_error_panel_action(&a, SMS_A_BOTTOM));
    sms_error_panel_draw(&a, w, 0, 0, 6, 60);
    assert_true(window_has(w, "XXXXXX"));
    assert_false(window_has(w, "HTTP status: 403"));
    assert_true(sms_error_panel_action(&a, SMS_A_COPY));
    assert_non_null(strstr(last_message, "encoded_authorization_message"));
    assert_true(sms_error_panel_action(&a, SMS_A_BACK));
    assert_false(a.errp.open);
    assert_false(sms_error_panel_action(&a, SMS_A_DOWN));  /* closed: not consumed */
    delwin(w);
    sms_fleet_table_free(&a.table);
}

static void migration_pane_draws_task_and_inert_names(void **state)
{
    (void)state;
    sms_subtask subs[] = {
        { .id = 1, .name = "CREATE_CLOUD_SERVER", .progress = 100, .start_date = 1, .end_date = 2 },
        { .id = 2, .name = "MIGRATE_LINUX_FILE", .progress = 45, .start_date = 3, .migrate_speed = 88.5,
          .process_trace = "copying /var" },
    };
    sms_detail d = { 0 };
    d.server_id = "s1";
    d.server = mk_server("evil\x1b[2Jname-漢字", "replicate", "replicating", "RUNNING", 88.5, 45, 100, true);
    d.server.id = "s1";
    d.has_task = true;
    d.task.name = "task-1";
    d.task.state = "RUNNING";
    d.task.migrate_speed = 88.5;
    d.task.sub_tasks = subs;
    d.task.n_sub_tasks = N_OF(subs);
    d.task.error_json = "{\"error_code\":\"SMS.0805\",\"error_msg\":\"boom\"}";
    sms_check checks[] = { { .name = "disk space", .result = "WARN", .error_code = "SMS.1351" } };
    d.server.checks = checks;
    d.server.n_checks = 1;
    sms_speed_limit windows[] = { { .start = "08:00", .end = "18:00", .speed = 100, .over_speed_threshold = 80 },
                                  { .start = "18:00", .end = "08:00", .speed = 1000 } };
    d.has_limits = true;                                  /* GET .../speed-limit answered */
    d.limits = (sms_speed_limits){ windows, N_OF(windows) };
    sms_history_entry hist[] = { { .id = 1, .server_id = "s1", .server_name = "web", .action = SMS_ACT_STOP,
                                   .outcome = SMS_OUT_FAILED, .error = seed_403() } };
    sms_history h = { .entries = hist, .n_entries = 1 };
    sms_snapshot snap = { .detail = &d, .history = &h };
    sms_app a;
    app_init(&a, &snap);
    void *st = sms_view_migration.create();
    WINDOW *w = newpad(80, 120);
    sms_view_migration.draw(&a, st, w, 80, 80);
    assert_true(window_has(w, "evil?[2Jname-漢字"));         /* the escape is drawn inert */
    assert_true(window_has(w, "Replicating"));
    assert_true(window_has(w, "MIGRATE_LINUX_FILE"));
    assert_true(window_has(w, " 45%"));
    assert_true(window_has(w, "88.5 Mbit/s"));
    assert_true(window_has(w, "SMS.0805"));
    assert_true(window_has(w, "WARN"));
    assert_true(window_has(w, "SMS.1351"));
    assert_true(window_has(w, "encoded_authorization_message: XXXXXX"));   /* last failure inline */
    assert_true(window_has(w, "speed limit 100 Mbit/s 08:00-18:00 (stop above 80 %), 1000 Mbit/s 18:00-08:00"));
    assert_clipped(w, 80);

    /* a huge encoded message is cut inline (the panel has it all) */
    char *eam = malloc(5001);
    memset(eam, 'Q', 5000);
    eam[5000] = '\0';
    hist[0].error.api.encoded_authorization_message = eam;
    redraw(&sms_view_migration, &a, st, w, 80, 80);
    assert_true(window_has(w, "more lines: Enter shows them all"));
    assert_true(window_count(w, "QQQQQQQQ") <= 4);

    /* Enter opens the last failure in the error panel */
    assert_true(sms_view_migration.action(&a, st, SMS_A_ENTER));
    assert_true(a.errp.open);
    sms_error_panel_close(&a);

    /* a later success on the same server makes the failure an earlier one */
    assert_true(window_has(w, "Last action FAILED: stop"));
    sms_history_entry later[] = { hist[0], { .id = 2, .server_id = "s1", .action = SMS_ACT_START, .outcome = SMS_OUT_OK } };
    sms_history h2 = { .entries = later, .n_entries = 2 };
    snap.history = &h2;
    redraw(&sms_view_migration, &a, st, w, 80, 80);
    assert_true(window_has(w, "Earlier action FAILED: stop"));
    snap.history = &h;

    /* narrow: still clipped */
    redraw(&sms_view_migration, &a, st, w, 30, 40);
    assert_clipped(w, 40);
    pane_done(&sms_view_migration, &a, st, w);
    free(eam);
}

static void disks_pane_expands_and_collapses(void **state)
{
    (void)state;
    sms_pv parts[] = {
        { .name = "/dev/vda1", .device_use = "BOOT", .file_system = "ext4", .mount_point = "/boot", .size = 1 << 30, .used_size = 1 << 29 },
        { .name = "/dev/vda2", .device_use = "VOLUME_GROUP", .file_system = "LVM2_member", .size = 20LL << 30 },
    };
    sms_disk disks[] = { { .name = "/dev/vda", .size = 21LL << 30, .physical_volumes = parts, .n_physical_volumes = 2 } };
    sms_lv lvs[] = { { .name = "/dev/mapper/vg0-root", .file_system = "xfs", .mount_point = "/", .size = 10LL << 30,
                       .used_size = 5LL << 30 } };
    sms_vg vgs[] = { { .name = "vg0", .components = "/dev/vda2", .size = 20LL << 30, .logical_volumes = lvs,
                       .n_logical_volumes = 1 } };
    sms_detail d = { 0 };
    d.server_id = "s1";
    d.fetched_ms = 5;
    d.server.disks = disks;
    d.server.n_disks = 1;
    d.server.volume_groups = vgs;
    d.server.n_volume_groups = 1;
    sms_snapshot snap = { .detail = &d };
    sms_app a;
    app_init(&a, &snap);
    void *st = sms_view_disks.create();
    WINDOW *w = newpad(20, 120);
    sms_view_disks.draw(&a, st, w, 20, 80);
    assert_true(window_has(w, "/dev/mapper/vg0-root"));
    assert_true(window_has(w, "/boot"));
    assert_true(window_has(w, "/dev/vda1 [BOOT]"));
    assert_true(window_has(w, "└─"));
    assert_clipped(w, 80);

    /* cursor on the disk; collapse hides everything under it */
    assert_true(sms_view_disks.action(&a, st, SMS_A_TOP));
    assert_true(sms_view_disks.action(&a, st, SMS_A_COLLAPSE));
    redraw(&sms_view_disks, &a, st, w, 20, 80);
    assert_true(window_has(w, "/dev/vda"));
    assert_false(window_has(w, "/dev/vda1"));
    assert_false(window_has(w, "vg0-root"));

    /* the collapse survives a new detail for the same server */
    d.fetched_ms = 6;
    redraw(&sms_view_disks, &a, st, w, 20, 80);
    assert_false(window_has(w, "/dev/vda1"));
    assert_true(sms_view_disks.action(&a, st, SMS_A_EXPAND));
    redraw(&sms_view_disks, &a, st, w, 20, 80);
    assert_true(window_has(w, "/dev/vda1"));

    /* ASCII fallback */
    a.sym = &sms_symbols_ascii;
    redraw(&sms_view_disks, &a, st, w, 20, 80);
    assert_true(window_has(w, "`-"));
    assert_false(window_has(w, "└"));
    pane_done(&sms_view_disks, &a, st, w);
}

/* A hostile Btrfs list nesting 300 subvolumes: drawn clipped, collapsible, no overflow. */
static void disks_pane_survives_a_deep_tree(void **state)
{
    (void)state;
    enum { DEPTH = 300 };
    static sms_subvol subs[DEPTH];
    static char ids[DEPTH][8], parents[DEPTH][8], names[DEPTH][16];
    for (int i = 0; i < DEPTH; i++) {
        snprintf(ids[i], sizeof ids[i], "%d", i + 256);
        snprintf(parents[i], sizeof parents[i], "%d", i + 255);
        snprintf(names[i], sizeof names[i], "sv%d", i);
        subs[i] = (sms_subvol){ .subvol_id = ids[i], .parent_id = parents[i], .subvol_name = names[i],
                                .is_snapshot = "false" };
    }
    sms_pv part = { .name = "/dev/vdb1", .device_use = "BTRFS", .file_system = "btrfs", .size = 1 << 30 };
    sms_disk disk = { .name = "/dev/vdb", .size = 1 << 30, .physical_volumes = &part, .n_physical_volumes = 1 };
    sms_btrfs fs = { .name = "data", .device = "/dev/vdb1", .subvolumn = subs, .n_subvolumn = DEPTH };
    sms_detail d = { 0 };
    d.server_id = "deep";
    d.fetched_ms = 1;
    d.server.disks = &disk;
    d.server.n_disks = 1;
    d.server.btrfs_list = &fs;
    d.server.n_btrfs_list = 1;
    sms_snapshot snap = { .detail = &d };
    sms_app a;
    app_init(&a, &snap);
    void *st = sms_view_disks.create();
    WINDOW *w = newpad(30, 120);
    sms_view_disks.draw(&a, st, w, 30, 80);
    assert_true(window_has(w, "sv0"));
    assert_clipped(w, 80);
    assert_true(sms_view_disks.action(&a, st, SMS_A_BOTTOM));
    redraw(&sms_view_disks, &a, st, w, 30, 80);
    assert_clipped(w, 80);
    assert_true(sms_view_disks.action(&a, st, SMS_A_TOP));
    assert_true(sms_view_disks.action(&a, st, SMS_A_ENTER));       /* collapse the disk */
    redraw(&sms_view_disks, &a, st, w, 30, 80);
    assert_false(window_has(w, "sv0"));
    pane_done(&sms_view_disks, &a, st, w);
}

/* Before the first answer there is no snapshot at all: every pane says so. */
static void panes_without_data(void **state)
{
    (void)state;
    const sms_view_ops *views[] = { &sms_view_migration, &sms_view_disks, &sms_view_history, &sms_view_dashboard };
    sms_app a;
    app_init(&a, NULL);
    WINDOW *w = newpad(24, 80);
    for (size_t i = 0; i < N_OF(views); i++) {
        void *st = views[i]->create();
        werase(w);
        views[i]->draw(&a, st, w, 24, 80);
        char row[512];
        row_text(w, 0, row, sizeof row);
        assert_true(strlen(row) > 0 && row[0] != ' ');          /* something is said */
        for (int act = 0; act < SMS_A__COUNT; act++)
            views[i]->action(&a, st, (sms_action_id)act);
        views[i]->draw(&a, st, w, 24, 80);
        views[i]->destroy(st);
    }
    assert_false(a.errp.open);
    delwin(w);
    sms_fleet_table_free(&a.table);
}

static void history_pane_shows_pending_and_opens_failures(void **state)
{
    (void)state;
    sms_history_entry e[] = {
        { .id = 1, .at_ms = 1700000000000LL, .user = "admin", .action = SMS_ACT_STOP, .server_name = "db-01",
          .outcome = SMS_OUT_FAILED, .error = seed_403() },
        { .id = 2, .at_ms = 1700000001000LL, .user = "admin", .action = SMS_ACT_START, .server_name = "web-01",
          .outcome = SMS_OUT_PENDING, .context = "prod-eu" },
    };
    sms_history h = { .entries = e, .n_entries = 2 };
    sms_snapshot snap = { .history = &h };
    sms_app a;
    app_init(&a, &snap);
    void *st = sms_view_history.create();
    WINDOW *w = newpad(10, 120);
    sms_view_history.draw(&a, st, w, 10, 80);
    char row[1024];
    row_text(w, 1, row, sizeof row);                       /* newest first */
    assert_non_null(strstr(row, "web-01"));
    assert_non_null(strstr(row, "PENDING"));
    row_text(w, 2, row, sizeof row);
    assert_non_null(strstr(row, "db-01"));
    assert_non_null(strstr(row, "FAILED"));
    row_text(w, 9, row, sizeof row);                       /* the selected entry's details */
    assert_non_null(strstr(row, "context prod-eu"));
    assert_clipped(w, 80);

    assert_true(sms_view_history.action(&a, st, SMS_A_ENTER));     /* pending: no panel */
    assert_false(a.errp.open);
    assert_true(sms_view_history.action(&a, st, SMS_A_DOWN));
    assert_true(sms_view_history.action(&a, st, SMS_A_ENTER));
    assert_true(a.errp.open);
    assert_non_null(strstr(a.errp.title, "FAILED"));
    sms_error_panel_close(&a);
    pane_done(&sms_view_history, &a, st, w);
}

static void dashboard_pane_survives_no_fleet(void **state)
{
    (void)state;
    sms_snapshot snap = { .stale = true };
    sms_app a;
    app_init(&a, &snap);
    void *st = sms_view_dashboard.create();
    WINDOW *w = newpad(24, 100);
    sms_view_dashboard.draw(&a, st, w, 24, 80);
    assert_true(window_has(w, "No data"));

    sms_server srv[] = {
        mk_server("web-01", "replicate", "replicating", "RUNNING", 100.0, 50, 100, true),
        mk_server("db-01", "error", "replicating", "MIGRATE_FAIL", 0, 10, 100, true),
    };
    sms_fleet f = { .servers = srv, .n_servers = 2 };
    snap.fleet = &f;
    snap.fleet_seq = 1;
    redraw(&sms_view_dashboard, &a, st, w, 24, 80);
    assert_true(window_has(w, "STALE"));
    assert_true(window_has(w, "data STALE 0s old"));        /* the age text says it too */
    assert_false(window_has(w, "live"));
    assert_true(window_has(w, "2 servers"));
    assert_true(window_has(w, "100.0 Mbit/s"));
    char row[1024];
    bool db_first = false;
    for (int y = 0; y < 24; y++) {
        row_text(w, y, row, sizeof row);
        if (strstr(row, "web-01"))
            break;
        db_first |= strstr(row, "db-01") != NULL;
    }
    assert_true(db_first);
    assert_clipped(w, 80);
    assert_true(window_has(w, "By state: Replicating 1  Error 1"));     /* compact on 24 rows */

    /* a tall screen gets the two columns of counts */
    delwin(w);
    w = newpad(40, 140);
    sms_view_dashboard.draw(&a, st, w, 40, 120);
    assert_true(window_has(w, "By migration cycle"));
    assert_true(window_has(w, " STALE: API not answering "));   /* the badge, where it fits */
    assert_true(window_has(w, "Launched         0"));
    assert_true(window_has(w, "Servers, 1 in error first   1-2 of 2"));
    assert_clipped(w, 120);
    pane_done(&sms_view_dashboard, &a, st, w);
}

/* Speed and ETA are live figures only while the task moves; an Error, Stopped or
 * Finished server, or a task that is not RUNNING/SYNCING, keeps its last ones: "-". */
static void servers_pane_shows_speed_only_while_moving(void **state)
{
    (void)state;
    sms_server srv[] = {
        mk_server("moving-01", "replicate", "replicating", "RUNNING", 407.0, 50, 100, true),
        mk_server("failed-01", "error", "replicating", "RUNNING", 407.0, 50, 100, true),
        mk_server("paused-01", "stopped", "replicating", "ABORT", 407.0, 50, 100, true),
        mk_server("done-01", "replicate", "replicating", "MIGRATE_SUCCESS", 407.0, 50, 100, true),
    };
    for (size_t i = 0; i < N_OF(srv); i++)
        srv[i].current_task.remain_seconds = 349;
    sms_fleet f = { .servers = srv, .n_servers = N_OF(srv) };
    sms_app a;
    app_init(&a, NULL);
    sms_fleet_table_update(&a.table, &f, 1000);
    void *st = sms_view_servers.create();
    WINDOW *w = newpad(10, 160);
    sms_view_servers.draw(&a, st, w, 10, 160);
    char row[1024];
    for (int y = 0; y < 10; y++) {
        row_text(w, y, row, sizeof row);
        if (!strstr(row, "-01"))
            continue;
        bool moving = strstr(row, "moving-01") != NULL;
        assert_true((strstr(row, "407.0 Mb/s") != NULL) == moving);
        assert_true((strstr(row, "5m49s") != NULL) == moving);
    }
    assert_int_equal(window_count(w, "407.0 Mb/s"), 1);
    pane_done(&sms_view_servers, &a, st, w);
}

/* The servers pane measures its columns over every row of a new fleet without formatting
 * the cells whose text it knows: the width must be that of the cell's text, whatever the
 * server holds (wide, combining, control or over-long text, NULLs, odd numbers). */
static void servers_cell_widths_are_those_of_their_text(void **state)
{
    (void)state;
    char long_ascii[300], long_wide[400];
    memset(long_ascii, 'a', sizeof long_ascii - 1);
    long_ascii[sizeof long_ascii - 1] = '\0';
    long_wide[0] = '\0';
    for (int i = 0; i < 130; i++)
        strcat(long_wide, "\xe6\x9c\x8d");              /* 3 bytes, 2 columns: cut inside one */
    static const char *texts[] = { "web-01", "", "\xe6\x9c\x8d\xe5\x8a\xa1\xe5\x99\xa8-01", "e\xcc\x81t\xc3\xa9",
                                   "tab\there", "del\x7f", "10.0.0.1", "fd00::1", NULL, NULL };
    static const char *states[] = { "waiting", "replicate", "error", "finished", "stopped", "not-a-state",
                                    "\xc3\xa9tat", NULL };
    static const char *cycles[] = { "checking", "replicating", "cutovered", "bogus", "", NULL };
    static const char *tasks[] = { "RUNNING", "SYNCING", "ABORT", "MIGRATE_SUCCESS", NULL };
    static const double speeds[] = { 0.0, -1.0, 407.0, 12345678.9, 1e300, -0.0 };
    static const int64_t times[] = { 0, -5, 1700000000000LL, 253402300799999LL, 253402300800000LL,
                                     INT64_MAX, 1 };
    static const int64_t remain[] = { 0, -1, 349, 86400 * 400LL, INT64_MAX };
    const char *pool[N_OF(texts) + 2];
    memcpy(pool, texts, sizeof texts);
    pool[N_OF(texts)] = long_ascii;
    pool[N_OF(texts) + 1] = long_wide;
    uint32_t r = 1;
#define PICK_R(a) (a)[(r = r * 1103515245u + 12345u, (r >> 8) % N_OF(a))]
    for (int utf8 = 0; utf8 < 2; utf8++) {
        sms_cell_memo memo;
        memset(&memo, 0, sizeof memo);
        for (int i = 0; i < 3000; i++) {
            sms_server s = {
                .id = (char *)PICK_R(pool), .name = (char *)PICK_R(pool), .ip = (char *)PICK_R(pool),
                .os_version = (char *)PICK_R(pool), .os_type = (char *)PICK_R(pool),
                .state = (char *)PICK_R(states), .migration_cycle = (char *)PICK_R(cycles),
                .state_action_time = PICK_R(times), .connected = i & 1, .has_current_task = i % 3 != 0,
            };
            s.current_task.state = (char *)PICK_R(tasks);
            s.current_task.migrate_speed = PICK_R(speeds);
            s.current_task.remain_seconds = PICK_R(remain);
            for (int c = 0; c < SMS_COL__COUNT; c++) {
                if (c == SMS_COL_PROGRESS)
                    continue;
                char text[256];
                sms_server_cell_text(&s, (sms_col)c, text, sizeof text);
                int want = sms_text_width(text, utf8), got = sms_server_cell_width(&s, (sms_col)c, utf8, &memo);
                if (got != want)
                    fail_msg("server %d column %s (%s): width %d, its text \"%s\" is %d wide",
                             i, sms_cols[c].name, utf8 ? "UTF-8" : "ASCII", got, text, want);
            }
        }
    }
#undef PICK_R
}

/* With sms_fleet.revs the pane keeps each server's cell widths while its number stays:
 * through servers changing (one name and one address at a time decide the widths of
 * their columns, growing and shrinking past the column cap), swapping places, leaving,
 * and the symbol set changing (wide characters), it draws exactly what a pane that
 * measures every server again draws. */
static void servers_pane_widths_with_revs_are_those_measured_anew(void **state)
{
    (void)state;
    enum { NS = 400, ROWS = 40, COLS = 230 };
    static char names[NS][160], ids[NS][16];
    static sms_server srv[NS];
    static uint64_t revs[NS];
    static const char *states[] = { "waiting", "replicate", "error", "not-a-state", NULL };
    static const char *cycles[] = { "checking", "replicating", "cutovered", "bogus", NULL };
    static const char *ips[] = { "10.0.0.1", "fd00:1234:5678:9abc:def0:1234:5678:9abc", "\xe6\x9c\x8d.1", "10.1" };
    uint32_t r = 7;
    uint64_t next = 0;
#define RND(k) ((r = r * 1103515245u + 12345u), (r >> 8) % (k))
    for (int i = 0; i < NS; i++) {
        snprintf(names[i], sizeof names[i], "s%03d", i);
        snprintf(ids[i], sizeof ids[i], "id-%d", i);
        srv[i] = (sms_server){ .id = ids[i], .name = names[i], .ip = i % 3 ? NULL : (char *)ips[0],
                               .state = (char *)states[RND(5)], .migration_cycle = (char *)cycles[RND(5)],
                               .state_action_time = RND(2) ? 1700000000000LL : 0, .connected = RND(2) };
        revs[i] = ++next;
    }
    snprintf(names[1], sizeof names[1], "\xe6\x9c\x8d\xe6\x9c\x8d\xe6\x9c\x8d\xe6\x9c\x8d\xe6\x9c\x8d\xe6\x9c\x8d");
    sms_fleet with = { .servers = srv, .n_servers = NS, .revs = revs };
    sms_fleet without = { .servers = srv, .n_servers = NS };
    sms_app a, b;
    app_init(&a, NULL);
    app_init(&b, NULL);
    void *sa = sms_view_servers.create(), *sb = sms_view_servers.create();
    WINDOW *wa = newpad(ROWS, COLS), *wb = newpad(ROWS, COLS);
    int star = 0, far = 0;                          /* the long name, the odd address */
    for (int round = 0; round < 30; round++) {
        if (round) {
            snprintf(srv[star].name, 160, "s");     /* each server has its own name buffer */
            srv[far].ip = NULL;
            revs[star] = ++next;
            revs[far] = ++next;
            star = 2 + (int)RND(NS - 2);           /* not server 1: 12 columns wide in */
            far = (int)RND(NS);                     /* UTF-8, 6 in ASCII, and unchanged */
            size_t len = round >= 20 && round < 24 ? 1 : 1 + RND(45);
            for (size_t k = 0; k < len; k++)
                strcat(srv[star].name, RND(4) ? "n" : "\xe6\x9c\x8d");
            srv[far].ip = (char *)ips[RND(4)];
            srv[star].connected = !srv[star].connected;
            revs[star] = ++next;
            revs[far] = ++next;
        }
        if (round % 6 == 5) {                       /* two servers swap places */
            int i = (int)RND(NS), j = (int)RND(NS);
            sms_server s = srv[i];
            uint64_t rv = revs[i];
            srv[i] = srv[j], revs[i] = revs[j];
            srv[j] = s, revs[j] = rv;
        }
        with.n_servers = without.n_servers = round >= 10 && round < 14 ? NS - 37 : NS;
        a.sym = b.sym = round >= 20 && round < 24 ? &sms_symbols_ascii : &sms_symbols_utf8;
        sms_fleet_table_update(&a.table, &with, 1000 * round);
        sms_fleet_table_update(&b.table, &without, 1000 * round);
        a.fleet_seq = b.fleet_seq = (uint64_t)round + 1;
        redraw(&sms_view_servers, &a, sa, wa, ROWS, COLS);
        redraw(&sms_view_servers, &b, sb, wb, ROWS, COLS);
        for (int y = 0; y < ROWS; y++) {
            char la[2048], lb[2048];
            row_text(wa, y, la, sizeof la);
            row_text(wb, y, lb, sizeof lb);
            if (strcmp(la, lb) != 0)
                fail_msg("round %d line %d:\n  kept:     %s\n  measured: %s", round, y, la, lb);
        }
    }
#undef RND
    pane_done(&sms_view_servers, &a, sa, wa);
    pane_done(&sms_view_servers, &b, sb, wb);
}

/* The Agents pane over a fleet, its versions and an inventory: each row's state, reason,
 * version (flagged when old), heartbeat age and the selected row's hint. */
static void agents_pane_shows_versions_heartbeats_and_hints(void **state)
{
    (void)state;
    const int64_t t0 = 1700000000000LL;
    sms_server srv[3] = {
        { .id = "a", .name = "web-01", .ip = "10.0.0.1", .os_version = "CENTOS7.9", .connected = true,
          .add_date = t0, .last_visit_time = t0 },
        { .id = "b", .name = "db-01", .ip = "10.0.0.2", .os_version = "UBUNTU20.04", .connected = false,
          .add_date = t0, .last_visit_time = t0 + 1000 },
        { .id = "c", .name = "old-01", .ip = "10.0.0.3", .os_version = "CENTOS5.11", .connected = true,
          .add_date = t0, .last_visit_time = t0 },
    };
    sms_agent_version_entry ver[] = { { "a", "25.3.0", t0 }, { "b", "24.9.0", t0 }, { "c", "24.9.0", t0 } };
    sms_agent_versions versions = { .refs = 1, .entries = ver, .n_entries = 3 };
    sms_fleet f = { .servers = srv, .n_servers = 3, .count = 3 };
    sms_snapshot snap = { .fleet = &f, .fleet_seq = 1, .versions = &versions };
    const char *csv = "web-01\n10.0.0.2\nghost-01,10.9.9.9\n";
    sms_inventory inv;
    char err[128];
    assert_int_equal(sms_inventory_parse(csv, strlen(csv), "inv", &inv, err, sizeof err), 0);
    sms_ui_opts o = { .inventory = &inv };
    sms_app a;
    app_init(&a, &snap);
    a.o = &o;
    a.now_ms = t0 + 1000 + 150 * 1000;               /* db-01 silent for 2m30s */
    void *st = sms_view_agents.create();
    WINDOW *w = newpad(20, 200);
    redraw(&sms_view_agents, &a, st, w, 20, 200);
    assert_true(window_has(w, "Agents 4/4  not installed 1  installing 0  installed 1  failed 1  unexpected 1"));
    assert_true(window_has(w, "old agents 2 (newest 25.3.0)"));
    char row[2048];
    for (int y = 0; y < 20; y++) {
        row_text(w, y, row, sizeof row);
        if (strstr(row, "web-01"))
            assert_non_null(strstr(row, "0 agent installed and connected"));
        if (strncmp(row, "  db-01 ", 8) == 0) {           /* its row, not the hint */
            assert_non_null(strstr(row, "8 no client process detected"));
            assert_non_null(strstr(row, "24.9.0 old"));
            assert_non_null(strstr(row, "2m30s"));
        }
        if (strstr(row, "old-01")) {                /* not in the inventory, OS too old */
            assert_non_null(strstr(row, "unexpected"));
            assert_non_null(strstr(row, "1003 OS not supported"));
            assert_non_null(strstr(row, "24.9.0 old"));
        }
        if (strstr(row, "ghost-01"))
            assert_non_null(strstr(row, "-1 agent not installed"));
    }
    /* the first row (db-01, by name) is selected: its hint is under the table */
    assert_true(window_has(w, "db-01: 8 no client process detected. Check that the host is up"));
    pane_done(&sms_view_agents, &a, st, w);
    sms_inventory_free(&inv);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(error_text_has_every_field_of_the_403),
        cmocka_unit_test(error_text_keeps_long_values_on_one_line),
        cmocka_unit_test(error_text_for_local_and_transport_failures),
        cmocka_unit_test(wrap_respects_width_and_loses_nothing),
        cmocka_unit_test(wrap_prefers_spaces),
        cmocka_unit_test(pipeline_marks_the_current_step),
        cmocka_unit_test(pipeline_done_failed_and_unknown),
        cmocka_unit_test(task_error_json_decoded_with_hint),
        cmocka_unit_test(dashboard_counts_and_orders),
        cmocka_unit_test(labels_and_units),
        cmocka_unit_test(shipped_themes_parse_and_differ),
        cmocka_unit_test(man_page_lists_every_action),
    };
    const struct CMUnitTest drawn[] = {
        cmocka_unit_test(error_panel_draws_every_field_and_scrolls),
        cmocka_unit_test(migration_pane_draws_task_and_inert_names),
        cmocka_unit_test(disks_pane_expands_and_collapses),
        cmocka_unit_test(disks_pane_survives_a_deep_tree),
        cmocka_unit_test(panes_without_data),
        cmocka_unit_test(history_pane_shows_pending_and_opens_failures),
        cmocka_unit_test(dashboard_pane_survives_no_fleet),
        cmocka_unit_test(servers_pane_shows_speed_only_while_moving),
        cmocka_unit_test(servers_cell_widths_are_those_of_their_text),
        cmocka_unit_test(servers_pane_widths_with_revs_are_those_measured_anew),
        cmocka_unit_test(agents_pane_shows_versions_heartbeats_and_hints),
    };
    int failed = cmocka_run_group_tests_name("panes (pure)", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("panes (drawn)", drawn, curses_up, curses_down);
    return failed;
}
