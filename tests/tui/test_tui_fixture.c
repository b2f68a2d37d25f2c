/* test_tui_fixture.c - against an in-process emulator whose data the test controls:
 * hostile server text drawn inert (no escape sequence, cursor movement or bidi
 * override reaches the terminal), the dashboard surviving the API going away and
 * coming back, change highlights, START and DELETE round trips, and the bell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu_helper.h"
#include "harness.h"
#include "tui_expect.h"
#include "model/codec.h"

#define N_SERVERS 8
/* ESC [2J (clear), OSC 0 (window title) with BEL, CR LF, RLO (bidi override) */
#define HOSTILE_JSON "evil\\u001b[2J\\u001b]0;pwned\\u0007\\r\\nrow\\u202eXYZ"
#define HOSTILE_SHOWN "evil?[2J?]0;pwned???rowXYZ"

static emu_fixture fx;
static sms_server_list list;                /* the fleet as registered, before any test */

static int group_setup(void **state)
{
    (void)state;
    if (emu_fixture_start(&fx, N_SERVERS, NULL) < 0)
        return -1;
    if (emu_fixture_register(&fx, HOSTILE_JSON, "10.9.0.66") < 0)
        return -1;
    sms_client *c = emu_fixture_client(&fx);
    int rc = c ? sms_list_servers(c, NULL, &list, NULL) : -1;
    sms_client_free(c);
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    sms_free(&SMS_T_SERVER_LIST, &list);
    emu_fixture_stop(&fx);
    return 0;
}

static void hostile_name_is_drawn_as_plain_text(void **state)
{
    (void)state;
    tui *t = tui_start_ready(30, 140, fx.argv, fx.env, "Servers 9/9");
    tui_settle(t);
    int row, col;
    if (!tui_find(t, HOSTILE_SHOWN, &row, &col)) {
        tui_dump(t, "hostile name");
        fail_msg("the hostile name is not shown as inert text");
    }
    /* its row keeps the table's layout: the IP is in its column, on the same row */
    char line[1024];
    tui_row(t, row, line, sizeof line);
    assert_non_null(strstr(line, "10.9.0.66"));
    assert_int_equal(col, 2);
    /* nothing was cleared or overwritten: the tab bar and every other row are intact */
    tui_expect_text(t, "1 Servers");
    for (int r = 3; r < 3 + 9; r++) {
        tui_row(t, r, line, sizeof line);
        assert_true(strlen(line) > 20);
    }
    /* selecting it and opening its panes draws it inert there too */
    char keys[64];
    snprintf(keys, sizeof keys, "/10.9.0.66\r\r");
    tui_type(t, keys);
    tui_expect_text(t, "10.9.0.66");
    tui_settle(t);
    assert_true(tui_find(t, "evil?[2J", NULL, NULL));
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void dashboard_survives_the_api_going_away(void **state)
{
    (void)state;
    const char *const extra[] = { "--dashboard", NULL };
    const char *argv[24];
    tui *t = tui_start_ready(30, 120, emu_fixture_argv_with(&fx, extra, argv, 24), fx.env, "9 servers,");
    tui_expect_text(t, "live");
    const char *faults[] = { "/v3/sources*=status:503" };
    char err[200];
    assert_int_equal(smsemu_set_faults(fx.emu, faults, 1, err, sizeof err), 0);
    /* in the frame that shows the dashboard's badge, the status line says STALE too (and
     * not "live" until the data is older than the live window) */
    tui_expect_text(t, "STALE: API not answering");
    char status[512];
    tui_row(t, 30 - 2, status, sizeof status);
    if (!strstr(status, "STALE ") || strstr(status, "live"))
        fail_msg("status line with stale data: %s", status);
    tui_expect_text(t, "9 servers,");                 /* the last good data stays */
    smsemu_clear_faults(fx.emu);
    assert_true(tui_wait_gone(t, "STALE", TUI_DEADLINE_MS * 3));
    tui_expect_text(t, "live");
    assert_int_equal(tui_quit(t, "q"), 0);
}

/* A registered server other than the hostile one and other than the first by name
 * (which starts selected, and a selected row is drawn as selected, not as changed). */
static const sms_server *plain_server(int nth)
{
    const sms_server *first = NULL;
    for (size_t i = 0; i < list.n_source_servers; i++)
        if (!first || strcasecmp(list.source_servers[i].name, first->name) < 0)
            first = &list.source_servers[i];
    for (size_t i = 0; i < list.n_source_servers; i++) {
        const sms_server *s = &list.source_servers[i];
        if (s != first && strncmp(s->name, "evil", 4) != 0 && nth-- == 0)
            return s;
    }
    fail_msg("not enough servers");
    return NULL;
}

static bool row_highlighted(tui *t, const char *name)
{
    int row;
    VTermScreenCell cell;
    return tui_find(t, name, &row, NULL) && tui_cell(t, row, 2, &cell) && !VTERM_COLOR_IS_DEFAULT_BG(&cell.bg);
}

/* Filter the table down to s alone. */
static void filter_to_server(tui *t, const sms_server *s)
{
    char keys[160];
    snprintf(keys, sizeof keys, "/%s\r", s->name);
    tui_type(t, keys);
    tui_expect_text(t, "Servers 1/9");
}

static void changed_rows_are_highlighted_for_a_while(void **state)
{
    (void)state;
    const sms_server *s = plain_server(0);
    tui *t = tui_start_ready(30, 140, fx.argv, fx.env, "Servers 9/9");
    tui_settle(t);
    assert_false(row_highlighted(t, s->name));
    assert_int_equal(emu_fixture_create_task(&fx, s->id, true), 0);    /* its state changes */
    bool lit = false;
    for (int i = 0; i < 400 && !lit; i++) {
        tui_wait_frames(t, 1, 200);
        lit = row_highlighted(t, s->name);
    }
    if (!lit)
        tui_dump(t, "highlight");
    assert_true(lit);
    bool faded = false;
    for (int i = 0; i < 400 && !faded; i++) {
        tui_wait_frames(t, 1, 200);
        faded = !row_highlighted(t, s->name);
    }
    assert_true(faded);
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void start_round_trip_on_a_configured_server(void **state)
{
    (void)state;
    const sms_server *s = plain_server(1);
    assert_int_equal(emu_fixture_create_task(&fx, s->id, false), 0);    /* READY, not started */
    tui *t = tui_start_ready(30, 140, fx.argv, fx.env, "Servers 9/9");
    filter_to_server(t, s);
    tui_type(t, "\r");
    tui_expect_text(t, "Ready");
    tui_type(t, "\033");
    tui_expect_text(t, "Servers 1/9");
    tui_type(t, "S");
    tui_expect_text(t, "Confirm start");
    tui_type(t, "y");
    tui_expect_text(t, "action accepted by the API");
    tui_type(t, "\r");
    tui_expect_text(t, "Running");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void delete_asks_for_the_server_name(void **state)
{
    (void)state;
    const sms_server *s = plain_server(2);
    tui *t = tui_start_ready(30, 140, fx.argv, fx.env, "Servers 9/9");
    filter_to_server(t, s);
    tui_type(t, "\004");                        /* ^D */
    tui_expect_text(t, "Type the server name");
    tui_type(t, s->name);
    tui_type(t, "\r");
    tui_expect_text(t, "1 action accepted by the API");
    tui_type(t, "4");                           /* the Commands pane has it */
    tui_expect_text(t, " delete ");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void bell_rings_when_a_server_enters_error(void **state)
{
    (void)state;
    const sms_server *s = plain_server(3);
    const char *const extra[] = { "--bell", NULL };
    const char *argv[24];
    tui *t = tui_start_ready(30, 140, emu_fixture_argv_with(&fx, extra, argv, 24), fx.env, "Servers ");
    tui_settle(t);
    size_t mark = tui_raw_mark(t);
    assert_int_equal(emu_fixture_create_task(&fx, s->id, true), 0);
    char path[128];
    snprintf(path, sizeof path, "/v3/sources/%s/command", s->id);
    assert_int_equal(emu_fixture_call(&fx, "GET", path, NULL), 0);        /* the agent takes START */
    snprintf(path, sizeof path, "/v3/sources/%s/command_result", s->id);
    /* the agent reports that START failed: the task fails and the server enters error */
    assert_int_equal(emu_fixture_post(&fx, path, "{\"command_name\":\"START\",\"result\":\"fail\","
                                      "\"result_detail\":\"{\\\"error_code\\\":\\\"SMS.0807\\\"}\"}"), 0);
    char row[1024];
    int r = -1;
    bool error_shown = false;
    for (int i = 0; i < 150 && !error_shown; i++) {
        tui_wait_frames(t, 1, 200);
        error_shown = tui_find(t, s->name, &r, NULL) && strstr(tui_row(t, r, row, sizeof row), "Error");
    }
    if (!error_shown)
        tui_dump(t, "error state");
    assert_true(error_shown);
    assert_true(tui_raw_contains(t, mark, "\a"));
    assert_int_equal(tui_quit(t, "q"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_name_is_drawn_as_plain_text),
        cmocka_unit_test(dashboard_survives_the_api_going_away),
        cmocka_unit_test(changed_rows_are_highlighted_for_a_while),
        cmocka_unit_test(start_round_trip_on_a_configured_server),
        cmocka_unit_test(delete_asks_for_the_server_name),
        cmocka_unit_test(bell_rings_when_a_server_enters_error),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
