/* test_api_book.c - the poller's book of servers (api/fleet_book.h): one entry per id
 * whatever the pages repeat, the newest page's item wins (and the page it replaced is let
 * go: ASan sees any use of it), removals keep the index right, the overview comparison
 * honours the 1,000 cap, and a published fleet holds its pages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/fleet_book.h"

/* A page of n servers "s<first+i>" in state st (each string its own allocation, as the
 * codec makes them). */
static sms_fleet_page *page(int first, size_t n, const char *st)
{
    sms_fleet_page *pg = calloc(1, sizeof *pg);
    pg->refs = 1;
    pg->items = calloc(n ? n : 1, sizeof *pg->items);
    pg->n_items = n;
    for (size_t i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "s%d", first + (int)i);
        pg->items[i].id = strdup(id);
        pg->items[i].name = strdup(id);
        pg->items[i].state = strdup(st);
    }
    return pg;
}

static void apply(sms_fleet_book *b, sms_fleet_page *pg, uint64_t gen)
{
    assert_int_equal(sms_book_apply(b, pg, gen), 0);
    sms_fleet_page_unref(pg);                   /* the book holds what it uses */
}

static const char *state_of(const sms_fleet_book *b, const char *id)
{
    size_t i = sms_book_find(b, id);
    return i == SMS_IDMAP_NONE ? NULL : b->items[i]->state;
}

static void test_one_entry_per_id_newest_wins(void **state)
{
    (void)state;
    sms_fleet_book b = { 0 };
    apply(&b, page(0, 3, "waiting"), 1);
    sms_fleet_page *dup = page(1, 2, "replicate");      /* s1, s2 again */
    free(dup->items[1].id);
    dup->items[1].id = strdup("s1");                     /* s1 twice in one page */
    apply(&b, dup, 2);
    assert_int_equal(b.n, 3);
    assert_string_equal(state_of(&b, "s0"), "waiting");
    assert_string_equal(state_of(&b, "s1"), "replicate");
    assert_string_equal(state_of(&b, "s2"), "waiting");
    assert_true(b.moving[sms_book_find(&b, "s1")]);
    assert_int_equal(b.seen[sms_book_find(&b, "s0")], 1);
    /* the first page is gone once nothing points into it: look up every id again */
    apply(&b, page(0, 3, "finished"), 3);
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "s%d", i);
        assert_string_equal(state_of(&b, id), "finished");
    }
    sms_book_free(&b);
}

static void test_removals_keep_the_index(void **state)
{
    (void)state;
    sms_fleet_book b = { 0 };
    apply(&b, page(0, 5, "waiting"), 1);
    apply(&b, page(1, 2, "error"), 2);                   /* s1, s2 seen at 2 */
    sms_book_remove(&b, sms_book_find(&b, "s0"));        /* the last entry moves into its place */
    assert_int_equal(b.n, 4);
    assert_true(sms_book_find(&b, "s0") == SMS_IDMAP_NONE);
    assert_string_equal(state_of(&b, "s4"), "waiting");
    assert_int_equal(sms_book_remove_unseen(&b, 2), 2);  /* s3, s4 */
    assert_int_equal(b.n, 2);
    assert_string_equal(state_of(&b, "s1"), "error");
    assert_string_equal(state_of(&b, "s2"), "error");
    sms_fleet *f = sms_book_publish(&b);
    assert_non_null(f);
    assert_int_equal(f->n_servers, 2);
    sms_book_free(&b);                                   /* the fleet keeps its pages */
    assert_string_equal(f->servers[0].state, "error");
    sms_fleet_unref(f);
}

static void test_overview_comparison_caps_at_1000(void **state)
{
    (void)state;
    sms_fleet_book b = { 0 };
    apply(&b, page(0, 1200, "waiting"), 1);
    apply(&b, page(5000, 3, "replicate"), 1);
    sms_overview ov = { .waiting = 1000, .replicate = 3 };
    assert_true(sms_book_matches_overview(&b, &ov));
    ov.replicate = 4;
    assert_false(sms_book_matches_overview(&b, &ov));
    ov.replicate = 3;
    ov.unavailable = 1;
    assert_false(sms_book_matches_overview(&b, &ov));
    sms_book_free(&b);
}

/* The older four-key answer (waiting, replicating, syncing, other), as an earlier help
 * page's example has it: replicating counts replicate, and the states it does not name
 * are unknown one by one (so the poller asks for each) but compared as one sum. */
static void test_older_four_key_overview(void **state)
{
    (void)state;
    sms_fleet_book b = { 0 };
    apply(&b, page(0, 5, "waiting"), 1);
    apply(&b, page(100, 6, "replicate"), 1);
    apply(&b, page(200, 3, "syncing"), 1);
    apply(&b, page(300, 1, "error"), 1);
    apply(&b, page(400, 1, "stopping"), 1);
    sms_overview ov = { .waiting = 5, .replicating = 6, .syncing = 3, .other = 2 };
    assert_int_equal(sms_overview_count(&ov, "replicate"), 6);
    assert_int_equal(sms_overview_count(&ov, "waiting"), 5);
    assert_int_equal(sms_overview_count(&ov, "error"), -1);
    assert_int_equal(sms_overview_count(&ov, "initialize"), -1);
    assert_true(sms_book_matches_overview(&b, &ov));
    ov.other = 3;
    assert_false(sms_book_matches_overview(&b, &ov));
    ov.other = 2;
    ov.replicating = 7;
    assert_false(sms_book_matches_overview(&b, &ov));
    /* the current answer is unchanged: no `other`, so every key stands for itself */
    sms_overview now = { .waiting = 5, .replicate = 6, .syncing = 3, .error = 1, .stopping = 1 };
    assert_int_equal(sms_overview_count(&now, "error"), 1);
    assert_int_equal(sms_overview_count(&now, "initialize"), 0);
    assert_true(sms_book_matches_overview(&b, &now));
    sms_book_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_entry_per_id_newest_wins),
        cmocka_unit_test(test_removals_keep_the_index),
        cmocka_unit_test(test_overview_comparison_caps_at_1000),
        cmocka_unit_test(test_older_four_key_overview),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
