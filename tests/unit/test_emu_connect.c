/* test_emu_connect.c - the emulator's connectivity window (store.c): 60 s of emulated
 * time scaled by speed (at least 2 s), stretched to three poll periods of the fleet when
 * its request budget makes the agents poll less often than that. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "emulator/emu.h"

static void test_window_without_a_fleet(void **state)
{
    (void)state;
    assert_int_equal(emu_connect_window_ms(1.0, 0), 60000);
    assert_int_equal(emu_connect_window_ms(10.0, 0), 60000 / 10);
    assert_int_equal(emu_connect_window_ms(100.0, 0), 2000);      /* floor */
    assert_int_equal(emu_connect_window_ms(0.0, 0), 60000);       /* speed unset */
}

/* 10,000 agents at speed 10 poll every 37.5 s: 60 s / 10 would call them all gone. */
static void test_window_covers_three_poll_periods(void **state)
{
    (void)state;
    int64_t period = 10000LL * 3 * 1000 / (2 * 400);
    assert_true(emu_connect_window_ms(10.0, period) >= 3 * period);
    assert_true(emu_connect_window_ms(100.0, 700) >= 3 * 700);
    /* a small fleet polls often: the 60 s rule stands */
    assert_int_equal(emu_connect_window_ms(10.0, 500), 60000 / 10);
}

static void test_connected_within_the_window(void **state)
{
    (void)state;
    emu_server sv;
    memset(&sv, 0, sizeof sv);
    sv.last_seen_ms = 1000000;
    int64_t window = emu_connect_window_ms(10.0, 37500);
    assert_true(emu_server_connected(&sv, sv.last_seen_ms, window));
    assert_true(emu_server_connected(&sv, sv.last_seen_ms + window - 1, window));
    assert_false(emu_server_connected(&sv, sv.last_seen_ms + window, window));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_without_a_fleet),
        cmocka_unit_test(test_window_covers_three_poll_periods),
        cmocka_unit_test(test_connected_within_the_window),
    };
    return cmocka_run_group_tests_name("emu connectivity window", tests, NULL, NULL);
}
