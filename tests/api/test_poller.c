/* test_poller.c - the poller against the in-process emulator: first snapshot and wake fd,
 * sanitised server text, stale data + backoff on failure and recovery, selection
 * (detail + task), and a quick stop while a request hangs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "api/agent.h"
#include "emulator/fleet.h"
#include "model/codec.h"
#include "poller_testutil.h"

static bool fd_readable(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    return poll(&pfd, 1, 0) == 1;
}

/* A snapshot from a fetch later than the one that made fleet `arg` (still referenced). */
static bool other_fleet(const sms_snapshot *s, const void *arg)
{
    return s->fleet && s->fleet != (const sms_fleet *)arg && !s->stale;
}

static void test_first_snapshot_arrives_and_wakes_the_fd(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(5, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    sms_call_error err = {0};
    sms_poller *p = sms_poller_start(&o, &err);
    assert_non_null(p);

    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    assert_int_equal(s->fleet->n_servers, 5);
    assert_int_equal(s->fleet->count, 5);
    assert_true(s->fleet_seq >= 1);
    assert_false(s->stale);
    assert_true(s->logged_in);
    assert_string_equal(s->user, "admin");
    assert_true(s->health[SMS_CALL_SERVERS].ok);
    assert_true(s->health[SMS_CALL_OVERVIEW].ok);
    assert_int_equal(s->health[SMS_CALL_SERVERS].failures, 0);
    assert_non_null(s->history);
    assert_true(s->fleet->fetched_ms > 0 && s->fleet->fetched_ms <= s->now_ms);
    for (size_t i = 0; i < s->fleet->n_servers; i++)
        assert_non_null(s->fleet->servers[i].id);

    /* nothing new (the next refresh is a minute away): the fd is drained, take is NULL */
    assert_false(fd_readable(sms_poller_wake_fd(p)));
    assert_null(sms_poller_take(p));

    /* refresh_now wakes the poller at once: a new fetch, whose data is the same (no
     * agents), so the fleet part is new (its age) but fleet_seq and the servers are not */
    uint64_t seq = s->seq, fleet_seq = s->fleet_seq;
    sms_poller_refresh_now(p);
    sms_snapshot *s2 = pt_wait(p, other_fleet, s->fleet, PT_WAIT_MS);
    assert_non_null(s2);
    assert_true(s2->seq > seq);
    assert_int_equal(s2->fleet_seq, fleet_seq);
    assert_true(s2->fleet->fetched_ms >= s->fleet->fetched_ms);
    assert_ptr_equal(s2->fleet->servers, s->fleet->servers);
    assert_ptr_equal(s2->history, s->history);      /* unchanged part shared */
    sms_snapshot_release(s);
    sms_snapshot_release(s2);
    sms_poller_stop(p);
    smsemu_stop(e);
}

static void test_wakes_coalesce_into_one_pending_byte(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(2, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.client.readonly = true;              /* submits then publish at once, in this thread */
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    char *id = strdup(s->fleet->servers[0].id);
    sms_snapshot_release(s);

    uint64_t ids[3];
    for (int i = 0; i < 3; i++) {
        sms_action_req req = { .kind = SMS_ACT_STOP, .server_ids = &id, .n_server_ids = 1 };
        ids[i] = sms_poller_submit(p, &req);
        assert_true(ids[i] > 0);
    }
    /* three publishes, one byte: the UI wakes once and finds the newest snapshot */
    char buf[16];
    assert_int_equal(read(sms_poller_wake_fd(p), buf, sizeof buf), 1);
    s = sms_poller_take(p);
    assert_non_null(s);
    for (int i = 0; i < 3; i++)
        assert_non_null(pt_entry(s, ids[i]));
    assert_null(sms_poller_take(p));
    sms_snapshot_release(s);
    free(id);
    sms_poller_stop(p);
    smsemu_stop(e);
}

static bool has_named(const sms_snapshot *s, const void *arg)
{
    for (size_t i = 0; s->fleet && i < s->fleet->n_servers; i++)
        if (s->fleet->servers[i].name && strstr(s->fleet->servers[i].name, (const char *)arg))
            return true;
    return false;
}

static void test_server_text_is_sanitised_in_the_snapshot(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(1, true);
    sms_server body;
    assert_int_equal(smsemu_fleet_body(99, 3, &body), 0);
    free(body.name);
    body.name = strdup("evil\x1b[2J\xe2\x80\xaehost");      /* ESC sequence + RLO */
    free(body.id);
    body.id = NULL;
    sms_client *c = pt_client(e, "admin");
    char *id = NULL;
    sms_call_error err = {0};
    assert_int_equal(sms_agent_register(c, &body, &id, &err), 0);
    sms_free(&SMS_T_REGISTER, &body);
    sms_client_free(c);

    sms_poller_opts o = pt_poller_opts(e, "admin");
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, has_named, "host", PT_WAIT_MS);
    assert_non_null(s);
    bool found = false;
    for (size_t i = 0; i < s->fleet->n_servers; i++) {
        const char *name = s->fleet->servers[i].name;
        if (name && strstr(name, "host")) {
            assert_string_equal(name, "evil?[2Jhost");
            found = true;
        }
    }
    assert_true(found);
    sms_snapshot_release(s);
    free(id);
    sms_poller_stop(p);
    smsemu_stop(e);
}

typedef struct failing_arg { unsigned failures; } failing_arg;

static bool stale_after_failures(const sms_snapshot *s, const void *arg)
{
    const failing_arg *a = arg;
    return s->stale && s->health[SMS_CALL_SERVERS].failures >= a->failures;
}

static bool fresh_again(const sms_snapshot *s, const void *arg)
{
    (void)arg;
    return !s->stale && s->health[SMS_CALL_SERVERS].ok && s->fleet;
}

static void test_failure_keeps_last_fleet_marks_stale_backs_off_and_recovers(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(3, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.refresh_ms = 100;
    o.max_backoff_ms = 400;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *good = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(good);

    const char *fault = "/v3/sources*=status:500";
    char err[256];
    assert_int_equal(smsemu_set_faults(e, &fault, 1, err, sizeof err), 0);
    failing_arg arg = { .failures = 4 };
    sms_snapshot *bad = pt_wait(p, stale_after_failures, &arg, PT_WAIT_MS);
    assert_non_null(bad);
    /* the last good data stays, with its age */
    assert_non_null(bad->fleet);
    assert_int_equal(bad->fleet->n_servers, 3);
    assert_true(bad->fleet->fetched_ms <= bad->health[SMS_CALL_SERVERS].last_try_ms);
    assert_true(bad->fleet->fetched_ms < bad->now_ms);
    const sms_health *h = &bad->health[SMS_CALL_SERVERS];
    assert_false(h->ok);
    assert_int_equal(h->error.kind, SMS_E_HTTP);
    assert_int_equal(h->error.http_status, 500);
    assert_true(h->last_ok_ms < h->last_try_ms);
    /* backoff while STALE: capped at two refresh intervals (100, 200, 200...), below
     * max_backoff, so that the API coming back shows at once */
    assert_true(bad->next_poll_ms - h->last_try_ms >= 200);
    assert_true(bad->next_poll_ms - h->last_try_ms < 400);

    smsemu_clear_faults(e);
    sms_snapshot *ok = pt_wait(p, fresh_again, NULL, PT_WAIT_MS);
    assert_non_null(ok);
    assert_int_equal(ok->health[SMS_CALL_SERVERS].failures, 0);
    assert_int_equal(ok->fleet_seq, bad->fleet_seq);    /* the same data, fetched anew */
    assert_true(ok->fleet->fetched_ms > bad->fleet->fetched_ms);
    sms_snapshot_release(good);
    sms_snapshot_release(bad);
    sms_snapshot_release(ok);
    sms_poller_stop(p);
    smsemu_stop(e);
}

/* While the list fails the agent-version lookups back off with it (here every 100 ms,
 * doubled per failure) and the poller thread sleeps until then. It once slept only until
 * the undoubled time, and then, that time past, spun on a wait that ended at once: a
 * core busy for as long as the API failed (found by bench/soak.sh). Counted, not timed:
 * the waits that began after their end. */
static void test_failing_api_does_not_spin_the_poller(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(3, true);
    const char *fault = "/v3/sources*=status:503";
    char err[256];
    assert_int_equal(smsemu_set_faults(e, &fault, 1, err, sizeof err), 0);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.refresh_ms = 300;
    o.max_backoff_ms = 60000;
    o.version_ms = 100;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    failing_arg arg = { .failures = 5 };   /* retries 600 ms apart: 2.4 s of failing */
    sms_snapshot *s = pt_wait(p, stale_after_failures, &arg, PT_WAIT_MS);
    assert_non_null(s);
    if (s->refresh.late_waits > 20)
        fail_msg("%llu waits began after their end in %u failed refreshes (a busy loop)",
                 (unsigned long long)s->refresh.late_waits, s->health[SMS_CALL_SERVERS].failures);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    smsemu_stop(e);
}

typedef struct detail_arg { const char *id; bool want_task; } detail_arg;

static bool detail_of(const sms_snapshot *s, const void *arg)
{
    const detail_arg *a = arg;
    return s->detail && strcmp(s->detail->server_id, a->id) == 0 &&
           s->detail->has_task == a->want_task;
}

static bool no_detail(const sms_snapshot *s, const void *arg)
{
    (void)arg;
    return s->detail == NULL;
}

static void test_selection_fetches_detail_and_task(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(3, true);
    size_t n;
    char **ids = pt_server_ids(e, &n);
    assert_int_equal(n, 3);
    char *task_id = pt_create_task(e, ids[1]);

    sms_poller_opts o = pt_poller_opts(e, "admin");
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    assert_null(s->detail);
    sms_snapshot_release(s);

    sms_poller_select(p, ids[1]);                  /* detail_ms is a minute: this fetches now */
    detail_arg with_task = { ids[1], true };
    s = pt_wait(p, detail_of, &with_task, PT_WAIT_MS);
    assert_non_null(s);
    assert_string_equal(s->detail->server.id, ids[1]);
    assert_true(s->detail->server.has_current_task);
    assert_string_equal(s->detail->task.id, task_id);
    assert_non_null(s->detail->task.state);
    assert_true(s->health[SMS_CALL_DETAIL].ok);
    assert_true(s->health[SMS_CALL_TASK].ok);
    sms_snapshot_release(s);

    sms_poller_select(p, ids[0]);                  /* no task configured on this one */
    detail_arg without_task = { ids[0], false };
    s = pt_wait(p, detail_of, &without_task, PT_WAIT_MS);
    assert_non_null(s);
    assert_false(s->detail->server.has_current_task);
    sms_snapshot_release(s);

    sms_poller_select(p, NULL);
    s = pt_wait(p, no_detail, NULL, PT_WAIT_MS);
    assert_non_null(s);
    sms_snapshot_release(s);
    free(task_id);
    pt_free_ids(ids, n);
    sms_poller_stop(p);
    smsemu_stop(e);
}

static void test_revoked_token_is_renewed_without_going_stale(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(2, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    smsemu_revoke_tokens(e);
    sms_poller_refresh_now(p);
    sms_snapshot *s2 = pt_wait(p, other_fleet, s->fleet, PT_WAIT_MS);
    assert_non_null(s2);
    assert_true(s2->logged_in);
    assert_int_equal(s2->health[SMS_CALL_SERVERS].failures, 0);
    sms_snapshot_release(s);
    sms_snapshot_release(s2);
    sms_poller_stop(p);
    smsemu_stop(e);
}

static bool login_failed(const sms_snapshot *s, const void *arg)
{
    (void)arg;
    return s->health[SMS_CALL_SERVERS].failures >= 1;
}

static void test_bad_credentials_show_as_not_logged_in(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(1, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.client.password = "wrong-password";
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, login_failed, NULL, PT_WAIT_MS);
    assert_non_null(s);
    assert_false(s->logged_in);
    assert_null(s->fleet);
    assert_true(s->stale);
    const sms_call_error *err = &s->health[SMS_CALL_SERVERS].error;
    assert_true(err->kind == SMS_E_AUTH || err->http_status == 401);
    assert_non_null(err->message);
    assert_null(strstr(err->message, "wrong-password"));    /* no secret in what is shown */
    sms_snapshot_release(s);
    sms_poller_stop(p);
    smsemu_stop(e);
}

static bool fresh_and_logged_in(const sms_snapshot *s, const void *arg)
{
    (void)arg;
    return s->fleet && !s->stale && s->logged_in;
}

static void test_login_lost_then_regained(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(1, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, fresh_and_logged_in, NULL, PT_WAIT_MS);
    assert_non_null(s);
    sms_snapshot_release(s);

    const char *fault = "/v3/auth/tokens*=status:401";    /* IAM refuses new logins */
    char err[256];
    assert_int_equal(smsemu_set_faults(e, &fault, 1, err, sizeof err), 0);
    smsemu_revoke_tokens(e);
    sms_poller_refresh_now(p);
    s = pt_wait(p, login_failed, NULL, PT_WAIT_MS);
    assert_non_null(s);
    assert_false(s->logged_in);
    assert_non_null(s->fleet);                               /* last good data kept */
    sms_snapshot_release(s);

    smsemu_clear_faults(e);
    sms_poller_refresh_now(p);              /* the next scheduled refresh is a minute away */
    s = pt_wait(p, fresh_and_logged_in, NULL, PT_WAIT_MS);
    assert_non_null(s);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    smsemu_stop(e);
}

static bool fleet_seq_at_least(const sms_snapshot *s, const void *arg)
{
    return s->fleet && s->fleet_seq >= *(const uint64_t *)arg;
}

/* A live fleet (agents reporting, wave driver acting) while the selection moves: every
 * snapshot is complete and consistent; ASan/TSan watch the threads. */
static void test_live_fleet_with_moving_selection(void **state)
{
    (void)state;
    smsemu_opts eo = { .servers = 12, .seed = 3, .speed = 20.0, .quiet = true };
    char errbuf[256];
    smsemu *e = smsemu_start(&eo, errbuf, sizeof errbuf);
    assert_non_null(e);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.refresh_ms = 100;
    o.detail_ms = 100;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    size_t n = s->fleet->n_servers;
    char **ids = calloc(n, sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = strdup(s->fleet->servers[i].id);
    uint64_t target = s->fleet_seq + 6;
    sms_snapshot_release(s);
    for (size_t i = 0; i < n; i++)
        sms_poller_select(p, ids[i]);
    s = pt_wait(p, fleet_seq_at_least, &target, PT_WAIT_MS);
    assert_non_null(s);
    assert_int_equal(s->fleet->n_servers, n);
    for (size_t i = 0; i < s->fleet->n_servers; i++) {
        assert_non_null(s->fleet->servers[i].id);
        assert_non_null(s->fleet->servers[i].state);
    }
    if (s->detail)                      /* only ever the selected server's detail */
        assert_string_equal(s->detail->server_id, ids[n - 1]);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    smsemu_stop(e);
}

static void test_stop_is_quick_while_a_request_hangs(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(2, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.refresh_ms = 50;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    sms_snapshot_release(s);

    const char *fault = "/v3/sources*=latency:6000";
    char err[256];
    assert_int_equal(smsemu_set_faults(e, &fault, 1, err, sizeof err), 0);
    /* let the next fleet fetch start and hang: wait until the emulator has seen it */
    int64_t deadline = pt_mono_ms() + PT_WAIT_MS;
    while (pt_fault_matches(e, fault) < 1 && pt_mono_ms() < deadline)
        poll(NULL, 0, 20);
    assert_true(pt_fault_matches(e, fault) >= 1);

    int64_t t0 = pt_mono_ms();
    sms_poller_stop(p);
    int64_t took = pt_mono_ms() - t0;
    printf("poller stop took %lld ms with a request hanging for 6000 ms\n", (long long)took);
    /* not a timing assert on our speed: without cancellation stop would wait out the
     * 6 s hang, so anything far below it proves the request was cancelled */
    assert_true(took < 3000);
    smsemu_clear_faults(e);
    smsemu_stop(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_snapshot_arrives_and_wakes_the_fd),
        cmocka_unit_test(test_wakes_coalesce_into_one_pending_byte),
        cmocka_unit_test(test_server_text_is_sanitised_in_the_snapshot),
        cmocka_unit_test(test_failure_keeps_last_fleet_marks_stale_backs_off_and_recovers),
        cmocka_unit_test(test_failing_api_does_not_spin_the_poller),
        cmocka_unit_test(test_selection_fetches_detail_and_task),
        cmocka_unit_test(test_revoked_token_is_renewed_without_going_stale),
        cmocka_unit_test(test_bad_credentials_show_as_not_logged_in),
        cmocka_unit_test(test_login_lost_then_regained),
        cmocka_unit_test(test_live_fleet_with_moving_selection),
        cmocka_unit_test(test_stop_is_quick_while_a_request_hangs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
