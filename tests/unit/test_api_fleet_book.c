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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replacement_frees_the_old_page_safely),
        cmocka_unit_test(test_records_without_id_are_kept_by_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
