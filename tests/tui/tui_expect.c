/* tui_expect.c - see tui_expect.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include "tui_expect.h"

void tui_expect_text(tui *t, const char *text)
{
    if (!tui_wait_text(t, text, TUI_DEADLINE_MS)) {
        tui_dump(t, text);
        fail_msg("not on screen: %s", text);
    }
}

tui *tui_start_ready(int rows, int cols, const char *const argv[], const char *const env[], const char *ready)
{
    tui *t = tui_start(rows, cols, argv, env);
    assert_non_null(t);
    tui_expect_text(t, ready);
    return t;
}

void tui_filter_tests_from_env(void)
{
    const char *name = getenv("CMOCKA_FILTER");
    if (name)
        cmocka_set_test_filter(name);
}
