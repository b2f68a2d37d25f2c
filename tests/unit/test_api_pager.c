/* test_api_pager.c - the paging policy (api/pager.h) on synthetic pages: duplicates are
 * dropped, a page without a new id ends the listing whatever count claims, a count that
 * changes between pages restarts the listing (a bounded number of times), a last partial
 * page ends it, and offsets stop at the API's range. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/pager.h"

typedef struct item { int pad; const char *id; } item;

/* n items with ids "s<first>"... into v (ids kept in names). */
static void make_page(item *v, char names[][16], int first, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], 16, "s%d", first + (int)i);
        v[i] = (item){ 0, names[i] };
    }
}

static sms_pager_step feed(sms_pager *p, int32_t count, const item *v, size_t n, bool *keep)
{
    return sms_pager_page(p, count, v, n, sizeof *v, offsetof(item, id), offsetof(item, id), keep);
}

static void test_lying_count_stops_when_a_page_adds_nothing(void **state)
{
    (void)state;
    item v[2];
    char names[2][16];
    bool keep[2];
    make_page(v, names, 0, 2);
    sms_pager p;
    sms_pager_begin(&p);
    assert_int_equal(feed(&p, 500, v, 2, keep), SMS_PAGER_NEXT);   /* two new, 498 to go */
    assert_true(keep[0] && keep[1]);
    assert_int_equal(p.offset, 2);
    assert_int_equal(feed(&p, 500, v, 2, keep), SMS_PAGER_DONE);   /* the same two again */
    assert_false(keep[0] || keep[1]);
    assert_int_equal(p.requests, 2);
    assert_int_equal(p.kept, 2);
    sms_pager_end(&p);
}

static void test_duplicates_within_and_across_pages_are_dropped(void **state)
{
    (void)state;
    item a[3], b[3];
    char na[3][16], nb[3][16];
    bool keep[3];
    make_page(a, na, 0, 3);
    make_page(b, nb, 2, 3);             /* s2 again, then s3, s4 */
    a[1].id = a[0].id;                  /* s0 twice in the first page */
    sms_pager p;
    sms_pager_begin(&p);
    assert_int_equal(feed(&p, 6, a, 3, keep), SMS_PAGER_NEXT);
    assert_true(keep[0]);
    assert_false(keep[1]);
    assert_true(keep[2]);
    assert_int_equal(feed(&p, 6, b, 3, keep), SMS_PAGER_DONE);      /* offset 6 >= count */
    assert_false(keep[0]);
    assert_true(keep[1] && keep[2]);
    assert_int_equal(p.kept, 4);
    sms_pager_end(&p);
}

static void test_changed_count_restarts_a_bounded_number_of_times(void **state)
{
    (void)state;
    item v[2];
    char names[2][16];
    make_page(v, names, 0, 2);
    sms_pager p;
    sms_pager_begin(&p);
    int32_t count = 10;
    int restarts = 0;
    for (int guard = 0; guard < 50; guard++) {
        sms_pager_step st = feed(&p, count, v, 2, NULL);
        make_page(v, names, (int)p.offset, 2);
        if (st == SMS_PAGER_DONE)
            break;
        if (st == SMS_PAGER_RESTART) {
            restarts++;
            assert_int_equal(p.offset, 0);
            assert_int_equal(p.kept, 0);
            make_page(v, names, 0, 2);
        }
        count++;                        /* the fleet grows under every page */
    }
    assert_int_equal(restarts, SMS_PAGER_MAX_RESTARTS);
    assert_true(p.shifted);             /* the last pass could not get a still list */
    sms_pager_end(&p);

    sms_pager_begin(&p);                /* one shift, then a still list: not shifted */
    make_page(v, names, 0, 2);
    assert_int_equal(feed(&p, 4, v, 2, NULL), SMS_PAGER_NEXT);
    make_page(v, names, 2, 2);
    assert_int_equal(feed(&p, 5, v, 2, NULL), SMS_PAGER_RESTART);
    make_page(v, names, 0, 2);
    assert_int_equal(feed(&p, 5, v, 2, NULL), SMS_PAGER_NEXT);
    make_page(v, names, 2, 2);
    assert_int_equal(feed(&p, 5, v, 2, NULL), SMS_PAGER_NEXT);
    make_page(v, names, 4, 1);
    assert_int_equal(feed(&p, 5, v, 1, NULL), SMS_PAGER_DONE);
    assert_false(p.shifted);
    assert_int_equal(p.kept, 5);
    assert_int_equal(p.requests, 5);
    sms_pager_end(&p);
}

/* Records without a readable id are keyed by their anon_key: a server that repeats a
 * page of such records while claiming count=500 still costs two requests, and the same
 * record on two pages is kept once. An item with neither id nor key is always new. */
static void test_records_without_id_go_by_their_key(void **state)
{
    (void)state;
    typedef struct rec { const char *id, *key; } rec;
    rec page[3] = { { NULL, "#00000000000000aa.0" }, { NULL, "#00000000000000bb.0" }, { "s1", NULL } };
    bool keep[3];
    sms_pager p;
    sms_pager_begin(&p);
    assert_int_equal(sms_pager_page(&p, 500, page, 3, sizeof *page, offsetof(rec, id), offsetof(rec, key), keep),
                     SMS_PAGER_NEXT);
    assert_true(keep[0] && keep[1] && keep[2]);
    assert_int_equal(sms_pager_page(&p, 500, page, 3, sizeof *page, offsetof(rec, id), offsetof(rec, key), keep),
                     SMS_PAGER_DONE);
    assert_false(keep[0] || keep[1] || keep[2]);
    assert_int_equal(p.kept, 3);
    assert_int_equal(p.requests, 2);
    sms_pager_end(&p);

    rec bare[2] = { { NULL, NULL }, { NULL, NULL } };
    sms_pager_begin(&p);
    assert_int_equal(sms_pager_page(&p, 4, bare, 2, sizeof *bare, offsetof(rec, id), offsetof(rec, key), keep),
                     SMS_PAGER_NEXT);
    assert_int_equal(sms_pager_page(&p, 4, bare, 2, sizeof *bare, offsetof(rec, id), offsetof(rec, key), keep),
                     SMS_PAGER_DONE);
    assert_true(keep[0] && keep[1]);
    assert_int_equal(p.kept, 4);
    sms_pager_end(&p);
}

static void test_partial_last_page_and_offset_range(void **state)
{
    (void)state;
    static item v[200];
    static char names[200][16];
    sms_pager p;
    sms_pager_begin(&p);
    int pages = 0;
    for (sms_pager_step st = SMS_PAGER_NEXT; st == SMS_PAGER_NEXT; pages++) {
        size_t n = 1201 - p.offset < 200 ? (size_t)(1201 - p.offset) : 200;
        make_page(v, names, (int)p.offset, n);
        st = feed(&p, 1201, v, n, NULL);
    }
    assert_int_equal(pages, 7);         /* six of 200, then one of 1 */
    assert_int_equal(p.kept, 1201);
    sms_pager_end(&p);

    /* 100,000 claimed: the last page starts at 65,535. The pager borrows ids, so each
     * id keeps its own storage here. */
    static char ids[SMS_PAGER_MAX_OFFSET + 200][8];
    sms_pager_begin(&p);
    long last = -1;
    for (sms_pager_step st = SMS_PAGER_NEXT; st == SMS_PAGER_NEXT;) {
        last = p.offset;
        assert_true(last <= SMS_PAGER_MAX_OFFSET);
        for (int i = 0; i < 200; i++) {
            snprintf(ids[last + i], sizeof ids[0], "%ld", last + i);
            v[i] = (item){ 0, ids[last + i] };
        }
        st = feed(&p, 100000, v, 200, NULL);
    }
    assert_int_equal(last, SMS_PAGER_MAX_OFFSET);
    assert_true(p.truncated);
    assert_int_equal(p.kept, SMS_PAGER_MAX_OFFSET + 200);  /* 65,735: all offsets reach */
    sms_pager_end(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lying_count_stops_when_a_page_adds_nothing),
        cmocka_unit_test(test_duplicates_within_and_across_pages_are_dropped),
        cmocka_unit_test(test_changed_count_restarts_a_bounded_number_of_times),
        cmocka_unit_test(test_partial_last_page_and_offset_range),
        cmocka_unit_test(test_records_without_id_go_by_their_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
