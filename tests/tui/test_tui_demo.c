/* test_tui_demo.c - `smsconsole --demo` end to end: the built-in emulator's fleet, an
 * action round trip (START -> task Running), read-only refusal, the viewer's 403 shown
 * inline with every field, and the dashboard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "tui_expect.h"

#define DEMO_TITLE "Servers 24/24"

static const char *const demo_env[] = { "SMSCONSOLE_DEMO_SERVERS=24", NULL };
static const char *const viewer_env[] = { "SMSCONSOLE_DEMO_SERVERS=24", "SMSCONSOLE_DEMO_USER=viewer", NULL };

/* Select a server the demo wave paused (state Stopped, task Paused): it stays that way,
 * unlike servers passing through "Setting" on their way to being started. The filter
 * is cleared again so that the selection (kept by id) survives its state changing. */
static void select_paused_server(tui *t)
{
    tui_type(t, "/stopped\r");
    tui_expect_text(t, "filter: stopped");
    tui_expect_text(t, " Stopped ");
    tui_settle(t);
    tui_type(t, ":filter\r");
    tui_expect_text(t, DEMO_TITLE);
    tui_type(t, "\r");                          /* migration pane: the task is paused */
    tui_expect_text(t, "Paused");
    tui_type(t, "\033");
    tui_expect_text(t, DEMO_TITLE);
}

static void shows_the_demo_fleet_as_admin(void **state)
{
    (void)state;
    const char *const argv[] = { "smsconsole", "--demo", NULL };
    tui *t = tui_start_ready(40, 160, argv, demo_env, DEMO_TITLE);
    tui_expect_text(t, "admin");
    tui_expect_text(t, "demo (ap-southeast-3)");
    assert_false(tui_find(t, "READ-ONLY", NULL, NULL));
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void start_round_trip_shows_the_task_running(void **state)
{
    (void)state;
    const char *const argv[] = { "smsconsole", "--demo", NULL };
    tui *t = tui_start_ready(40, 160, argv, demo_env, DEMO_TITLE);
    select_paused_server(t);
    tui_type(t, "S");
    tui_expect_text(t, "Confirm start");
    tui_type(t, "y");
    tui_expect_text(t, "1 action accepted by the API (start ");
    tui_type(t, "\r");
    tui_expect_text(t, "Running");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void confirmation_defaults_to_no(void **state)
{
    (void)state;
    const char *const argv[] = { "smsconsole", "--demo", NULL };
    tui *t = tui_start_ready(40, 160, argv, demo_env, DEMO_TITLE);
    tui_type(t, "\004");                        /* ^D delete: typed confirmation */
    tui_expect_text(t, "Confirm delete");
    tui_expect_text(t, "Type the server name");
    tui_type(t, "wrong\r");
    tui_expect_text(t, "does not match");
    select_paused_server(t);                    /* where the API allows start */
    tui_type(t, "S");
    tui_expect_text(t, "Confirm start");
    tui_type(t, "\r");                          /* Enter is "no" */
    tui_expect_text(t, "start cancelled: nothing was sent");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void readonly_refuses_every_mutating_action(void **state)
{
    (void)state;
    const char *const argv[] = { "smsconsole", "--demo", "--readonly", NULL };
    tui *t = tui_start_ready(40, 160, argv, demo_env, DEMO_TITLE);
    tui_expect_text(t, "READ-ONLY");
    assert_false(tui_find(t, "S:start", NULL, NULL));      /* hidden from the hints */
    tui_type(t, "S");
    tui_expect_text(t, "read-only mode: start refused, nothing was sent");
    tui_type(t, ":delete\r");
    tui_expect_text(t, "read-only mode: delete refused, nothing was sent");
    assert_false(tui_find(t, "Confirm", NULL, NULL));
    tui_type(t, "?");
    tui_expect_text(t, "[disabled: read-only]");
    tui_type(t, "\033");
    tui_type(t, "4");                           /* nothing reached the action worker */
    tui_expect_text(t, "4 Commands");
    tui_settle(t);
    assert_true(tui_find(t, "No actions yet", NULL, NULL));
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void viewer_sees_the_403_inline_with_all_fields(void **state)
{
    (void)state;
    const char *const argv[] = { "smsconsole", "--demo", NULL };
    tui *t = tui_start_ready(40, 160, argv, viewer_env, DEMO_TITLE);
    tui_expect_text(t, "viewer");
    select_paused_server(t);
    tui_type(t, "S");
    tui_expect_text(t, "Confirm start");
    tui_type(t, "y");
    tui_expect_text(t, "HTTP status: 403");
    tui_expect_text(t, "error_code: SMS.9004");
    tui_expect_text(t, "error_msg: ");
    tui_expect_text(t, "error_param[0]: ");
    tui_expect_text(t, "details[0]: SMS.9004");
    tui_expect_text(t, "request_id: ");
    tui_expect_text(t, "encoded_authorization_message: ");
    tui_expect_text(t, "1 action refused (start ");
    tui_type(t, "\033");                        /* Esc closes the panel ... */
    assert_true(tui_wait_gone(t, "HTTP status: 403", TUI_DEADLINE_MS));
    tui_type(t, "e");                           /* ... and e brings the last failure back */
    tui_expect_text(t, "HTTP status: 403");
    tui_expect_text(t, "encoded_authorization_message: ");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void dashboard_is_read_only_and_summarises(void **state)
{
    (void)state;
    const char *const argv[] = { "smsconsole", "--demo", "--dashboard", NULL };
    tui *t = tui_start_ready(40, 160, argv, demo_env, "24 servers,");
    tui_expect_text(t, "READ-ONLY");
    tui_expect_text(t, "By state");
    tui_expect_text(t, "By migration cycle");
    tui_expect_text(t, "Throughput");
    tui_type(t, "S");
    tui_expect_text(t, "read-only mode: start refused");
    assert_int_equal(tui_quit(t, "q"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shows_the_demo_fleet_as_admin),
        cmocka_unit_test(start_round_trip_shows_the_task_running),
        cmocka_unit_test(confirmation_defaults_to_no),
        cmocka_unit_test(readonly_refuses_every_mutating_action),
        cmocka_unit_test(viewer_sees_the_403_inline_with_all_fields),
        cmocka_unit_test(dashboard_is_read_only_and_summarises),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
