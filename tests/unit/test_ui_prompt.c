/* test_ui_prompt.c - the `:` line: completion derived from the action table, columns,
 * themes and contexts (read-only mode hides mutating commands), editing, history, and
 * the live `/` filter that Esc clears. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ui/app.h"

static sms_app app;
static sms_ui_opts opts;

static int setup(void **state)
{
    (void)state;
    memset(&app, 0, sizeof app);
    memset(&opts, 0, sizeof opts);
    app.o = &opts;
    return 0;
}

static bool has(char out[][64], size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(out[i], want) == 0)
            return true;
    return false;
}

static void empty_line_offers_every_action(void **state)
{
    (void)state;
    char out[64][64];
    size_t n = sms_prompt_complete(&app, "", out, 64);
    assert_int_equal(n, SMS_A__COUNT);
    for (int i = 0; i < SMS_A__COUNT; i++)
        assert_true(has(out, n, sms_actions[i].name));
}

static void prefix_narrows_the_commands(void **state)
{
    (void)state;
    char out[16][64];
    size_t n = sms_prompt_complete(&app, "st", out, 16);
    assert_int_equal(n, 2);
    assert_true(has(out, n, "start"));
    assert_true(has(out, n, "stop"));
    n = sms_prompt_complete(&app, "  upl", out, 16);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "upload-log");
    assert_int_equal(sms_prompt_complete(&app, "xyz", out, 16), 0);
}

static void issue_commands_are_all_reachable(void **state)
{
    (void)state;
    static const char *const required[] = { "start", "stop", "restart", "launch", "clone-test", "migration-test",
                                            "network-check", "skip", "clear", "delete-task", "delete", "upload-log",
                                            "speed-limit", "export", "filter", "sort", "theme", "context",
                                            "help", "quit" };
    char out[4][64];
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        size_t n = sms_prompt_complete(&app, required[i], out, 4);
        assert_true(n >= 1);
        assert_true(has(out, n, required[i]));
    }
}

static void readonly_hides_mutating_commands(void **state)
{
    (void)state;
    char out[64][64];
    app.readonly = true;
    assert_int_equal(sms_prompt_complete(&app, "del", out, 64), 0);
    size_t n = sms_prompt_complete(&app, "s", out, 64);
    assert_false(has(out, n, "start"));
    assert_false(has(out, n, "stop"));
    assert_false(has(out, n, "skip"));
    assert_false(has(out, n, "speed-limit"));
    assert_true(has(out, n, "sort"));
    assert_true(has(out, n, "servers"));
    app.readonly = false;
    assert_int_equal(sms_prompt_complete(&app, "del", out, 64), 2);     /* delete, delete-task */
}

static void sort_completes_column_names(void **state)
{
    (void)state;
    char out[16][64];
    size_t n = sms_prompt_complete(&app, "sort pr", out, 16);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "sort progress");
    n = sms_prompt_complete(&app, "sort ", out, 16);
    assert_int_equal(n, SMS_COL__COUNT);
    assert_int_equal(sms_prompt_complete(&app, "sort name extra", out, 16), 0);
    /* the Agents pane sorts by its own columns */
    app.view = SMS_VIEW_AGENTS;
    n = sms_prompt_complete(&app, "sort he", out, 16);
    app.view = SMS_VIEW_SERVERS;
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "sort heartbeat");
}

static void theme_completes_files_on_the_path(void **state)
{
    (void)state;
    char dir[] = "/tmp/smsui-themes-XXXXXX", path[128], out[32][64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/zz-solarized.theme", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("roles = { };\n", f);
    fclose(f);
    setenv("SMS_THEME_PATH", dir, 1);
    size_t n = sms_prompt_complete(&app, "theme zz", out, 32);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "theme zz-solarized");
    n = sms_prompt_complete(&app, "theme ", out, 32);
    assert_true(has(out, n, "theme default"));
    assert_true(has(out, n, "theme zz-solarized"));
    unsetenv("SMS_THEME_PATH");
    unlink(path);
    rmdir(dir);
}

static void context_completes_configured_contexts(void **state)
{
    (void)state;
    sms_context_cfg ctxs[2] = { { .name = "prod" }, { .name = "preprod" } };
    sms_config cfg = { .contexts = ctxs, .n_contexts = 2 };
    char out[8][64];
    opts.config = &cfg;
    size_t n = sms_prompt_complete(&app, "context pr", out, 8);
    assert_int_equal(n, 2);
    assert_true(has(out, n, "context prod"));
    assert_true(has(out, n, "context preprod"));
    n = sms_prompt_complete(&app, "context pre", out, 8);
    assert_int_equal(n, 1);
    opts.config = NULL;
    assert_int_equal(sms_prompt_complete(&app, "context p", out, 8), 0);
}

static void type_keys(const char *keys)
{
    for (const char *k = keys; *k; k++)
        assert_true(sms_prompt_key(&app, (unsigned char)*k));
}

static void command_line_runs_and_remembers(void **state)
{
    (void)state;
    sms_fleet_table_init(&app.table);
    sms_prompt_open(&app, SMS_PROMPT_COMMAND, NULL);
    type_keys("sort ip\r");
    assert_int_equal(app.prompt.kind, SMS_PROMPT_NONE);
    assert_int_equal(app.table.sort_col, SMS_COL_IP);
    sms_prompt_open(&app, SMS_PROMPT_COMMAND, NULL);
    type_keys("sort agent\r");
    assert_int_equal(app.table.sort_col, SMS_COL_AGENT);
    sms_prompt_open(&app, SMS_PROMPT_COMMAND, NULL);
    assert_true(sms_prompt_key(&app, KEY_UP));
    assert_string_equal(app.prompt.buf, "sort agent");
    assert_true(sms_prompt_key(&app, KEY_UP));
    assert_string_equal(app.prompt.buf, "sort ip");
    assert_true(sms_prompt_key(&app, KEY_DOWN));
    assert_string_equal(app.prompt.buf, "sort agent");
    assert_true(sms_prompt_key(&app, KEY_DOWN));
    assert_string_equal(app.prompt.buf, "");
    type_keys("sort cy\t");                   /* one candidate: completed with a space */
    assert_string_equal(app.prompt.buf, "sort cycle ");
    type_keys("\r");
    assert_int_equal(app.table.sort_col, SMS_COL_CYCLE);
    sms_prompt_open(&app, SMS_PROMPT_COMMAND, NULL);
    type_keys("so\t");                        /* several: the common prefix */
    assert_string_equal(app.prompt.buf, "sort");
    assert_true(sms_prompt_key(&app, 27));     /* Esc cancels, nothing runs */
    assert_int_equal(app.prompt.kind, SMS_PROMPT_NONE);
    assert_int_equal(app.table.sort_col, SMS_COL_CYCLE);
    sms_prompt_open(&app, SMS_PROMPT_COMMAND, NULL);
    type_keys("nonsense\r");
    assert_true(app.message_error);
    assert_non_null(strstr(app.message, "unknown command"));
    sms_prompt_free(&app.prompt);
    sms_fleet_table_free(&app.table);
}

static void filter_applies_while_typed_and_escape_clears(void **state)
{
    (void)state;
    sms_fleet_table_init(&app.table);
    snprintf(app.table.filter, sizeof app.table.filter, "old");
    sms_prompt_open(&app, SMS_PROMPT_FILTER, app.table.filter);
    assert_true(sms_prompt_key(&app, KEY_BACKSPACE));
    assert_string_equal(app.table.filter, "ol");
    type_keys("d-web");
    assert_string_equal(app.table.filter, "old-web");
    assert_true(sms_prompt_key(&app, 27));     /* Esc clears the filter (k9s, less) */
    assert_string_equal(app.table.filter, "");
    sms_prompt_open(&app, SMS_PROMPT_FILTER, "");
    type_keys("db\r");
    assert_string_equal(app.table.filter, "db");
    assert_false(sms_prompt_key(&app, 'x'));   /* closed: keys are not the prompt's */
    sms_fleet_table_free(&app.table);
}

#define SPEED_OK(arg) assert_null(sms_speed_arg_problem(arg))
#define BAD(arg, why) do { const char *p_ = sms_speed_arg_problem(arg); \
        assert_non_null(p_); assert_non_null(strstr(p_, why)); } while (0)

static void speed_limit_argument_is_checked_before_asking(void **state)
{
    (void)state;
    SPEED_OK("100");
    SPEED_OK("1000 01:00-05:30");
    SPEED_OK("200 08:00-18:00 80%");                          /* threshold 10-100, only when given */
    SPEED_OK("200 80");
    BAD(NULL, "expected");
    BAD("", "expected");
    BAD("fast", "expected");
    BAD("1001", "expected");
    BAD("-1", "expected");
    BAD("0", "speed 0");                                /* would stall the migration */
    BAD("10 25:00-01:00", "HH:MM");
    BAD("10 01:00", "HH:MM");
    BAD("10 01:00-02:60", "HH:MM");
    BAD("10 08:00-08:00", "empty");
    BAD("10 08:00-18:00 5", "threshold");
    BAD("10 08:00-18:00 101%", "threshold");
    BAD("10 08:00-18:00 lots", "threshold");
}
#undef SPEED_OK
#undef BAD

/* The one movement rule of every list and scrolled pane: stays within 0..last. */
static void movement_stays_within_the_list(void **state)
{
    (void)state;
    static const struct { sms_action_id act; size_t from, want; } moves[] = {   /* last 9, page 5 */
        { SMS_A_DOWN, 3, 4 },      { SMS_A_DOWN, 9, 9 },    { SMS_A_UP, 0, 0 },
        { SMS_A_PAGE_DOWN, 7, 9 }, { SMS_A_PAGE_UP, 7, 2 }, { SMS_A_PAGE_UP, 3, 0 },
        { SMS_A_BOTTOM, 3, 9 },    { SMS_A_TOP, 3, 0 },
    };
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
        size_t to = 99;
        assert_true(sms_move_target(moves[i].act, moves[i].from, 9, 5, &to));
        assert_int_equal(to, moves[i].want);
    }
    size_t to = 42;
    assert_false(sms_move_target(SMS_A_ENTER, 3, 9, 5, &to));     /* not a movement: untouched */
    assert_int_equal(to, 42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(empty_line_offers_every_action, setup),
        cmocka_unit_test_setup(prefix_narrows_the_commands, setup),
        cmocka_unit_test_setup(issue_commands_are_all_reachable, setup),
        cmocka_unit_test_setup(readonly_hides_mutating_commands, setup),
        cmocka_unit_test_setup(sort_completes_column_names, setup),
        cmocka_unit_test_setup(theme_completes_files_on_the_path, setup),
        cmocka_unit_test_setup(context_completes_configured_contexts, setup),
        cmocka_unit_test_setup(command_line_runs_and_remembers, setup),
        cmocka_unit_test_setup(filter_applies_while_typed_and_escape_clears, setup),
        cmocka_unit_test_setup(speed_limit_argument_is_checked_before_asking, setup),
        cmocka_unit_test(movement_stays_within_the_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
