/* test_poller_versions.c - agent versions for the Agents pane: the list lacks
 * agent_version, so the poller reads each server's detail once, slowly, in its idle
 * time (docs/agents.md). The versions published are ShowServer's; once all are known no
 * more detail requests are made; a negative version_ms turns it off. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "model/codec.h"
#include "poller_testutil.h"

#define N 8

static bool all_versions(const sms_snapshot *s, const void *arg)
{
    (void)arg;
    return s->fleet && s->versions && s->versions->n_entries == s->fleet->n_servers;
}

static void test_versions_come_from_show_server(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(N, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.version_ms = 20;
    sms_call_error err = { 0 };
    sms_poller *p = sms_poller_start(&o, &err);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, all_versions, NULL, PT_WAIT_MS);
    assert_non_null(s);
    for (size_t i = 0; i < s->fleet->n_servers; i++)
        assert_null(s->fleet->servers[i].agent_version);      /* the list has none */

    sms_client *c = pt_client(e, "admin");
    for (size_t i = 0; i < s->fleet->n_servers; i++) {
        sms_server detail = { 0 };
        assert_int_equal(sms_show_server(c, s->fleet->servers[i].id, &detail, &err), 0);
        assert_non_null(detail.agent_version);
        assert_string_equal(sms_agent_versions_find(s->versions, s->fleet->servers[i].id), detail.agent_version);
        sms_free(&SMS_T_SERVER, &detail);
    }
    assert_null(sms_agent_versions_find(s->versions, "no-such-id"));
    sms_client_free(c);

    /* every version known: the crawl stops, whatever version_ms says */
    long shows = pt_emu_stat(e, "show_requests");
    usleep(500 * 1000);                                /* 25 version periods */
    assert_int_equal(pt_emu_stat(e, "show_requests"), shows);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    smsemu_stop(e);
}

/* One ShowServer per version_ms at most: no flood at start. */
static void test_versions_are_paced(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(N, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.version_ms = 400;
    sms_call_error err = { 0 };
    long before = pt_emu_stat(e, "show_requests");
    int64_t t0 = pt_mono_ms();
    sms_poller *p = sms_poller_start(&o, &err);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    sms_snapshot_release(s);
    usleep(1000 * 1000);
    long shows = pt_emu_stat(e, "show_requests") - before;
    int64_t elapsed = pt_mono_ms() - t0;
    sms_poller_stop(p);
    /* at most one per 400 ms since the start (and one more for the boundary) */
    if (shows > elapsed / 400 + 1)
        fail_msg("%ld detail requests in %lld ms", shows, (long long)elapsed);
    assert_true(shows >= 1);
    smsemu_stop(e);
}

static bool has_fleet_twice(const sms_snapshot *s, const void *arg)
{
    (void)arg;
    return s->fleet && s->fleet_seq >= 1 && s->seq >= 3;
}

static void test_negative_version_ms_turns_it_off(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(N, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.version_ms = -1;
    o.refresh_ms = 100;
    sms_call_error err = { 0 };
    long before = pt_emu_stat(e, "show_requests");
    sms_poller *p = sms_poller_start(&o, &err);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, has_fleet_twice, NULL, PT_WAIT_MS);
    assert_non_null(s);
    usleep(300 * 1000);
    assert_null(s->versions);
    assert_int_equal(pt_emu_stat(e, "show_requests"), before);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    smsemu_stop(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions_come_from_show_server),
        cmocka_unit_test(test_versions_are_paced),
        cmocka_unit_test(test_negative_version_ms_turns_it_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
