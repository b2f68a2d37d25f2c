/* test_tui_bad_record.c - a server list in which some records cannot be read (no id, an
 * id that is a number, a name that is not UTF-8), as a faulty API could send it: every
 * record has its row, the unreadable ones say what is wrong, the title counts them, and
 * the operator can neither mark one nor send an action for one without an id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "canned_http.h"
#include "harness.h"
#include "tui_expect.h"

static const char body[] =
    "{\"count\":5,\"source_servers\":["
    "{\"id\":\"s1\",\"name\":\"web-01\",\"state\":\"waiting\",\"connected\":true},"
    "{\"name\":\"ghost\\u001b[2J\",\"state\":\"waiting\"},"
    "{\"id\":5,\"name\":\"five\",\"state\":\"waiting\"},"
    "{\"id\":\"s4\",\"name\":\"bad\xff\",\"state\":\"waiting\"},"
    "{\"id\":\"s5\",\"name\":\"db-05\",\"state\":\"waiting\",\"connected\":true}]}";

static void unreadable_records_have_rows_and_take_no_action(void **state)
{
    (void)state;
    char *answer = canned_http_answer(body);
    assert_non_null(answer);
    canned_http srv;
    assert_int_equal(canned_http_start(&srv, answer), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);
    const char *const argv[] = { "smsconsole", "--endpoint", url, "--iam-endpoint", url, "--user", "admin",
                                 "--domain", "demo", "--project", "ap-southeast-3", NULL };
    const char *const env[] = { "SMS_PASSWORD=admin-pass", NULL };
    tui *t = tui_start_ready(30, 160, argv, env, "Servers 5/5");
    tui_expect_text(t, "unreadable: 3");
    tui_expect_text(t, "web-01");
    tui_expect_text(t, "db-05");
    tui_expect_text(t, "[unreadable record] id: missing (name: ");   /* the column cuts the rest */
    tui_expect_text(t, "[unreadable record] id: expected string");
    tui_expect_text(t, "[unreadable record] name: invalid UTF-8");

    tui_type(t, "/id: missing\r");                     /* the record without id, alone */
    tui_expect_text(t, "Servers 1/5");
    tui_type(t, " ");
    tui_expect_text(t, "cannot be marked");
    tui_type(t, "T");
    tui_expect_text(t, "stop refused");
    tui_expect_text(t, "nothing was sent");
    assert_false(tui_find(t, "Stop (pause) the migration of", NULL, NULL));   /* no confirmation */
    assert_int_equal(tui_quit(t, "q"), 0);
    canned_http_stop(&srv);
    free(answer);
}

int main(void)
{
    tui_filter_tests_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unreadable_records_have_rows_and_take_no_action),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
