/* test_api_wipe.c - libcurl and OpenSSL free every block through api/wipe.c, and each
 * block is zero when it is handed back to the allocator: a header holding the token, a
 * string escaped by curl, an OpenSSL copy of a password, and the old block of a realloc
 * (which must not be left behind unwiped when the block moves). sms_wipe_observer sees
 * each block after the wipe, before free(3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <openssl/crypto.h>

#include "api/wipe.h"

static const void *watched;          /* the block the test frees next */
static int seen;                     /* times the observer saw it */
static size_t nonzero;               /* bytes of it that were not wiped */

static void observe(const unsigned char *block, size_t size)
{
    if (block != watched)
        return;
    seen++;
    for (size_t i = 0; i < size; i++)
        nonzero += block[i] != 0;
}

static void watch(const void *p)
{
    watched = p;
    seen = 0;
    nonzero = 0;
}

static void check_wiped(const char *what)
{
    if (seen != 1)
        fail_msg("%s: freed %d times through the wiping free (expected once)", what, seen);
    if (nonzero)
        fail_msg("%s: %zu bytes were not wiped before free", what, nonzero);
}

static void test_curl_header_list_is_wiped(void **state)
{
    (void)state;
    struct curl_slist *h = curl_slist_append(NULL, "X-Auth-Token: MIIsecret-token-value");
    assert_non_null(h);
    watch(h->data);                  /* curl's own copy of the header line */
    curl_slist_free_all(h);
    check_wiped("curl_slist header");
}

static void test_curl_escaped_string_is_wiped(void **state)
{
    (void)state;
    char *e = curl_easy_escape(NULL, "{\"password\":\"admin-pass\"}", 0);
    assert_non_null(e);
    watch(e);
    curl_free(e);
    check_wiped("curl_easy_escape result");
}

static void test_openssl_copy_is_wiped(void **state)
{
    (void)state;
    char *p = OPENSSL_strdup("demo-secret-key");
    assert_non_null(p);
    watch(p);
    OPENSSL_free(p);
    check_wiped("OPENSSL_strdup copy");
}

static void test_realloc_wipes_the_old_block(void **state)
{
    (void)state;
    char *p = OPENSSL_malloc(32);
    assert_non_null(p);
    strcpy(p, "demo-secret-key");
    watch(p);
    char *q = OPENSSL_realloc(p, 64 * 1024);    /* moves: the old block must not stay */
    assert_non_null(q);
    check_wiped("the block OPENSSL_realloc left");
    assert_string_equal(q, "demo-secret-key");
    watch(q);
    OPENSSL_free(q);
    check_wiped("the block OPENSSL_realloc made");
}

int main(void)
{
    if (sms_wipe_global_init() != 0)
        return 1;
    sms_wipe_observer = observe;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curl_header_list_is_wiped),
        cmocka_unit_test(test_curl_escaped_string_is_wiped),
        cmocka_unit_test(test_openssl_copy_is_wiped),
        cmocka_unit_test(test_realloc_wipes_the_old_block),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
