/* test_poller_moving.c - the refresh strategy (docs/design.md, "Refreshing a large
 * fleet") against the emulator, counted in refreshes, never in time: a server that starts
 * moving shows within two refreshes although the background sweep would reach it much
 * later; progress that leaves every overview count as it was still shows within two; a
 * server that stops moving shows its new state; a steady refresh reads the overview, the
 * moving states and one sweep page, not the whole fleet; and the sweep, then the overview
 * check, find what changed elsewhere. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "poller_testutil.h"

#define FLEET 2000                  /* 10 pages: a sweep takes 10 refreshes */
#define REFRESH_MS 150

typedef struct want {
    const char *id, *state;
    int64_t replicatesize;          /* -1: any */
} want;

static bool shows(const sms_snapshot *s, const void *arg)
{
    const want *w = arg;
    long i = pt_fleet_index(s->fleet, w->id);
    if (i < 0)
        return false;
    const sms_server *sv = &s->fleet->servers[i];
    return sv->state && strcmp(sv->state, w->state) == 0 &&
           (w->replicatesize < 0 || sv->replicatesize == w->replicatesize);
}

/* The refreshes done so far: the newest snapshot's count (older ones are dropped). */
static uint64_t refreshes_now(sms_poller *p, uint64_t known)
{
    for (sms_snapshot *s; (s = sms_poller_take(p)) != NULL; sms_snapshot_release(s))
        if (s->refresh.refreshes > known)
            known = s->refresh.refreshes;
    return known;
}

typedef struct fixture { smsemu *e; sms_poller *p; char **ids; size_t n; uint64_t seen; } fixture;

static void start(fixture *f)
{
    f->e = pt_emu_start(FLEET, true);
    f->ids = pt_server_ids(f->e, &f->n);
    assert_int_equal(f->n, FLEET);
    sms_poller_opts o = pt_poller_opts(f->e, "viewer");
    o.refresh_ms = REFRESH_MS;
    f->p = sms_poller_start(&o, NULL);
    assert_non_null(f->p);
    sms_snapshot *s = pt_wait(f->p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    assert_int_equal(s->fleet->n_servers, FLEET);
    f->seen = s->refresh.refreshes;
    sms_snapshot_release(s);
}

static void stop(fixture *f)
{
    sms_poller_stop(f->p);
    pt_free_ids(f->ids, f->n);
    smsemu_stop(f->e);
}

static void set_server(fixture *f, const char *id, const char *state, long replicatesize)
{
    char path[256];
    int n = snprintf(path, sizeof path, "/emulator/server?id=%s&state=%s", id, state);
    if (replicatesize >= 0)
        snprintf(path + n, sizeof path - (size_t)n, "&replicatesize=%ld&totalsize=1000", replicatesize);
    pt_emu_post(f->e, path);
}

/* Waits for w; returns the refreshes it took since the change (made just before). */
static uint64_t refreshes_until(fixture *f, uint64_t before, const want *w)
{
    sms_snapshot *s = pt_wait(f->p, shows, w, PT_WAIT_MS);
    assert_non_null(s);
    uint64_t took = s->refresh.refreshes - before;
    f->seen = s->refresh.refreshes;
    sms_snapshot_release(s);
    return took;
}

static void test_server_that_starts_moving_shows_within_two_refreshes(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    /* the last page's server: the background sweep starts at the first page */
    const char *id = f.ids[FLEET - 1];
    uint64_t before = refreshes_now(f.p, f.seen);
    set_server(&f, id, "replicate", 100);
    want w = { id, "replicate", 100 };
    assert_true(refreshes_until(&f, before, &w) <= 2);
    stop(&f);
}

static void test_progress_with_unchanged_counts_shows_within_two_refreshes(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    const char *id = f.ids[FLEET / 2];
    set_server(&f, id, "syncing", 10);
    want w = { id, "syncing", 10 };
    refreshes_until(&f, refreshes_now(f.p, f.seen), &w);
    for (long done = 20; done <= 40; done += 10) {  /* the overview stays the same */
        uint64_t before = refreshes_now(f.p, f.seen);
        set_server(&f, id, "syncing", done);
        want next = { id, "syncing", done };
        assert_true(refreshes_until(&f, before, &next) <= 2);
    }
    stop(&f);
}

static void test_server_that_stops_moving_shows_its_new_state(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    const char *id = f.ids[FLEET - 2];
    set_server(&f, id, "cutovering", 900);
    want w = { id, "cutovering", 900 };
    refreshes_until(&f, refreshes_now(f.p, f.seen), &w);
    uint64_t before = refreshes_now(f.p, f.seen);
    set_server(&f, id, "finished", 1000);           /* no longer listed by any moving query */
    want done = { id, "finished", 1000 };
    assert_true(refreshes_until(&f, before, &done) <= 2);
    stop(&f);
}

/* A steady refresh of a fleet where one server moves: the overview, one listing of its
 * state, one sweep page; never the whole fleet. */
static void test_steady_refresh_reads_a_few_pages_not_the_fleet(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    set_server(&f, f.ids[7], "replicate", 1);
    want w = { f.ids[7], "replicate", 1 };
    refreshes_until(&f, refreshes_now(f.p, f.seen), &w);
    uint64_t r0 = refreshes_now(f.p, f.seen);
    long lists0 = pt_emu_stat(f.e, "list_requests"), ov0 = pt_emu_stat(f.e, "overview_requests");
    uint64_t r1;
    int64_t deadline = pt_mono_ms() + PT_WAIT_MS;
    while ((r1 = refreshes_now(f.p, r0)) < r0 + 8 && pt_mono_ms() < deadline)
        poll(NULL, 0, 20);
    long lists = pt_emu_stat(f.e, "list_requests") - lists0;
    long ovs = pt_emu_stat(f.e, "overview_requests") - ov0;
    uint64_t refreshes = refreshes_now(f.p, r1) - r0;      /* a refresh may have ended since */
    assert_true(refreshes >= 8);
    /* per refresh: 1 moving-state listing + 1 sweep page (+1 for a refresh in flight) */
    assert_true(lists <= (long)(2 * (refreshes + 1)));
    assert_true(lists >= (long)(2 * (refreshes - 1)));
    assert_true(ovs <= (long)(refreshes + 1));
    stop(&f);
}

/* Agent versions would read a server a millisecond: the refresh's reads stay within
 * SMS_READS_PER_REFRESH (5) a refresh interval, and the versions take only what the
 * refreshes leave: the sweep still reads a page every refresh. */
static void test_reads_stay_within_the_budget(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(FLEET, true);
    sms_poller_opts o = pt_poller_opts(e, "viewer");
    o.refresh_ms = 200;
    o.version_ms = 1;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    uint64_t r0 = s->refresh.refreshes, sweep0 = s->refresh.sweep_pages;
    sms_snapshot_release(s);
    long reads0 = pt_emu_stat(e, "list_requests") + pt_emu_stat(e, "show_requests");
    int64_t t0 = pt_mono_ms();
    uint64_t r1 = r0;
    while ((r1 = refreshes_now(p, r1)) < r0 + 15 && pt_mono_ms() < t0 + PT_WAIT_MS)
        poll(NULL, 0, 20);
    long reads = pt_emu_stat(e, "list_requests") + pt_emu_stat(e, "show_requests") - reads0;
    int64_t ms = pt_mono_ms() - t0;
    s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    /* the sweep comes before the versions: a page every refresh (none moves here) */
    assert_true(s->refresh.sweep_pages - sweep0 + 2 >= s->refresh.refreshes - r0);
    sms_snapshot_release(s);
    /* 5 reads per 200 ms, plus the burst of 10 and a refresh in flight */
    assert_true(reads <= 5 * (ms / 200 + 1) + 10 + 5);
    assert_true(reads > 0);
    sms_poller_stop(p);
    smsemu_stop(e);
}

static bool sweep_completed_after(const sms_snapshot *s, const void *arg)
{
    return s->refresh.sweeps_completed > *(const uint64_t *)arg;
}

/* A rename leaves every count as it was: the background sweep shows it within one sweep
 * (10 pages); a registration changes the overview: a full listing follows. */
static void test_sweep_and_overview_find_other_changes(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    const char *id = f.ids[FLEET - 1];
    sms_client *c = pt_client(f.e, "admin");
    char path[128];
    snprintf(path, sizeof path, "/v3/sources/%s", id);
    sms_response r;
    sms_call_error err = {0};
    uint64_t before = refreshes_now(f.p, f.seen);
    assert_int_equal(sms_request(c, "PUT", path, "{\"name\":\"renamed-by-test\"}", true, NULL, NULL,
                                 &r, &err), 0);
    sms_response_free(&r);
    sms_client_free(c);
    sms_snapshot *s = NULL;
    int64_t deadline = pt_mono_ms() + PT_WAIT_MS;
    while (pt_mono_ms() < deadline) {
        s = pt_wait(f.p, pt_has_fleet, NULL, PT_WAIT_MS);
        assert_non_null(s);
        long i = pt_fleet_index(s->fleet, id);
        if (i >= 0 && strcmp(s->fleet->servers[i].name, "renamed-by-test") == 0)
            break;
        sms_snapshot_release(s);
        s = NULL;
    }
    assert_non_null(s);
    assert_true(s->refresh.refreshes - before <= FLEET / 200 + 2);
    assert_true(s->refresh.sweep_pages > 0);
    uint64_t fulls = s->refresh.full_listings;
    sms_snapshot_release(s);

    /* just after a sweep wrapped, the last page is ten refreshes away from it; a state
     * change there shows in the overview's counts, and a full listing follows */
    uint64_t sweeps = 0;
    s = pt_wait(f.p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    sweeps = s->refresh.sweeps_completed;
    sms_snapshot_release(s);
    s = pt_wait(f.p, sweep_completed_after, &sweeps, PT_WAIT_MS);
    assert_non_null(s);
    before = s->refresh.refreshes;
    sms_snapshot_release(s);
    set_server(&f, id, "unavailable", -1);
    want w = { id, "unavailable", -1 };
    assert_true(refreshes_until(&f, before, &w) <= 5);
    s = pt_wait(f.p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    assert_true(s->refresh.full_listings > fulls);
    sms_snapshot_release(s);
    stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_that_starts_moving_shows_within_two_refreshes),
        cmocka_unit_test(test_progress_with_unchanged_counts_shows_within_two_refreshes),
        cmocka_unit_test(test_server_that_stops_moving_shows_its_new_state),
        cmocka_unit_test(test_steady_refresh_reads_a_few_pages_not_the_fleet),
        cmocka_unit_test(test_sweep_and_overview_find_other_changes),
        cmocka_unit_test(test_reads_stay_within_the_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
