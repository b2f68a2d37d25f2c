/* test_api_fleet_book.c - the poller's fleet book: a server listed again by a new page
 * takes the place of its old entry, and the id index follows it. The old page may be
 * freed by the replacement; its id string must not be read afterwards (ASan build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "api/fleet_book.h"

static sms_fleet_page *page_of(const char *id, const char *state)
{
    sms_server s = { .id = strdup(id), .name = strdup(id), .state = strdup(state) };
    sms_fleet_page *pg = sms_fleet_page_of(&s);
    assert_non_null(pg);
    return pg;
}

static void test_replacement_frees_the_old_page_safely(void **state)
{
    (void)state;
    sms_fleet_book b = { 0 };
    sms_fleet_page *a = page_of("srv-1", "waiting");
    assert_int_equal(sms_book_apply(&b, a, 1), 0);
    sms_fleet_page_unref(a);                    /* the book holds the only reference */
    sms_fleet_page *c = page_of("srv-1", "replicate");
    assert_int_equal(sms_book_apply(&b, c, 2), 0);      /* frees page a */
    sms_fleet_page_unref(c);
    assert_int_equal(b.n, 1);
    size_t i = sms_book_find(&b, "srv-1");
    assert_int_equal(i, 0);
    assert_string_equal(b.items[i]->state, "replicate");
    assert_true(b.moving[i]);
    sms_book_free(&b);
}

/* A placeholder without id (model.h, anon_key): kept under its key, merged when listed
 * again, removable; counted in the fleet; and its unknown state excuses as many servers
 * missing from the overview's counts, no more. */
static void test_records_without_id_are_kept_by_key(void **state)
{
    (void)state;
    sms_fleet_book b = { 0 };
    sms_fleet_page *a = page_of("srv-1", "waiting");
    assert_int_equal(sms_book_apply(&b, a, 1), 0);
    sms_fleet_page_unref(a);
    for (uint64_t gen = 1; gen <= 2; gen++) {   /* the same record, read twice */
        sms_server anon = { .anon_key = strdup("#00000000000000aa.0"), .bad_record = strdup("id: missing"),
                            .name = strdup("[unreadable record] id: missing") };
        sms_fleet_page *pg = sms_fleet_page_of(&anon);
        assert_non_null(pg);
        assert_int_equal(sms_book_apply(&b, pg, gen), 0);
        sms_fleet_page_unref(pg);
    }
    assert_int_equal(b.n, 2);
    size_t i = sms_book_find(&b, "#00000000000000aa.0");
    assert_int_equal(i, 1);
    assert_null(b.items[i]->id);
    assert_false(b.moving[i]);
    sms_fleet *f = sms_book_publish(&b);
    assert_non_null(f);
    assert_int_equal(f->n_servers, 2);
    assert_int_equal(f->n_unreadable, 1);
    sms_fleet_unref(f);

    sms_overview ov = { .waiting = 1 };
    assert_true(sms_book_matches_overview(&b, &ov));
    ov.replicate = 1;                           /* the unreadable one may be replicating */
    assert_true(sms_book_matches_overview(&b, &ov));
    ov.error = 1;                               /* but it cannot be two servers */
    assert_false(sms_book_matches_overview(&b, &ov));
    ov = (sms_overview){ .replicate = 1 };      /* nor excuse one too many */
    assert_false(sms_book_matches_overview(&b, &ov));

    assert_int_equal(sms_book_remove_unseen(&b, 2), 1);   /* srv-1, last seen at 1 */
    assert_int_equal(sms_book_find(&b, "#00000000000000aa.0"), 0);
    sms_book_remove(&b, 0);
    assert_int_equal(b.n, 0);
    assert_int_equal(sms_book_find(&b, "#00000000000000aa.0"), SMS_IDMAP_NONE);
    sms_book_free(&b);
}

/* sms_fleet.revs: a server's number stays while its data does (the same page applied
 * again, or a new page with the same server), changes when its data changes, is new for
 * a new server, follows its entry when another is removed, and reaches the fleet. */
static void test_revs_change_with_the_data_only(void **state)
{
    (void)state;
    sms_fleet_book b = { 0 };
    const char *ids[] = { "srv-1", "srv-2", "srv-3" };
    for (int k = 0; k < 3; k++) {
        sms_fleet_page *pg = page_of(ids[k], "waiting");
        assert_int_equal(sms_book_apply(&b, pg, 1), 0);
        assert_int_equal(sms_book_apply(&b, pg, 1), 0);     /* the same page again */
        sms_fleet_page_unref(pg);
    }
    uint64_t r1 = b.rev[0], r2 = b.rev[1], r3 = b.rev[2];
    assert_true(r1 && r2 && r3 && r1 != r2 && r2 != r3 && r1 != r3);
    sms_fleet_page *same = page_of("srv-2", "waiting");     /* read again, unchanged */
    assert_int_equal(sms_book_apply(&b, same, 2), 0);
    sms_fleet_page_unref(same);
    assert_true(b.rev[1] == r2);
    sms_fleet_page *moved = page_of("srv-2", "replicate");  /* its data changed */
    assert_int_equal(sms_book_apply(&b, moved, 3), 0);
    sms_fleet_page_unref(moved);
    assert_true(b.rev[1] != r2 && b.rev[1] != r1 && b.rev[1] != r3);
    assert_true(b.rev[0] == r1 && b.rev[2] == r3);
    uint64_t r2b = b.rev[1];
    sms_book_remove(&b, 0);                                 /* srv-3 takes entry 0 */
    assert_int_equal(sms_book_find(&b, "srv-3"), 0);
    assert_true(b.rev[0] == r3 && b.rev[1] == r2b);
    sms_fleet *f = sms_book_publish(&b);
    assert_non_null(f);
    assert_non_null(f->revs);
    for (size_t i = 0; i < f->n_servers; i++)
        assert_true(f->revs[i] == (strcmp(f->servers[i].id, "srv-3") == 0 ? r3 : r2b));
    sms_fleet_unref(f);
    sms_book_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replacement_frees_the_old_page_safely),
        cmocka_unit_test(test_records_without_id_are_kept_by_key),
        cmocka_unit_test(test_revs_change_with_the_data_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
