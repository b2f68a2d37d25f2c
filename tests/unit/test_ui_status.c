/* test_ui_status.c - the status line's age text (status.c): "live" only while the data
 * is fresh, not paused and not stale; a failed refresh says STALE with the data's age
 * at once, whatever its age, because an operator must never read stale data as live. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include "ui/app.h"

#define NOW 1700000000000LL

static sms_app app;
static sms_ui_opts opts;
static sms_snapshot snap;
static sms_fleet fleet;

static int setup(void **state)
{
    (void)state;
    memset(&app, 0, sizeof app);
    memset(&opts, 0, sizeof opts);
    memset(&snap, 0, sizeof snap);
    memset(&fleet, 0, sizeof fleet);
    opts.refresh_ms = 1000;                 /* live for 2 intervals + 3 s of slack: 5 s */
    app.o = &opts;
    app.snap = &snap;
    app.now_ms = NOW;
    snap.fleet = &fleet;
    return 0;
}

static const char *age_text(int64_t age_ms)
{
    static char buf[128];
    fleet.fetched_ms = NOW - age_ms;
    sms_status_age(&app, buf, sizeof buf);
    return buf;
}

/* The age text starts with want, then says when the data was last good. */
#define assert_age(age_ms, want) do { \
        const char *got_ = age_text(age_ms); \
        if (strncmp(got_, want " (ok at ", strlen(want " (ok at ")) != 0) \
            fail_msg("\"%s\" does not start with \"%s (ok at \"", got_, want); \
    } while (0)

static void fresh_data_is_live(void **state)
{
    (void)state;
    assert_string_equal(age_text(0), "live");
    assert_string_equal(age_text(5000), "live");
    assert_age(5001, "data 5s old");
    assert_age(125000, "data 2m old");
    assert_age(2 * 3600000LL + 5, "data 2h old");
}

/* The poller's last fetch failed: even one-second-old data is not live. */
static void stale_data_is_never_live(void **state)
{
    (void)state;
    snap.stale = true;
    assert_age(0, "STALE 0s old");
    assert_age(1000, "STALE 1s old");
    assert_age(90000, "STALE 1m old");
    assert_non_null(strstr(age_text(1000), ", retrying)"));   /* the poller is at it */
    snap.next_poll_ms = NOW + 1500;                             /* the next try, rounded up */
    assert_non_null(strstr(age_text(1000), ", retry in 2s)"));
    /* and the next repaint comes when the seconds change, not at the end of "live" */
    fleet.fetched_ms = NOW - 1500;
    assert_int_equal(sms_status_next_tick(&app), fleet.fetched_ms + 2000);
}

static void paused_data_is_not_live(void **state)
{
    (void)state;
    app.paused = true;
    assert_age(1000, "data 1s old");
}

static void no_data_yet(void **state)
{
    (void)state;
    snap.fleet = NULL;
    char buf[64];
    sms_status_age(&app, buf, sizeof buf);
    assert_string_equal(buf, "no data yet");
    app.snap = NULL;
    sms_status_age(&app, buf, sizeof buf);
    assert_string_equal(buf, "connecting");
    assert_int_equal(sms_status_next_tick(&app), 0);
}

/* While live, nothing changes until the data leaves the live window. */
static void live_data_repaints_once_it_gets_old(void **state)
{
    (void)state;
    fleet.fetched_ms = NOW - 1000;
    assert_int_equal(sms_status_next_tick(&app), fleet.fetched_ms + 5000 + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(fresh_data_is_live, setup),
        cmocka_unit_test_setup(stale_data_is_never_live, setup),
        cmocka_unit_test_setup(paused_data_is_not_live, setup),
        cmocka_unit_test_setup(no_data_yet, setup),
        cmocka_unit_test_setup(live_data_repaints_once_it_gets_old, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
