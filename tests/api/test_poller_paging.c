/* test_poller_paging.c - paging against the emulator, for the client's lists
 * (sms_list_servers) and the poller's full listing: a last partial page, a server that
 * repeats its first page while claiming count=500 (bounded, no duplicate rows), and a
 * fleet that shifts between two pages (detected by the changed count, listed again, so
 * no server is skipped). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "poller_testutil.h"
#include "model/codec.h"

static bool has_n_servers(const sms_snapshot *s, const void *arg)
{
    return s->fleet && s->fleet->n_servers == *(const size_t *)arg;
}

static size_t distinct_ids(const sms_server *v, size_t n)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(v[k].id, v[i].id) == 0;
        distinct += !seen;
    }
    return distinct;
}

static void test_last_partial_page(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(1201, true);
    sms_client *c = pt_client(e, "viewer");
    long before = pt_emu_stat(e, "list_requests");
    sms_server_list list = {0};
    sms_call_error err = {0};
    assert_int_equal(sms_list_servers(c, NULL, &list, &err), 0);
    assert_int_equal(list.n_source_servers, 1201);
    assert_int_equal(list.count, 1201);
    assert_int_equal(distinct_ids(list.source_servers, list.n_source_servers), 1201);
    assert_int_equal(pt_emu_stat(e, "list_requests") - before, 7);  /* 6 x 200 + 1 */
    sms_free(&SMS_T_SERVER_LIST, &list);
    sms_client_free(c);

    sms_poller_opts o = pt_poller_opts(e, "viewer");
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    size_t want = 1201;
    sms_snapshot *s = pt_wait(p, has_n_servers, &want, PT_WAIT_MS);
    assert_non_null(s);
    assert_int_equal(distinct_ids(s->fleet->servers, s->fleet->n_servers), 1201);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    smsemu_stop(e);
}

/* count=500 and every page the same two servers: two requests, two rows. */
static void test_lying_count_is_bounded_and_deduplicated(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(2, true);
    const char *spec = "/v3/sources=count:500";
    char errbuf[256];
    assert_int_equal(smsemu_set_faults(e, &spec, 1, errbuf, sizeof errbuf), 0);
    sms_client *c = pt_client(e, "viewer");
    sms_server_list list = {0};
    sms_call_error err = {0};
    assert_int_equal(sms_list_servers(c, NULL, &list, &err), 0);
    assert_int_equal(list.n_source_servers, 2);
    assert_int_equal(pt_fault_matches(e, spec), 2);
    sms_free(&SMS_T_SERVER_LIST, &list);
    sms_client_free(c);

    sms_poller_opts o = pt_poller_opts(e, "viewer");       /* one full listing at start */
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    assert_int_equal(s->fleet->n_servers, 2);
    assert_int_equal(distinct_ids(s->fleet->servers, 2), 2);
    assert_int_equal(pt_fault_matches(e, spec), 4);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    smsemu_stop(e);
}

typedef struct deleter { const smsemu *e; const char *spec; const char *id; } deleter;

/* Deletes a server of the first page while the second page's request is held by the
 * latency rule (rule hits count when a request arrives, before its delay). */
static void *delete_during_page_two(void *arg)
{
    deleter *d = arg;
    int64_t deadline = pt_mono_ms() + PT_WAIT_MS;
    while (pt_fault_matches(d->e, d->spec) < 2 && pt_mono_ms() < deadline)
        poll(NULL, 0, 10);
    sms_client *c = pt_client(d->e, "admin");
    sms_call_error err = {0};
    int rc = sms_delete_server(c, d->id, &err);
    sms_call_error_free(&err);
    sms_client_free(c);
    return (void *)(intptr_t)rc;
}

static void test_shifting_fleet_is_listed_again(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(450, true);
    size_t n;
    char **ids = pt_server_ids(e, &n);
    assert_int_equal(n, 450);
    const char *spec = "/v3/sources=latency:600";
    char errbuf[256];
    assert_int_equal(smsemu_set_faults(e, &spec, 1, errbuf, sizeof errbuf), 0);
    deleter d = { e, spec, ids[0] };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, delete_during_page_two, &d), 0);

    sms_client *c = pt_client(e, "viewer");
    sms_server_list list = {0};
    sms_call_error err = {0};
    assert_int_equal(sms_list_servers(c, NULL, &list, &err), 0);
    void *rc;
    pthread_join(t, &rc);
    assert_int_equal((intptr_t)rc, 0);
    /* page two saw count 449: the listing started again and missed nobody */
    assert_int_equal(list.n_source_servers, 449);
    assert_int_equal(list.count, 449);
    bool deleted_listed = false, shifted_one_listed = false;
    for (size_t i = 0; i < list.n_source_servers; i++) {
        deleted_listed |= strcmp(list.source_servers[i].id, ids[0]) == 0;
        shifted_one_listed |= strcmp(list.source_servers[i].id, ids[200]) == 0;
    }
    assert_false(deleted_listed);
    assert_true(shifted_one_listed);    /* offset 200 of the shifted list skips it */
    assert_int_equal(pt_fault_matches(e, spec), 5);    /* 2 pages, then 3 again */
    sms_free(&SMS_T_SERVER_LIST, &list);
    sms_client_free(c);
    smsemu_clear_faults(e);
    pt_free_ids(ids, n);
    smsemu_stop(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_last_partial_page),
        cmocka_unit_test(test_lying_count_is_bounded_and_deduplicated),
        cmocka_unit_test(test_shifting_fleet_is_listed_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
