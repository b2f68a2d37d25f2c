/* test_poller_fleet.c - the fleet refresh against the in-process emulator: a fetch that
 * finds the same list publishes no new fleet (fleet_seq and the servers stay, only the
 * fetch time moves), a changed server shows in the next fleet, and only the pages that
 * changed are decoded again (the others are shared); the selected server's detail is
 * published only when it changed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "poller_testutil.h"

#define N_SERVERS 450               /* three pages of 200, 200 and 50 */

/* A snapshot from a fetch later than the one that made fleet `arg` (still referenced). */
static bool other_fleet(const sms_snapshot *s, const void *arg)
{
    return s->fleet && s->fleet != (const sms_fleet *)arg && !s->stale;
}

static long index_of(const sms_fleet *f, const char *id)
{
    for (size_t i = 0; i < f->n_servers; i++)
        if (f->servers[i].id && strcmp(f->servers[i].id, id) == 0)
            return (long)i;
    return -1;
}

static bool has_name(const sms_snapshot *s, const void *arg)
{
    for (size_t i = 0; s->fleet && i < s->fleet->n_servers; i++)
        if (s->fleet->servers[i].name && strcmp(s->fleet->servers[i].name, arg) == 0)
            return true;
    return false;
}

static void rename_server(const smsemu *e, const char *id, const char *name)
{
    sms_client *c = pt_client(e, "admin");
    char path[128], body[128];
    snprintf(path, sizeof path, "/v3/sources/%s", id);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    sms_response r;
    sms_call_error err = {0};
    assert_int_equal(sms_request(c, "PUT", path, body, true, NULL, NULL, &r, &err), 0);
    sms_response_free(&r);
    sms_client_free(c);
}

static void test_unchanged_fleet_keeps_its_seq_and_servers(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(N_SERVERS, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.refresh_ms = 100;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s1 = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s1);
    assert_int_equal(s1->fleet->n_servers, N_SERVERS);

    sms_snapshot *s2 = pt_wait(p, other_fleet, s1->fleet, PT_WAIT_MS);
    assert_non_null(s2);
    assert_int_equal(s2->fleet_seq, s1->fleet_seq);
    assert_ptr_equal(s2->fleet->servers, s1->fleet->servers);   /* nothing decoded again */
    assert_int_equal(s2->fleet->n_servers, N_SERVERS);
    assert_int_equal(s2->fleet->count, N_SERVERS);
    assert_true(s2->fleet->fetched_ms >= s1->fleet->fetched_ms);
    assert_int_equal(memcmp(&s2->fleet->overview, &s1->fleet->overview,
                            sizeof s1->fleet->overview), 0);
    assert_true(s2->health[SMS_CALL_SERVERS].last_ok_ms >= s1->health[SMS_CALL_SERVERS].last_ok_ms);
    sms_snapshot_release(s2);
    sms_snapshot_release(s1);
    sms_poller_stop(p);
    smsemu_stop(e);
}

static void test_changed_server_shows_and_other_pages_are_shared(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(N_SERVERS, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.refresh_ms = 100;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s1 = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s1);
    assert_int_equal(s1->fleet->n_servers, N_SERVERS);
    const sms_server *v1 = s1->fleet->servers;

    rename_server(e, v1[300].id, "renamed-300");                /* on the second page */
    sms_snapshot *s2 = pt_wait(p, has_name, "renamed-300", PT_WAIT_MS);
    assert_non_null(s2);
    assert_true(s2->fleet_seq > s1->fleet_seq);
    const sms_server *v2 = s2->fleet->servers;
    assert_int_equal(s2->fleet->n_servers, N_SERVERS);
    long at = index_of(s2->fleet, v1[300].id);
    assert_int_equal(at, 300);
    assert_string_equal(v2[300].name, "renamed-300");
    assert_string_not_equal(v1[300].name, "renamed-300");       /* s1 is immutable */
    /* first and third pages: the very same decoded items; the second: decoded anew */
    assert_string_equal(v2[0].id, v1[0].id);
    assert_ptr_equal(v2[0].name, v1[0].name);
    assert_ptr_equal(v2[199].name, v1[199].name);
    assert_string_equal(v2[449].id, v1[449].id);
    assert_ptr_equal(v2[449].name, v1[449].name);
    assert_string_equal(v2[200].id, v1[200].id);
    assert_ptr_not_equal(v2[200].name, v1[200].name);
    assert_string_equal(v2[200].name, v1[200].name);
    sms_snapshot_release(s2);
    sms_snapshot_release(s1);
    sms_poller_stop(p);
    smsemu_stop(e);
}

static bool detail_named(const sms_snapshot *s, const void *arg)
{
    return s->detail && s->detail->server.name && strcmp(s->detail->server.name, arg) == 0;
}

/* The selected server is fetched every detail interval; a fetch that finds the same data
 * publishes nothing (the UI would only redraw), a change is published. */
static void test_unchanged_detail_is_not_published_again(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(3, true);
    sms_poller_opts o = pt_poller_opts(e, "admin");        /* fleet refresh: a minute away */
    o.detail_ms = 50;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    char *id = strdup(s->fleet->servers[0].id), *name = strdup(s->fleet->servers[0].name);
    sms_snapshot_release(s);

    /* a no-op fault rule on the detail path counts its fetches */
    char fault[128], err[256];
    snprintf(fault, sizeof fault, "/v3/sources/%s=latency:1", id);
    const char *spec = fault;
    assert_int_equal(smsemu_set_faults(e, &spec, 1, err, sizeof err), 0);
    sms_poller_select(p, id);
    s = pt_wait(p, detail_named, name, PT_WAIT_MS);
    assert_non_null(s);
    long seen = pt_fault_matches(e, fault);
    int64_t deadline = pt_mono_ms() + PT_WAIT_MS;
    while (pt_fault_matches(e, fault) < seen + 3 && pt_mono_ms() < deadline)
        poll(NULL, 0, 20);
    assert_true(pt_fault_matches(e, fault) >= seen + 3);      /* fetched again and again */
    sms_snapshot *again = sms_poller_take(p);
    if (again)                                  /* the last publish before we took s */
        assert_ptr_equal(again->detail, s->detail);
    sms_snapshot_release(again);

    rename_server(e, id, "renamed-detail");
    sms_snapshot *changed = pt_wait(p, detail_named, "renamed-detail", PT_WAIT_MS);
    assert_non_null(changed);
    assert_true(changed->seq > s->seq);
    sms_snapshot_release(changed);
    sms_snapshot_release(s);
    free(id);
    free(name);
    sms_poller_stop(p);
    smsemu_clear_faults(e);
    smsemu_stop(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unchanged_fleet_keeps_its_seq_and_servers),
        cmocka_unit_test(test_changed_server_shows_and_other_pages_are_shared),
        cmocka_unit_test(test_unchanged_detail_is_not_published_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
