/* test_client_throttle.c - 429 and Retry-After against the emulator's --rate-limit: a read
 * waits out Retry-After and is retried once; a mutating call is sent once and never again
 * because of a 429; after a 429 the client spaces its requests at the rate the API
 * accepted, so it is not throttled again; the poller's snapshot says it is throttled. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "poller_testutil.h"
#include "model/codec.h"

#define PER_MIN 60                  /* a bucket of 60, one request back every second */

static smsemu *start_limited(long per_min)
{
    smsemu_opts o = { .servers = 3, .seed = 7, .no_agents = true, .quiet = true,
                      .rate_limit_per_min = per_min };
    char err[256] = "";
    smsemu *e = smsemu_start(&o, err, sizeof err);
    if (!e)
        fail_msg("smsemu_start: %s", err);
    return e;
}

static sms_client *retrying_client(const smsemu *e, const char *user)
{
    sms_client_opts o = pt_client_opts(e, user);
    o.max_read_retries = 3;
    sms_call_error err = {0};
    sms_client *c = sms_client_new(&o, &err);
    assert_non_null(c);
    return c;
}

/* Spends the client's budget; returns the first error's status (429 expected). */
static int spend_budget(sms_client *c)
{
    for (int i = 0; i < PER_MIN + 5; i++) {
        sms_response r;
        sms_call_error err = {0};
        int rc = sms_request(c, "GET", "/v3/sources/overview", NULL, false, NULL, NULL, &r, &err);
        int status = err.http_status;
        sms_call_error_free(&err);
        if (rc != 0)
            return status;
        sms_response_free(&r);
    }
    return 0;
}

static void test_read_waits_retry_after_then_succeeds(void **state)
{
    (void)state;
    smsemu *e = start_limited(PER_MIN);
    sms_client *spender = pt_client(e, "admin");        /* no retries: stops at the 429 */
    assert_int_equal(spend_budget(spender), 429);
    sms_client_free(spender);

    sms_client *c = retrying_client(e, "admin");        /* its own token: its own budget */
    assert_int_equal(spend_budget(c), 0);               /* retried through every 429 */
    long throttled = pt_emu_stat(e, "throttled");
    assert_true(throttled >= 2);
    assert_true(sms_client_throttled_until_ms(c) > 0);
    /* spaced out now: five more reads, none throttled again */
    for (int i = 0; i < 5; i++) {
        sms_overview ov;
        sms_call_error err = {0};
        assert_int_equal(sms_show_overview(c, &ov, &err), 0);
        assert_int_equal(err.attempts, 1);
    }
    assert_int_equal(pt_emu_stat(e, "throttled"), throttled);
    sms_client_free(c);
    smsemu_stop(e);
}

/* The gateway's 429 (an injected one, so the call meets it rather than waiting out an
 * earlier Retry-After): sent once, refused, not applied. */
static void test_mutating_call_is_never_retried_on_429(void **state)
{
    (void)state;
    smsemu *e = start_limited(0);
    size_t n;
    char **ids = pt_server_ids(e, &n);
    char *task = pt_create_task(e, ids[0]);
    const char *spec = "/v3/tasks/*/action=status:429";
    char errbuf[256];
    assert_int_equal(smsemu_set_faults(e, &spec, 1, errbuf, sizeof errbuf), 0);
    sms_client *c = retrying_client(e, "admin");        /* reads would be retried */
    sms_call_error err = {0};
    assert_int_not_equal(sms_task_do_action(c, task, "start", &err), 0);
    assert_int_equal(err.http_status, 429);
    assert_int_equal(err.attempts, 1);
    assert_int_equal(pt_fault_matches(e, spec), 1);
    assert_true(sms_client_throttled_until_ms(c) > 0);
    assert_string_equal(err.api.error_code, "APIG.0308");
    assert_false(err.outcome_unknown);                  /* refused before the service */
    sms_call_error_free(&err);
    sms_client_free(c);
    smsemu_clear_faults(e);
    sms_client *v = pt_client(e, "viewer");
    sms_task t = {0};
    assert_int_equal(sms_show_task(v, task, &t, &err), 0);
    assert_string_equal(t.state, "READY");              /* the start was not applied */
    sms_free(&SMS_T_TASK, &t);
    sms_client_free(v);
    free(task);
    pt_free_ids(ids, n);
    smsemu_stop(e);
}

static bool throttled_snapshot(const sms_snapshot *s, const void *arg)
{
    (void)arg;
    return s->throttled_until_ms > s->now_ms;
}

static void test_poller_snapshot_says_throttled(void **state)
{
    (void)state;
    smsemu *e = start_limited(4);
    sms_poller_opts o = pt_poller_opts(e, "viewer");
    o.refresh_ms = 50;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, throttled_snapshot, NULL, PT_WAIT_MS);
    assert_non_null(s);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    smsemu_stop(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_waits_retry_after_then_succeeds),
        cmocka_unit_test(test_mutating_call_is_never_retried_on_429),
        cmocka_unit_test(test_poller_snapshot_says_throttled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
