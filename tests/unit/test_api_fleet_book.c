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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replacement_frees_the_old_page_safely),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
