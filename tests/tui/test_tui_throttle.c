/* test_tui_throttle.c - the API answers 429 (the gateway's APIG.0308 with Retry-After):
 * the status line says "throttled" and the fleet stays on screen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "emu_helper.h"
#include "harness.h"
#include "tui_expect.h"

static void status_line_says_throttled(void **state)
{
    (void)state;
    emu_fixture fx;
    assert_int_equal(emu_fixture_start(&fx, 5, NULL), 0);
    tui *t = tui_start_ready(24, 120, fx.argv, fx.env, "Servers 5/5");
    const char *spec = "/v3/sources/overview=status:429";
    char err[256];
    assert_int_equal(smsemu_set_faults(fx.emu, &spec, 1, err, sizeof err), 0);
    tui_expect_text(t, "throttled");
    tui_expect_text(t, "Servers 5/5");          /* the last good data stays */
    assert_int_equal(tui_quit(t, "q"), 0);
    emu_fixture_stop(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_line_says_throttled),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
